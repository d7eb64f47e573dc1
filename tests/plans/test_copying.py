import json
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from orgs.models import User
from plans.copying import (
    ATTACHMENT,
    BASIS,
    CopyRefused,
    create_copy,
    prepare_copy,
    shift_years,
    year_mentions_that_do_not_fit,
)
from plans.models import Plan
from tasks.models import Task

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
    assert _moved("Chậm nhất trong tháng 3/2023.") == ("Chậm nhất trong tháng 3/2024.", [("tháng 3/2023", "tháng 3/2024")])


def test_a_list_of_months_moves_to_the_new_year():
    assert _moved("Tháng 3, 6, 9, 12/2023")[0] == "Tháng 3, 6, 9, 12/2024"


def test_a_quarter_moves_to_the_new_year():
    assert _moved("Quý II/2023") == ("Quý II/2024", [("Quý II/2023", "Quý II/2024")])


def test_a_quarter_written_with_nam_moves_to_the_new_year():
    assert _moved("Quý I/2023 và 6 tháng đầu năm 2023.")[0] == "Quý I/2024 và 6 tháng đầu năm 2024."


def test_nam_and_its_year_move_whatever_the_case():
    assert _moved("KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2023")[0] == "KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2024"
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
    assert new_text == "(Ban hành kèm theo Quyết định số       /QĐ-UBND ngày      tháng      năm 2025 của Chủ tịch UBND)"


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
    basis = "Căn cứ Quyết định số 178/QĐ-UBND ngày 22/01/2023 của UBND huyện ban hành Kế hoạch KSTTHC năm 2023 trên địa bàn huyện;"
    warnings = year_mentions_that_do_not_fit(_plan_data(bases=[DECREE_61, basis]), 2024)
    assert [(w.where, w.message) for w in warnings] == [
        ("Căn cứ 2", "Căn cứ kế hoạch năm 2023 trong kế hoạch năm 2024 — kiểm tra lại.")
    ]


# ---------------------------------------------------------------------------------------------
# Preparing the copy (reads only)

@pytest.mark.django_db
def test_copying_le_loi_lists_the_quarter_of_row_i2(le_loi_plan):
    proposal = prepare_copy(source_plan=le_loi_plan, year=2025)
    change = _change(proposal, "Mục I, dòng 2 – Thời hạn")
    assert [(s.before, s.after) for s in change.shifts] == [("Quý II/2024", "Quý II/2025")]


@pytest.mark.django_db
def test_copying_le_loi_lists_the_table_titles_year(le_loi_plan):
    change = _change(prepare_copy(source_plan=le_loi_plan, year=2025), "Tên kế hoạch")
    assert change.before.endswith("một cửa liên thông năm 2024")
    assert change.after.endswith("một cửa liên thông năm 2025")


@pytest.mark.django_db
def test_copying_le_loi_moves_the_appendix_deadlines(le_loi_plan):
    proposal = prepare_copy(source_plan=le_loi_plan, year=2025)
    assert {row["deadline"] for row in proposal.data["appendices"][0]["rows"]} == {"Trước ngày 15/9/2025"}


@pytest.mark.django_db
def test_copying_le_loi_flags_the_provinces_plan_number_and_date(le_loi_plan):
    change = _change(prepare_copy(source_plan=le_loi_plan, year=2025), "Căn cứ 8")
    assert change.needs_update
    assert "cần cập nhật số, ngày của kế hoạch cấp trên năm 2025" in change.note.lower()
    assert "số 139/QĐ-UBND ngày 17/01/2024" in change.note
    assert "năm 2025 trên địa bàn tỉnh Hải Dương" in change.after


@pytest.mark.django_db
def test_copying_le_loi_keeps_the_decree_bases(le_loi_plan):
    proposal = prepare_copy(source_plan=le_loi_plan, year=2025)
    assert {c.where for c in proposal.changes if c.where.startswith("Căn cứ")} == {"Căn cứ 8", "Căn cứ 9"}
    assert proposal.data["document"]["legal_bases"][2].startswith(
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018"
    )


@pytest.mark.django_db
def test_the_proposal_has_no_number_date_or_report(le_loi_plan):
    data = prepare_copy(source_plan=le_loi_plan, year=2025).data
    assert (data["year"], data["report"]) == (2025, None)
    assert (data["document"]["number"], data["document"]["date"], data["document"]["date_month"]) == (None, None, None)


@pytest.mark.django_db
def test_the_copys_warnings_still_show_seed_000s_clause(le_loi_plan):
    warnings = prepare_copy(source_plan=le_loi_plan, year=2025).warnings
    assert {("Điều 2, khoản 1", 2022, "warning"), ("Điều 2, khoản 1", 2024, "warning")} <= _warned(warnings)


@pytest.mark.django_db
def test_the_proposal_carries_the_source_plans_own_warnings(le_loi_plan):
    source_warnings = prepare_copy(source_plan=le_loi_plan, year=2025).source_warnings
    assert _warned(source_warnings) == {
        ("Điều 2, khoản 1", 2022, "warning"),
        ("Điều 2, khoản 1", 2023, "warning"),
        ("Mục IV, dòng 5 – Thời hạn", 2023, "warning"),
    }


@pytest.mark.django_db
def test_preparing_a_copy_saves_nothing(le_loi_plan):
    prepare_copy(source_plan=le_loi_plan, year=2025)
    assert not Plan.objects.filter(unit=le_loi_plan.unit, year=2025).exists()


# ---------------------------------------------------------------------------------------------
# Creating the copy


def _editor():
    return User.objects.get(username="le-loi-editor")


@pytest.mark.django_db
def test_the_copys_deadlines_are_read_for_the_new_year(le_loi_plan):
    plan = create_copy(source_plan=le_loi_plan, year=2025, user=_editor())
    i2 = Task.objects.get(section__plan=plan, section__number="I", number="2")
    i1 = Task.objects.get(section__plan=plan, section__number="I", number="1")
    assert (i2.deadline_text, i2.deadline_kind, i2.due_dates) == ("Quý II/2025", "fixed", ["2025-06-30"])
    assert (i1.deadline_kind, i1.due_dates) == ("ongoing", [date(2025, 12, 31).isoformat()])


@pytest.mark.django_db
def test_the_copy_is_a_draft_without_number_or_date(le_loi_plan):
    plan = create_copy(source_plan=le_loi_plan, year=2025, user=_editor())
    assert (plan.status, plan.year) == (Plan.Status.DRAFT, 2025)
    assert (plan.decision.number, plan.decision.issued_on, plan.decision.date_month) == (None, None, None)


@pytest.mark.django_db
def test_the_copy_keeps_every_section_row_appendix_row_and_target(le_loi_plan):
    plan = create_copy(source_plan=le_loi_plan, year=2025, user=_editor())
    assert Task.objects.filter(section__plan=plan).count() == Task.objects.filter(section__plan=le_loi_plan).count()
    assert plan.appendices.get().rows.count() == 34
    assert sorted((t.indicator.code, t.value) for t in plan.targets.all()) == sorted(
        (t.indicator.code, t.value) for t in le_loi_plan.targets.all()
    )


@pytest.mark.django_db
def test_creating_the_same_year_twice_is_refused(le_loi_plan):
    create_copy(source_plan=le_loi_plan, year=2025, user=_editor())
    with pytest.raises(CopyRefused, match="đã có kế hoạch năm 2025"):
        create_copy(source_plan=le_loi_plan, year=2025, user=_editor())
    assert Plan.objects.filter(unit=le_loi_plan.unit, year=2025).count() == 1


@pytest.mark.django_db
def test_a_district_reviewer_may_not_create_the_communes_copy(le_loi_plan):
    with pytest.raises(PermissionDenied):
        create_copy(source_plan=le_loi_plan, year=2025, user=User.objects.get(username="gia-loc-reviewer"))
    assert not Plan.objects.filter(unit=le_loi_plan.unit, year=2025).exists()


@pytest.mark.django_db
def test_copying_to_an_earlier_year_is_refused(le_loi_plan):
    with pytest.raises(CopyRefused, match="phải sau năm 2024"):
        create_copy(source_plan=le_loi_plan, year=2023, user=_editor())


def test_a_cited_documents_title_naming_the_old_year_is_left_with_a_note():
    from plans.copying import copy_data

    data = _plan_data("1. Triển khai Quyết định số 12/QĐ-UBND ngày 10/01/2024 của UBND huyện về kiểm soát TTHC năm 2024.")
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
