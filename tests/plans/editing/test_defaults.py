import pytest

from orgs.models import Unit
from plans.editing import defaults
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def le_loi(seed):
    return Unit.objects.get(slug="le-loi")


def test_the_header_authority_and_place_name_the_commune_in_upper_case(le_loi):
    document = defaults.new_plan_data(le_loi, 2025)["document"]
    assert document["issuing_body"] == "ỦY BAN NHÂN DÂN\nXÃ LÊ LỢI"
    assert document["authority"] == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ LÊ LỢI"
    assert document["place"] == "Lê Lợi"
    assert document["doc_type"] == "QUYẾT ĐỊNH"
    assert document["summary"] == "Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2025"
    assert (document["signer_title"], document["signer_name"], document["number"]) == ("CHỦ TỊCH", "", None)


def test_the_legal_bases_are_the_four_national_ones_then_the_province_and_district_plans(le_loi):
    bases = defaults.legal_bases(le_loi, 2025)
    assert len(bases) == 6
    assert bases[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")
    assert "63/2010/NĐ-CP" in bases[1] and "92/2017/NĐ-CP" in bases[1]
    assert "61/2018/NĐ-CP" in bases[2] and "107/2021/NĐ-CP" in bases[2]
    assert "45/2020/NĐ-CP" in bases[3]
    assert "UBND tỉnh Hải Dương" in bases[4] and "năm 2025" in bases[4]
    assert "UBND huyện Gia Lộc" in bases[5]
    assert all(basis.endswith(";") for basis in bases)


def test_the_province_and_district_plan_bases_leave_the_number_and_date_blank(le_loi):
    province, district = defaults.legal_bases(le_loi, 2025)[4:]
    for basis in (province, district):
        assert basis.startswith("Căn cứ Quyết định số …/QĐ-UBND ngày … của Chủ tịch UBND")
        assert defaults.has_blank(basis)


def test_a_commune_directly_under_a_province_cites_only_the_province_plan_and_reports_to_it():
    province = UnitFactory(kind=Unit.Kind.PROVINCE, name="Bắc Ninh")
    ward = UnitFactory(kind=Unit.Kind.WARD, name="Kinh Bắc", parent=province)
    bases = defaults.legal_bases(ward, 2026)
    assert len(bases) == 5 and "UBND tỉnh Bắc Ninh" in bases[-1]
    assert "UBND tỉnh Bắc Ninh (b/c);" in [r["text"] for r in defaults.recipients(ward)]


def test_a_ward_and_a_township_are_named_with_their_own_kind_word():
    ward = UnitFactory(kind=Unit.Kind.WARD, name="Kinh Bắc")
    township = UnitFactory(kind=Unit.Kind.TOWNSHIP, name="Gia Lộc")
    assert defaults.new_plan_data(ward, 2026)["document"]["issuing_body"] == "ỦY BAN NHÂN DÂN\nPHƯỜNG KINH BẮC"
    assert (
        defaults.new_plan_data(township, 2026)["document"]["authority"] == "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ TRẤN GIA LỘC"
    )


def test_a_commune_without_a_known_province_keeps_a_blank_for_it():
    commune = UnitFactory(kind=Unit.Kind.COMMUNE, name="Thử Nghiệm")
    assert defaults.legal_bases(commune, 2025)[-1].count("tỉnh …") == 2


def test_the_articles_are_the_three_standard_ones(le_loi):
    articles = defaults.articles(le_loi, 2025)
    assert [a["label"] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert articles[0]["body"] == "Ban hành kèm theo Quyết định này Kế hoạch kiểm soát thủ tục hành chính năm 2025."
    assert articles[1]["body"] == "Quyết định này có hiệu lực thi hành kể từ ngày ký."
    assert articles[2]["body"].startswith("Văn phòng HĐND-UBND xã, ")
    assert articles[2]["body"].endswith("chịu trách nhiệm thi hành Quyết định này./.")


def test_the_recipients_report_to_the_district_above_and_end_with_the_archive(le_loi):
    texts = [r["text"] for r in defaults.recipients(le_loi)]
    assert texts == [
        "Như Điều 3;",
        "UBND huyện Gia Lộc (b/c);",
        "TT Đảng ủy, HĐND xã (b/c);",
        "Chủ tịch, các PCT UBND xã;",
        "Lưu: VT, VP.",
    ]


def test_the_table_has_the_standard_columns_and_sections_i_to_iv_without_rows(le_loi):
    table = defaults.new_plan_data(le_loi, 2025)["table"]
    assert table["heading"] == "KẾ HOẠCH"
    assert table["title"] == "Kiểm soát thủ tục hành chính năm 2025"
    assert table["attachment_line"] == (
        "(Ban hành kèm theo Quyết định số      /QĐ-UBND ngày      tháng      năm 2025 của Chủ tịch UBND xã Lê Lợi)"
    )
    assert list(table["columns"].values()) == [
        "STT",
        "Nội dung công việc",
        "Chủ trì",
        "Phối hợp",
        "Thời hạn hoàn thành",
        "Sản phẩm dự kiến",
    ]
    assert [s["number"] for s in table["sections"]] == ["I", "II", "III", "IV"]
    assert table["sections"][3]["title"] == "Nhiệm vụ khác có liên quan"
    assert all(s["tasks"] == [] for s in table["sections"])
