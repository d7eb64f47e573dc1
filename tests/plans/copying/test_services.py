from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from orgs.models import User
from plans.copying.services import CopyRefused, create_copy, prepare_copy
from plans.models import Plan
from tasks.models import Task


def _change(proposal, where):
    return next(c for c in proposal.changes if c.where == where)


def _warned(warnings):
    return {(w.where, w.year, w.level) for w in warnings}


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
