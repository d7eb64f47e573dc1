"""Coverage of a higher plan's rows among the communes below, from the links only; a commune deadline
later than its source's is flagged; last year's links follow into the new year's higher plan."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from plans.cascade.coverage import coverage_of, derived_rows
from plans.cascade.services import take_rows
from plans.copying.services import create_copy, prepare_copy
from plans.editing.services import update_task
from plans.models import Plan
from plans.workflow.services import new_revision
from tasks.models import Task

from .conftest import Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(province):
    """An Hòa takes I.1 and moves its deadline later; Bình Minh takes I.1 and II.1.1; Cát Tiên nothing."""
    first = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor).added[0]
    update_task(task=first, data={"deadline_text": "Trước ngày 28/02/2026"}, user=province.editor)
    second_plan = Province.draft_plan(province.communes[1])
    from orgs.models import Membership
    from tests.factories import member

    editor = member(province.communes[1], Membership.Role.EDITOR)
    take_rows(plan=second_plan, row_ids=[province.for_communes.pk, province.child_for_communes.pk], user=editor)
    return province


def item_for(coverage, row):
    return next(item for item in coverage.rows if item.row.pk == row.pk)


def test_each_row_counts_the_communes_that_took_it(taken):
    coverage = coverage_of(taken.plan)
    assert len(coverage.communes) == 3
    row = item_for(coverage, taken.for_communes)
    assert sorted(t.unit.name for t in row.takers) == ["An Hòa", "Bình Minh"]
    assert [unit.name for unit in row.missing] == ["Cát Tiên"]
    child = item_for(coverage, taken.child_for_communes)
    assert [t.unit.name for t in child.takers] == ["Bình Minh"]
    assert item_for(coverage, taken.not_for_communes).takers == []


def test_a_later_commune_deadline_is_flagged(taken):
    row = item_for(coverage_of(taken.plan), taken.for_communes)
    assert row.late_count == 1 and [t.unit.name for t in row.takers if t.late] == ["An Hòa"]


def test_coverage_comes_from_links_not_from_text(taken):
    """A commune row with the very same text but no link is not counted."""
    third = Province.draft_plan(taken.communes[2])
    Task.objects.create(
        section=third.sections.get(), order=1, number="1", content=taken.for_communes.content, lead="UBND xã"
    )
    row = item_for(coverage_of(taken.plan), taken.for_communes)
    assert "Cát Tiên" in [unit.name for unit in row.missing]


def test_a_new_revision_of_the_higher_plan_keeps_its_coverage(taken):
    from orgs.models import Membership
    from tests.factories import member

    revised = new_revision(plan=taken.plan, user=member(taken.unit, Membership.Role.EDITOR))
    row = Task.objects.get(section__plan=revised, origin=taken.for_communes)
    assert len(item_for(coverage_of(revised), row).takers) == 2


def test_the_commune_plan_shows_the_source_and_the_late_flag(taken):
    derived = derived_rows(taken.commune_plan)
    assert [(item.source, item.late) for item in derived] == [(taken.for_communes, True)]


def test_the_reviewer_sees_the_late_flag_on_the_plan_page(taken):
    client = Client()
    client.force_login(taken.reviewer)
    page = client.get(reverse("plans:detail", args=[taken.commune_plan.pk])).content.decode()
    assert "Nội dung lấy từ kế hoạch cấp trên" in page and "1 thời hạn muộn hơn cấp trên" in page


def test_the_coverage_page_filters_rows_still_missing_communes(taken):
    client = Client()
    client.force_login(taken.reviewer)
    page = client.get(reverse("plans:coverage", args=[taken.plan.pk]), {"loc": "tre-han"}).content.decode()
    assert taken.for_communes.content in page and taken.child_for_communes.content not in page
    assert "<strong>2</strong>/3" in page


def test_the_coverage_export_has_a_row_per_content_and_per_commune(taken):
    client = Client()
    client.force_login(taken.reviewer)
    data = client.get(reverse("plans:coverage_xlsx", args=[taken.plan.pk])).content
    book = load_workbook(io.BytesIO(data))
    rows = list(book["Độ phủ"].iter_rows(min_row=2, values_only=True))
    first = next(row for row in rows if row[2] == taken.for_communes.content)
    assert first[4:8] == (2, 3, 1, "Cát Tiên")
    assert len(list(book["Xã đã lấy"].iter_rows(min_row=2))) == 3


# --- copy from last year -------------------------------------------------------------------------------


def test_copy_to_next_year_keeps_links_whose_source_is_in_the_new_higher_plan(taken):
    from orgs.models import Membership
    from tests.factories import member

    province_editor = member(taken.unit, Membership.Role.EDITOR)
    higher_2027 = create_copy(source_plan=taken.plan, year=2027, user=province_editor)
    Plan.objects.filter(pk=higher_2027.pk).update(status=Plan.Status.ISSUED)
    Task.objects.filter(section__plan=higher_2027, origin=taken.child_for_communes).delete()  # dropped in 2027
    second = Plan.objects.get(unit=taken.communes[1], year=2026)
    proposal = prepare_copy(source_plan=second, year=2027)  # I.1 and the heading II.1 kept; 1.1 lost
    assert proposal.links.kept == 2 and [lost.source_content for lost in proposal.links.lost] == [
        taken.child_for_communes.content
    ]
    editor = Membership.objects.get(unit=taken.communes[1], role=Membership.Role.EDITOR).user
    copy = create_copy(source_plan=second, year=2027, user=editor)
    linked = Task.objects.get(section__plan=copy, origin__source=taken.for_communes)
    assert linked.source == Task.objects.get(section__plan=higher_2027, origin=taken.for_communes)


def test_take_page_and_post(taken):
    client = Client()
    client.force_login(taken.editor)
    url = reverse("plans:take_from_above", args=[taken.commune_plan.pk])
    page = client.get(url).content.decode()
    assert f'value="{taken.child_for_communes.pk}" id="row-{taken.child_for_communes.pk}" checked' in page
    assert "Đã lấy" in page  # I.1 was taken already
    response = client.post(url, {"row": [taken.child_for_communes.pk]})
    assert response.status_code == 302
    assert Task.objects.filter(section__plan=taken.commune_plan, source=taken.child_for_communes).exists()


def test_a_reviewer_cannot_take_rows_into_a_commune_plan(taken):
    client = Client()
    client.force_login(taken.reviewer)
    response = client.post(
        reverse("plans:take_from_above", args=[taken.commune_plan.pk]), {"row": [taken.child_for_communes.pk]}
    )
    assert response.status_code == 403
    assert not Task.objects.filter(section__plan=taken.commune_plan, source=taken.child_for_communes).exists()


def test_a_row_dropped_by_a_commune_s_later_revision_no_longer_counts(taken):
    first_plan = taken.commune_plan
    Plan.objects.filter(pk=first_plan.pk).update(status=Plan.Status.ISSUED)
    revised = new_revision(plan=Plan.objects.get(pk=first_plan.pk), user=taken.editor)
    Task.objects.filter(section__plan=revised, source=taken.for_communes).delete()
    row = item_for(coverage_of(taken.plan), taken.for_communes)
    assert [t.unit.name for t in row.takers] == ["Bình Minh"]


def test_a_district_taking_a_province_row_is_not_counted_as_a_commune(db):
    from orgs.models import Membership, Unit
    from tests.factories import UnitFactory, member

    province = Province()
    district = UnitFactory(kind=Unit.Kind.DISTRICT, name="Huyện Giữa", parent=province.unit)
    district_plan = Province.draft_plan(district)
    take_rows(
        plan=district_plan,
        row_ids=[province.for_communes.pk],
        user=member(district, Membership.Role.EDITOR),
    )
    row = item_for(coverage_of(province.plan), province.for_communes)
    assert row.takers == [] and len(row.missing) == 3
