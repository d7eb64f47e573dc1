"""Once approved (or issued), every write path refuses changes to the plan: the editing services, the
table import, KPI targets and the Django admin — also when the caller still holds the plan as it was
before the approval (an edit racing the approval). Reopening makes it editable again."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators import services as kpis
from indicators.models import Indicator, PlanTarget
from orgs.models import User
from plans.editing import services as editing
from plans.files.importing import ImportRefused, replace_table
from plans.models import Decision, LegalBasis, Plan
from plans.permissions import ensure_plan_editable
from plans.serializing import table_to_data
from plans.workflow import services as workflow
from tasks.models import Section, Task
from tests.factories import UserFactory, approved_on

pytestmark = pytest.mark.django_db

Status = Plan.Status


@pytest.fixture
def editor(seed):
    return User.objects.get(username="le-loi-editor")


@pytest.fixture
def reviewer(seed):
    return User.objects.get(username="gia-loc-reviewer")


@pytest.fixture
def stale(le_loi_plan):
    """The plan as an editor's request read it before the approval (status still draft in memory)."""
    return Plan.objects.get(pk=le_loi_plan.pk)


@pytest.fixture
def approved(le_loi_plan, stale, editor, reviewer):
    workflow.submit_plan(plan=le_loi_plan, user=editor)
    approved_on(workflow.approve_plan(plan=le_loi_plan, user=reviewer), date(2024, 1, 20))
    return le_loi_plan


@pytest.fixture
def issued(approved):
    signer = User.objects.get(username="le-loi-signer")
    return workflow.issue_plan(plan=approved, user=signer, issued_on=date(2024, 1, 23))


def section_of(plan, number="I"):
    section = Section.objects.get(plan_id=plan.pk, number=number)
    section.plan = plan
    return section


def task_of(plan, number="2"):
    task = Task.objects.get(section__plan_id=plan.pk, section__number="I", number=number)
    task.section = section_of(plan)
    return task


WRITES = {
    "update_decision": lambda plan, user: editing.update_decision(
        plan=plan, data={"signer_name": "Nguyễn Văn Bình"}, user=user
    ),
    "update_table_heading": lambda plan, user: editing.update_table_heading(
        plan=plan, data={"table_title": "Khác"}, user=user
    ),
    "set_legal_bases": lambda plan, user: editing.set_legal_bases(plan=plan, texts=["Căn cứ Luật;"], user=user),
    "set_articles": lambda plan, user: editing.set_articles(
        plan=plan, articles=[{"label": "Điều 1.", "body": "Ban hành"}], user=user
    ),
    "set_recipients": lambda plan, user: editing.set_recipients(
        plan=plan, recipients=[{"text": "Lưu: VT, VP."}], user=user
    ),
    "add_section": lambda plan, user: editing.add_section(
        plan=plan, data={"number": "V", "title": "Mục mới"}, user=user
    ),
    "update_section": lambda plan, user: editing.update_section(
        section=section_of(plan), data={"title": "Khác"}, user=user
    ),
    "delete_section": lambda plan, user: editing.delete_section(section=section_of(plan), user=user),
    "move_section": lambda plan, user: editing.move_section(section=section_of(plan), direction="down", user=user),
    "add_task": lambda plan, user: editing.add_task(
        section=section_of(plan), data={"number": "9", "content": "Việc mới"}, user=user
    ),
    "update_task": lambda plan, user: editing.update_task(task=task_of(plan), data={"content": "Khác"}, user=user),
    "delete_task": lambda plan, user: editing.delete_task(task=task_of(plan), user=user),
    "move_task": lambda plan, user: editing.move_task(task=task_of(plan), direction="down", user=user),
}


def snapshot(plan):
    return (
        list(Task.objects.filter(section__plan_id=plan.pk).order_by("pk").values_list("pk", "order", "content")),
        list(Section.objects.filter(plan_id=plan.pk).order_by("pk").values_list("pk", "order", "title")),
        list(LegalBasis.objects.filter(decision__plan_id=plan.pk).values_list("text", flat=True)),
        Decision.objects.get(plan_id=plan.pk).signer_name,
        Plan.objects.get(pk=plan.pk).table_title,
    )


# --- the one lock ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.ISSUED])
def test_ensure_plan_editable_refuses_a_locked_plan(status):
    with pytest.raises(PermissionDenied, match="không thể sửa"):
        ensure_plan_editable(Plan(status=status))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_ensure_plan_editable_lets_a_draft_or_returned_plan_through(status):
    plan = Plan(status=status)
    assert ensure_plan_editable(plan) is plan


# --- every service write path ----------------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_editing_service_refuses_an_approved_plan_even_when_read_before_the_approval(
    write, approved, stale, editor
):
    before = snapshot(approved)
    assert stale.status == Status.DRAFT
    with pytest.raises(PermissionDenied, match="Kế hoạch đã được phê duyệt .*không thể sửa"):
        write(stale, editor)
    assert snapshot(approved) == before


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_editing_service_refuses_an_issued_plan(write, issued, editor):
    with pytest.raises(PermissionDenied, match="Kế hoạch đã được ban hành .*lần ban hành mới"):
        write(Plan.objects.get(pk=issued.pk), editor)


def test_the_import_refuses_an_approved_plan(approved, stale, editor):
    sections = table_to_data(approved)
    with pytest.raises(ImportRefused, match="phê duyệt"):
        replace_table(plan=stale, sections=sections, user=editor)
    with pytest.raises(ImportRefused, match="phê duyệt"):
        replace_table(plan=approved, sections=sections, user=None)  # a management command, no user


def test_kpi_targets_refuse_an_approved_plan(approved, stale, editor):
    indicator = Indicator.objects.get(code="online_dossiers")
    values = {
        "value": "60",
        "qualifier": "min",
        "responsible": "Bộ phận Một cửa",
        "last_year_result": "",
        "higher_target": "50",
    }
    with pytest.raises(PermissionDenied, match="phê duyệt"):
        kpis.set_target(plan=stale, indicator=indicator, user=editor, **values)
    target = PlanTarget.objects.filter(plan=approved).first()
    with pytest.raises(PermissionDenied, match="phê duyệt"):
        kpis.remove_target(plan=stale, target=target, user=editor)
    assert PlanTarget.objects.filter(pk=target.pk).exists()


def test_measurements_are_still_recorded_on_an_approved_plan(approved, editor):
    """Figures counted during the year are not plan content: the lock does not apply to them."""
    from periods.models import ReportingPeriod

    measurement = kpis.record_measurement(
        plan=approved,
        indicator=Indicator.objects.get(code="online_dossiers"),
        period=ReportingPeriod.objects.get(code="9M"),
        numerator=3,
        denominator=4,
        user=editor,
    )
    assert measurement.pk


def test_after_reopening_the_editor_can_edit_again(approved, editor, reviewer):
    workflow.reopen_plan(plan=approved, user=reviewer, reason="Bổ sung nhiệm vụ số hóa.")
    plan = Plan.objects.get(pk=approved.pk)
    assert plan.status == Status.RETURNED
    editing.update_task(task=task_of(plan), data={"content": "Nội dung sau khi mở lại"}, user=editor)
    assert task_of(plan).content == "Nội dung sau khi mở lại"


# --- the editor pages ------------------------------------------------------------------------------


def test_the_htmx_editor_refuses_an_approved_plan(client, approved, editor):
    client.force_login(editor)
    task = task_of(approved)
    response = client.post(
        reverse("plans:edit_task_form", args=[approved.pk, task.pk]),
        {"content": "Khác", "revision": task.revision},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403 and "đã được phê duyệt" in response.content.decode()
    assert task_of(approved).content == task.content


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, seed):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _admin(name, action, *args):
    return reverse(f"admin:{name}_{action}", args=args)


@pytest.mark.parametrize(
    ("name", "pk_of"),
    [
        ("plans_plan", lambda plan: plan.pk),
        ("plans_decision", lambda plan: plan.decision.pk),
        ("tasks_section", lambda plan: section_of(plan).pk),
        ("tasks_task", lambda plan: task_of(plan).pk),
    ],
    ids=["plan", "decision", "section", "task"],
)
def test_the_admin_shows_an_approved_plan_read_only_and_refuses_changes(admin_client, approved, name, pk_of):
    before = snapshot(approved)
    pk = pk_of(approved)
    page = admin_client.get(_admin(name, "change", pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no save button: read-only
    assert admin_client.post(_admin(name, "change", pk), {"title": "Khác", "content": "Khác"}).status_code == 403
    assert admin_client.post(_admin(name, "delete", pk), {"post": "yes"}).status_code == 403
    assert snapshot(approved) == before


def test_the_admin_does_not_delete_rows_of_an_issued_plan_in_bulk(admin_client, issued):
    tasks = Task.objects.filter(section__plan=issued)
    count = tasks.count()
    response = admin_client.post(
        _admin("tasks_task", "changelist"),
        {"action": "delete_selected", "_selected_action": list(tasks.values_list("pk", flat=True)), "post": "yes"},
    )
    assert response.status_code == 403
    assert Task.objects.filter(section__plan=issued).count() == count


def test_the_admin_save_is_refused_when_the_plan_was_locked_meanwhile(rf, approved, stale):
    """The guard judges the stored plan, not the object the form was built on."""
    from django.contrib.admin.sites import site

    task = task_of(stale)
    task.content = "Khác"
    request = rf.post("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied, match="phê duyệt"):
        site._registry[Task].save_model(request, task, form=None, change=True)
    assert task_of(approved).content != "Khác"


def test_the_admin_still_edits_a_draft_plans_rows_and_bumps_their_revision(admin_client, le_loi_plan):
    task = task_of(le_loi_plan)
    page = admin_client.get(_admin("tasks_task", "change", task.pk)).content.decode()
    assert 'name="_save"' in page
    data = {
        "section": task.section_id,
        "parent": "",
        "order": task.order,
        "number": task.number,
        "content": "Sửa trong trang quản trị",
        "lead": task.lead,
        "partners": task.partners,
        "deadline_text": task.deadline_text,
        "product": task.product,
    }
    assert admin_client.post(_admin("tasks_task", "change", task.pk), data).status_code == 302
    changed = Task.objects.get(pk=task.pk)
    assert (changed.content, changed.revision) == ("Sửa trong trang quản trị", task.revision + 1)
