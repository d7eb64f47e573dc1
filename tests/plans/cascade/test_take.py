"""“Lấy từ kế hoạch cấp trên”: the rule that pre-selects the rows for communes (on the real seed plan
of Bắc Giang too), and the rows taken into the commune's draft with their links."""

import pytest
from django.core.exceptions import ValidationError

from plans.cascade.rules import concerns_communes
from plans.cascade.services import offers_for, take_rows
from plans.editing.services import update_task
from plans.models import Plan
from plans.workflow.services import new_revision
from tasks.models import Section, Task
from tasks.selectors import plan_table

pytestmark = pytest.mark.django_db


def offered(plan):
    return {offer.row.pk: offer for higher in offers_for(plan) for _, offers in higher.sections for offer in offers}


# --- the rule ------------------------------------------------------------------------------------------


def seed_rows(unit_slug):
    plan = Plan.objects.get(unit__slug=unit_slug)
    return {
        f"{section.number}.{row.number.rstrip('.')}": (row, section)
        for section in plan_table(plan)
        for row in [*section.rows, *[child for top in section.rows for child in top.subitems]]
    }


def test_on_seed_001_rows_naming_the_districts_concern_communes_in_2024(seed):
    rows = seed_rows("bac-giang")
    assert {"I.1", "I.2", "III.2", "IV.1"} <= {
        key
        for key, (row, section) in rows.items()
        if concerns_communes(
            row.lead or section.lead, row.partners or section.partners, source_is_province=True, year=2024
        )
    }


def test_on_seed_001_rows_for_the_province_s_own_offices_do_not(seed):
    rows = seed_rows("bac-giang")
    for key in ("II.4", "III.7", "II.1.1", "II.2.2"):
        row, section = rows[key]
        assert concerns_communes(row.lead, row.partners, source_is_province=True, year=2024) is None, key


def test_after_2025_naming_districts_no_longer_counts():
    assert concerns_communes("UBND huyện, thành phố", "", source_is_province=True, year=2026) is None
    assert concerns_communes("UBND huyện, thành phố", "", source_is_province=True, year=2025) is not None


def test_a_district_s_own_plan_naming_the_district_does_not_count():
    assert concerns_communes("UBND huyện", "Các phòng chuyên môn", source_is_province=False, year=2024) is None


def test_the_rule_says_which_phrase_in_which_cell_matched():
    match = concerns_communes(
        "Văn phòng UBND tỉnh", "UBND các xã, phường, thị trấn", source_is_province=True, year=2026
    )
    assert (match.phrase, match.cell) == ("UBND các xã, phường, thị trấn", "phối hợp")


# --- the page's offer ----------------------------------------------------------------------------------


def test_rows_for_communes_are_preselected_and_the_others_not(province):
    offers = offered(province.commune_plan)
    assert offers[province.for_communes.pk].preselected
    assert offers[province.child_for_communes.pk].preselected
    assert not offers[province.not_for_communes.pk].preselected
    assert not offers[province.child_not.pk].preselected
    assert offers[province.heading.pk].is_group and not offers[province.heading.pk].preselected


# --- taking rows ---------------------------------------------------------------------------------------


def test_a_row_goes_under_the_section_of_the_same_title_linked_to_its_source(province):
    taken = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor)
    row = taken.added[0]
    assert row.source == province.for_communes
    assert row.section.title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    assert (row.content, row.deadline_text) == (province.for_communes.content, "Trước ngày 31/01/2026")


def test_a_sub_item_comes_under_its_heading_in_a_new_section(province):
    take_rows(plan=province.commune_plan, row_ids=[province.child_for_communes.pk], user=province.editor)
    section = Section.objects.get(plan=province.commune_plan, title="Rà soát, đơn giản hóa TTHC")
    heading = Task.objects.get(section=section, parent=None)
    child = Task.objects.get(section=section, parent=heading)
    assert (heading.source, child.source) == (province.heading, province.child_for_communes)
    assert section.number == "II" and child.number == "-"


def test_the_higher_plan_is_cited_once_in_the_legal_bases(province):
    take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor)
    take_rows(plan=province.commune_plan, row_ids=[province.child_for_communes.pk], user=province.editor)
    bases = [basis.text for basis in province.commune_plan.decision.legal_bases.all()]
    cited = [text for text in bases if "05/KH-UBND" in text]
    assert cited == [
        "Căn cứ Kế hoạch số 05/KH-UBND ngày 10/01/2026 của UBND tỉnh Mẫu Thử về kiểm soát thủ tục hành chính năm 2026;"
    ]


def test_an_unissued_higher_plan_is_not_cited_and_the_user_is_told(province):
    Plan.objects.filter(pk=province.plan.pk).update(status=Plan.Status.APPROVED)
    province.plan.decision.number = None
    province.plan.decision.save()
    taken = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor)
    assert taken.not_cited == [province.plan] and not taken.cited


def test_a_row_taken_twice_is_added_once(province):
    take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor)
    again = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor)
    assert not again.added and len(again.already) == 1
    assert Task.objects.filter(section__plan=province.commune_plan, source=province.for_communes).count() == 1


def test_a_row_of_another_plan_is_refused_and_nothing_is_added(province):
    stranger = Task.objects.create(section=Section.objects.get(plan=province.commune_plan), order=9, content="Của xã")
    with pytest.raises(ValidationError, match="không thuộc kế hoạch cấp trên"):
        take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk, stranger.pk], user=province.editor)
    assert not Task.objects.filter(section__plan=province.commune_plan, source__isnull=False).exists()


def test_the_link_survives_editing_the_row(province):
    row = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor).added[0]
    update_task(
        task=row,
        data={"content": "Ban hành Kế hoạch của xã", "deadline_text": "Trước ngày 15/02/2026"},
        user=province.editor,
    )
    row.refresh_from_db()
    assert row.source == province.for_communes and row.content == "Ban hành Kế hoạch của xã"


def test_the_link_survives_a_new_revision(province):
    row = take_rows(plan=province.commune_plan, row_ids=[province.for_communes.pk], user=province.editor).added[0]
    Plan.objects.filter(pk=province.commune_plan.pk).update(status=Plan.Status.ISSUED)
    revised = new_revision(plan=Plan.objects.get(pk=province.commune_plan.pk), user=province.editor)
    copied = Task.objects.get(section__plan=revised, origin=row)
    assert copied.source == province.for_communes
