import io

import pytest
from django.core.management import call_command

from orgs.models import Membership, Unit, User
from periods.models import ReportingPeriod
from plans.models import Plan
from tasks.deadlines import parse_deadline
from tasks.models import Task, TaskProgress
from tasks.selectors import leaves, plan_table

pytestmark = pytest.mark.django_db


def _plan(slug, year):
    return Plan.objects.get(unit__slug=slug, year=year)


def test_seed_demo_loads_the_unit_tree_of_the_seeds(seed):
    le_loi = Unit.objects.get(slug="le-loi")
    assert [str(u) for u in le_loi.ancestors()] == ["Tỉnh Hải Dương", "Huyện Gia Lộc"]
    assert Unit.objects.get(slug="ha-tan").parent.name == "Hà Trung"
    assert Unit.objects.get(slug="bac-giang").parent is None
    assert "Chưa rõ" in Unit.objects.get(slug="thanh-thuy").parent.name


def test_seed_demo_twice_changes_nothing(seed):
    counts = (Unit.objects.count(), Plan.objects.count(), Task.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Unit.objects.count(), Plan.objects.count(), Task.objects.count(), User.objects.count()) == counts


def test_seed_demo_keeps_a_plan_someone_edited(seed):
    task = Task.objects.filter(section__plan__unit__slug="le-loi").first()
    task.content = "Nội dung đã sửa"
    task.save()
    call_command("seed_demo", stdout=io.StringIO())
    task.refresh_from_db()
    assert task.content == "Nội dung đã sửa"


def test_seed_demo_creates_one_user_per_role_per_unit(seed):
    # every unit of the seed tree, and the generated province with its first commune
    demo_units = Unit.objects.exclude(slug__startswith="tinh-mau").count() + 2
    assert Membership.objects.count() == demo_units * len(Membership.Role.choices)
    assert Membership.objects.filter(user__username="gia-loc-reviewer", unit__slug="gia-loc", role="reviewer").exists()


def test_le_loi_plan_has_its_four_sections_as_printed(seed):
    sections = plan_table(_plan("le-loi", 2024))
    assert [s.number for s in sections] == ["I", "II", "III", "IV"]
    assert sections[0].title == "Xây dựng hoàn thiện thế chế văn bản chỉ đạo"
    assert [t.number for t in sections[2].rows][:5] == ["1", "2", "3.", "4.", "5."]
    assert len(sections[2].rows) == 16


def test_le_loi_decision_is_transcribed(seed):
    decision = _plan("le-loi", 2024).decision
    assert decision.issued_on.isoformat() == "2024-01-23"
    assert decision.signer_name == "Đoàn Duy Việt"
    bases = list(decision.legal_bases.values_list("text", flat=True))
    assert len(bases) == 9
    assert bases[-1].startswith("Căn cứ Quyết định số 178/QĐ-UBND ngày 22/01/2024")
    assert [a.label for a in decision.articles.all()] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert list(dict.fromkeys(decision.recipients.values_list("group", flat=True))) == [
        "Để báo cáo",
        "Để phối hợp",
        "Để thực hiện",
        "",
    ]


def test_le_loi_appendix_lists_34_fields_and_their_procedures(seed):
    appendix = _plan("le-loi", 2024).appendices.get()
    rows = list(appendix.rows.all())
    assert len(rows) == 34
    assert rows[14].field_label == "Lĩnh vực Hộ tịch (35)"
    assert sum(r.procedure_count for r in rows) == 141
    assert {r.deadline_text for r in rows} == {"Trước ngày 15/9/2024"}


def test_every_row_stores_what_its_deadline_means(seed):
    for task in Task.objects.select_related("section__plan"):
        parsed = parse_deadline(task.deadline_text, task.section.plan.year)
        assert task.deadline_kind == parsed.kind, task
        assert task.due_dates == [d.isoformat() for d in parsed.due_dates], task


def test_le_loi_targets_come_from_the_plan_rows(seed):
    targets = {
        t.indicator.code: (t.value, t.qualifier) for t in _plan("le-loi", 2024).targets.select_related("indicator")
    }
    assert targets["online_dossiers"] == (50, "min")
    assert targets["satisfaction"] == (90, "min")


def test_bac_giang_is_a_province_plan_issued_directly(seed):
    plan = _plan("bac-giang", 2024)
    assert plan.decision.kind == "plan"
    assert plan.decision.signer_prefix == "KT."
    section_v = plan_table(plan)[-1]
    assert (
        section_v.number == "V" and section_v.lead.startswith("Các sở, ngành") and section_v.deadline_kind == "ongoing"
    )


def test_thanh_thuy_9_month_results_are_as_printed(seed):
    plan = _plan("thanh-thuy", 2023)
    period = ReportingPeriod.objects.get(code="9M")
    contents = [leaf for section in plan_table(plan) for leaf in leaves(section.rows)]
    statuses = dict(TaskProgress.objects.filter(period=period).values_list("task_id", "status"))
    not_started = [leaf for leaf in contents if statuses[leaf.pk] == TaskProgress.Status.NOT_STARTED]
    assert len(contents) == 32
    assert len(contents) - len(not_started) == 29
    assert sorted(f"{leaf.section.number}.{leaf.number.rstrip('.')}" for leaf in not_started) == [
        "II.5",
        "II.6",
        "III.1",
    ]


def test_seed_demo_adds_todays_shape_a_generated_province_with_communes_directly_below(seed):
    province = Unit.objects.get(slug="tinh-mau")
    assert str(province) == "Tỉnh Mẫu (dữ liệu thử)"
    communes = list(province.children.all())
    assert communes and all(unit.kind == Unit.Kind.COMMUNE and unit.plans.exists() for unit in communes)
    assert Membership.objects.filter(user__username="tinh-mau-reviewer", unit=province).exists()
