import json

import pytest
from django.conf import settings

from plans.copying.years import ATTACHMENT, BASIS, copy_data, shift_years, year_mentions_that_do_not_fit

DECREE_61 = (
    "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, "
    "một cửa liên thông trong giải quyết thủ tục hành chính;"
)


def _fixture(name):
    return json.loads((settings.BASE_DIR / "fixtures" / "plans" / f"{name}.json").read_text(encoding="utf-8"))


def _moved(text, from_year=2023, to_year=2024, **kwargs):
    new_text, shifts = shift_years(text, from_year, to_year, **kwargs)
    return new_text, [(s.before, s.after) for s in shifts]


def _change(proposal, where):
    return next(c for c in proposal.changes if c.where == where)


def _warned(warnings):
    return {(w.where, w.year, w.level) for w in warnings}


# ---------------------------------------------------------------------------------------------
# Moving years in one text


def test_a_date_moves_to_the_new_year():
    assert _moved("Chậm nhất ngày 15/9/2023") == ("Chậm nhất ngày 15/9/2024", [("15/9/2023", "15/9/2024")])


def test_a_date_written_in_words_moves_to_the_new_year():
    assert _moved("Hoàn thành trước ngày 31 tháng 12 năm 2023")[0] == "Hoàn thành trước ngày 31 tháng 12 năm 2024"


def test_a_month_moves_to_the_new_year():
    assert _moved("Chậm nhất trong tháng 3/2023.") == (
        "Chậm nhất trong tháng 3/2024.",
        [("tháng 3/2023", "tháng 3/2024")],
    )


def test_a_list_of_months_moves_to_the_new_year():
    assert _moved("Tháng 3, 6, 9, 12/2023")[0] == "Tháng 3, 6, 9, 12/2024"


def test_a_quarter_moves_to_the_new_year():
    assert _moved("Quý II/2023") == ("Quý II/2024", [("Quý II/2023", "Quý II/2024")])


def test_a_quarter_written_with_nam_moves_to_the_new_year():
    assert _moved("Quý I/2023 và 6 tháng đầu năm 2023.")[0] == "Quý I/2024 và 6 tháng đầu năm 2024."


def test_nam_and_its_year_move_whatever_the_case():
    assert (
        _moved("KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2023")[0] == "KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2024"
    )
    assert _moved("Thường xuyên trong năm 2023")[0] == "Thường xuyên trong năm 2024"


def test_the_previous_year_moves_to_the_year_before_the_new_one():
    assert _moved("phát huy kết quả năm 2022") == ("phát huy kết quả năm 2023", [("năm 2022", "năm 2023")])


def test_years_further_back_stay():
    assert _moved("những hạn chế của năm 2021") == ("những hạn chế của năm 2021", [])


def test_a_legal_basis_citing_a_decree_is_unchanged():
    assert _moved(DECREE_61, 2018, 2019, role=BASIS) == (DECREE_61, [])


def test_a_cited_decrees_number_and_date_stay_even_in_the_body():
    assert _moved(DECREE_61, 2018, 2019) == (DECREE_61, [])


def test_a_cited_decisions_numeric_date_stays():
    text = "công khai kết quả theo Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ"
    assert _moved(text, 2022, 2023) == (text, [])


def test_a_cited_law_without_number_keeps_its_date():
    text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    assert _moved(text, 2015, 2016) == (text, [])


def test_a_cited_plans_title_stays():
    text = "Thực hiện rà soát theo Kế hoạch số 5392/KH-UBND ngày 26/10/2022 của UBND tỉnh về rà soát TTHC năm 2022"
    assert _moved(text, 2022, 2023) == (text, [])


def test_a_period_stays():
    text = "Chương trình cải cách hành chính giai đoạn 2021 - 2030 và Đề án giai đoạn 2022-2025"
    assert _moved(text, 2022, 2023) == (text, [])


def test_a_clause_after_a_citation_that_starts_with_a_capital_moves():
    text = "Nghị định số 61/2018/NĐ-CP, Chủ tịch UBND tỉnh ban hành kế hoạch trên địa bàn tỉnh năm 2024 như sau:"
    assert _moved(text, 2024, 2025)[1] == [("năm 2024", "năm 2025")]


def test_the_upper_levels_plan_of_the_same_year_moves_its_year_in_a_legal_basis():
    text = (
        "Căn cứ Quyết định số 139/QĐ-UBND ngày 17/01/2024 của Chủ tịch UBDN tỉnh ban hành Kế hoạch kiểm soát "
        "thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông năm 2024 trên địa bàn tỉnh Hải Dương;"
    )
    new_text, shifts = _moved(text, 2024, 2025, role=BASIS)
    assert shifts == [("năm 2024", "năm 2025")]
    assert "số 139/QĐ-UBND ngày 17/01/2024" in new_text


def test_the_attachment_line_leaves_the_new_decisions_number_and_day_blank():
    text = "(Ban hành kèm theo Quyết định số 05/QĐ-UBND ngày 23 tháng 01 năm 2024 của Chủ tịch UBND)"
    new_text, _ = _moved(text, 2024, 2025, role=ATTACHMENT)
    assert (
        new_text == "(Ban hành kèm theo Quyết định số       /QĐ-UBND ngày      tháng      năm 2025 của Chủ tịch UBND)"
    )


def test_a_text_without_a_year_to_move_is_returned_as_is():
    assert shift_years("Khi có phát sinh", 2024, 2025) == ("Khi có phát sinh", [])


# ---------------------------------------------------------------------------------------------
# Years that do not fit


def test_seed_000s_decision_clause_naming_2022_and_2023_in_2024_is_flagged():
    warnings = year_mentions_that_do_not_fit(_fixture("le-loi-2024"), 2024)
    assert {("Điều 2, khoản 1", 2022, "warning"), ("Điều 2, khoản 1", 2023, "warning")} <= _warned(warnings)


def test_seed_000s_deadline_in_2023_is_flagged():
    warnings = year_mentions_that_do_not_fit(_fixture("le-loi-2024"), 2024)
    iv5 = next(w for w in warnings if w.where == "Mục IV, dòng 5 – Thời hạn")
    assert (iv5.year, iv5.snippet) == (2023, "Định kỳ hoặc đột xuất trong năm 2023")
    assert iv5.message == "Nhắc đến năm 2023 trong kế hoạch năm 2024 — kiểm tra lại."


def test_seed_000_has_no_other_year_warnings():
    assert len(year_mentions_that_do_not_fit(_fixture("le-loi-2024"), 2024)) == 3


@pytest.mark.parametrize("name", ["ha-tan-2024", "bac-giang-2024", "thanh-thuy-2023"])
def test_the_other_seed_plans_cite_documents_of_other_years_without_warnings(name):
    data = _fixture(name)
    assert year_mentions_that_do_not_fit(data, data["year"]) == []


def _plan_data(clause="", deadline="Quý II/2024", bases=()):
    data = _fixture("le-loi-2024")
    data["document"]["articles"] = [{"label": "Điều 2.", "heading": "", "body": "", "clauses": [clause]}]
    data["document"]["legal_bases"] = list(bases)
    data["table"]["sections"] = [
        {"number": "I", "title": "Chỉ đạo", "tasks": [{"number": "1", "content": "Việc", "deadline": deadline}]}
    ]
    data["appendices"] = []
    return data


def test_last_years_results_are_a_softer_note():
    warnings = year_mentions_that_do_not_fit(_plan_data("1. Phát huy kết quả đạt được năm 2023."), 2024)
    assert [(w.level, w.message) for w in warnings] == [("note", "Năm trước (2023): kiểm tra đúng ý.")]


def test_last_years_plan_named_in_this_years_decision_is_a_warning():
    warnings = year_mentions_that_do_not_fit(_plan_data("1. Xây dựng Kế hoạch năm 2023 để thực hiện."), 2024)
    assert _warned(warnings) == {("Điều 2, khoản 1", 2023, "warning")}


def test_a_deadline_of_last_year_is_a_warning():
    warnings = year_mentions_that_do_not_fit(_plan_data(deadline="Thường xuyên trong năm 2023"), 2024)
    assert _warned(warnings) == {("Mục I, dòng 1 – Thời hạn", 2023, "warning")}


def test_a_legal_basis_citing_the_upper_levels_plan_of_another_year_is_a_warning():
    basis = (
        "Căn cứ Quyết định số 178/QĐ-UBND ngày 22/01/2023 của UBND huyện ban hành Kế hoạch KSTTHC năm 2023 "
        "trên địa bàn huyện;"
    )
    warnings = year_mentions_that_do_not_fit(_plan_data(bases=[DECREE_61, basis]), 2024)
    assert [(w.where, w.message) for w in warnings] == [
        ("Căn cứ 2", "Căn cứ kế hoạch năm 2023 trong kế hoạch năm 2024 — kiểm tra lại.")
    ]


def test_a_cited_documents_title_naming_the_old_year_is_left_with_a_note():
    data = _plan_data(
        "1. Triển khai Quyết định số 12/QĐ-UBND ngày 10/01/2024 của UBND huyện về kiểm soát TTHC năm 2024."
    )
    proposal = copy_data(data, from_year=2024, to_year=2025)
    assert "về kiểm soát TTHC năm 2024." in data["document"]["articles"][0]["clauses"][0]
    assert [(w.where, w.level, w.message) for w in proposal.warnings] == [
        ("Điều 2, khoản 1", "note", "Văn bản được dẫn chiếu ghi năm 2024: kiểm tra còn đúng với kế hoạch năm 2025.")
    ]


def test_a_warning_marks_the_year_in_its_snippet():
    warning = year_mentions_that_do_not_fit(_plan_data(deadline="Thường xuyên trong năm 2023"), 2024)[0]
    assert [text for text, marked in warning.snippet_parts if marked] == ["năm 2023"]


def test_rows_are_named_by_their_printed_number():
    warnings = year_mentions_that_do_not_fit(_fixture("le-loi-2024"), 2025)
    assert {"Mục II, dòng 2.2 – Thời hạn", "Mục II, dòng 2.2, ý 1 – Thời hạn"} <= {w.where for w in warnings}
