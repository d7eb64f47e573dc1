"""The plan workflow's rules: who may take which step from which state, four eyes, decision numbers
per unit and year, the lock after issue and new revisions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orgs.models import AuditEvent, Membership
from plans.models import Decision, Plan, PlanTransition
from plans.permissions import can_edit_plan
from plans.workflow import rules
from plans.workflow import services as workflow
from tasks.models import Task
from tests.factories import (
    UserFactory,
    approved_on,
    make_plan,
    member,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Plan.Status


def submitted(tree):
    return workflow.submit_plan(plan=tree.plan, user=tree.editor)


def approved(tree):
    submitted(tree)
    return workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)


def issued(tree, **kwargs):
    approved_on(approved(tree), date(2024, 1, 20))
    kwargs.setdefault("issued_on", date(2024, 1, 23))
    return workflow.issue_plan(plan=tree.plan, user=tree.signer, **kwargs)


# --- submit ---------------------------------------------------------------------------------------


def test_the_editor_submits_a_draft_and_the_step_is_recorded(tree):
    before = timezone.now()
    workflow.submit_plan(plan=tree.plan, user=tree.editor)

    tree.plan.refresh_from_db()
    assert tree.plan.status == Status.SUBMITTED
    assert tree.plan.submitted_at >= before
    step = PlanTransition.objects.get(plan=tree.plan)
    assert (step.from_status, step.to_status, step.user, step.plan_version) == (
        "draft",
        "submitted",
        tree.editor,
        tree.plan.version,
    )


def test_the_callers_plan_object_gets_the_new_state(tree):
    plan = workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert plan is tree.plan and plan.status == Status.SUBMITTED


def test_a_plan_without_rows_is_not_submitted(tree):
    Task.objects.filter(section__plan=tree.plan).delete()
    with pytest.raises(ValidationError, match="chưa có nội dung công việc"):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert Plan.objects.get(pk=tree.plan.pk).status == Status.DRAFT


@pytest.mark.parametrize("who", ["signer", "commune_reviewer", "district_reviewer", "other_editor"])
def test_only_the_communes_editor_submits(tree, who):
    with pytest.raises(PermissionDenied, match="công chức soạn thảo"):
        workflow.submit_plan(plan=tree.plan, user=getattr(tree, who))


def test_a_submitted_plan_is_not_submitted_again(tree):
    submitted(tree)
    with pytest.raises(ValidationError, match="Đã gửi thẩm định"):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)


def test_a_superuser_takes_no_workflow_step(tree):
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert rules.allowed_actions(boss, tree.plan) == set()
    with pytest.raises(PermissionDenied):
        workflow.submit_plan(plan=tree.plan, user=boss)


def test_a_submitted_plan_is_no_longer_editable(tree):
    assert can_edit_plan(tree.editor, tree.plan)
    submitted(tree)
    assert not can_edit_plan(tree.editor, tree.plan)


# --- return ---------------------------------------------------------------------------------------


def test_the_district_reviewer_returns_with_a_comment_and_the_editor_resubmits(tree):
    submitted(tree)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Bổ sung thời hạn dòng 1.")
    assert tree.plan.status == Status.RETURNED
    assert can_edit_plan(tree.editor, tree.plan)

    workflow.submit_plan(plan=tree.plan, user=tree.editor)

    steps = list(PlanTransition.objects.filter(plan=tree.plan).values_list("from_status", "to_status", "comment"))
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "Bổ sung thời hạn dòng 1."),
        ("returned", "submitted", ""),
    ]


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_return_needs_a_comment(tree, comment):
    submitted(tree)
    with pytest.raises(ValidationError, match="lý do trả lại"):
        workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment=comment)
    assert Plan.objects.get(pk=tree.plan.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["commune_reviewer", "editor", "signer", "other_reviewer"])
def test_only_a_reviewer_above_returns(tree, who):
    submitted(tree)
    with pytest.raises(PermissionDenied, match="cấp trên"):
        workflow.return_plan(plan=tree.plan, user=getattr(tree, who), comment="Sửa.")


def test_a_draft_is_not_returned(tree):
    with pytest.raises(ValidationError, match="Dự thảo"):
        workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")


# --- approve and four eyes ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district_reviewer", "province_reviewer"])
def test_a_reviewer_of_any_unit_above_approves(tree, who):
    submitted(tree)
    workflow.approve_plan(plan=tree.plan, user=getattr(tree, who), comment="Đạt yêu cầu.")
    assert tree.plan.status == Status.APPROVED
    assert tree.plan.transitions.last().comment == "Đạt yêu cầu."
    assert not can_edit_plan(tree.editor, tree.plan)


def test_the_communes_own_reviewer_does_not_approve(tree):
    submitted(tree)
    with pytest.raises(PermissionDenied):
        workflow.approve_plan(plan=tree.plan, user=tree.commune_reviewer)


def test_four_eyes_a_reviewer_above_who_is_also_a_member_of_the_commune_does_not_approve(tree):
    Membership.objects.create(user=tree.district_reviewer, unit=tree.commune, role=Role.SIGNER)
    submitted(tree)
    assert "approve" not in rules.allowed_actions(tree.district_reviewer, tree.plan)
    with pytest.raises(PermissionDenied, match="hai người"):
        workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)
    # …but may still return it.
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")


def test_four_eyes_the_user_who_submitted_does_not_approve(tree):
    submitted(tree)
    # The editor has since moved to the district's review office.
    Membership.objects.filter(user=tree.editor).delete()
    Membership.objects.create(user=tree.editor, unit=tree.district, role=Role.REVIEWER)
    with pytest.raises(PermissionDenied, match="người gửi"):
        workflow.approve_plan(plan=tree.plan, user=tree.editor)
    workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)


def test_a_returned_plan_is_not_approved_until_resubmitted(tree):
    submitted(tree)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")
    with pytest.raises(ValidationError):
        workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)


# --- issue and decision numbers -------------------------------------------------------------------


def test_the_signer_issues_an_approved_plan_which_is_then_locked(tree):
    version = approved_on(approved(tree), date(2024, 1, 20)).version
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))

    decision = Decision.objects.get(plan=tree.plan)
    assert (decision.number, decision.issued_on, decision.number_text) == (1, date(2024, 1, 23), "01/QĐ-UBND")
    tree.plan.refresh_from_db()
    assert tree.plan.status == Status.ISSUED
    assert tree.plan.version == version + 1  # the document changed: earlier PDFs are stale
    assert tree.plan.transitions.last().comment == "Số 01/QĐ-UBND, ngày 23/01/2024"
    assert not can_edit_plan(tree.editor, tree.plan)
    assert rules.allowed_actions(tree.editor, tree.plan) == {"new_revision"}


def test_numbers_run_from_01_each_calendar_year_per_issuing_unit(tree):
    issued(tree, issued_on=date(2024, 1, 23))
    unit = tree.commune
    second = make_plan(unit, year=2025, status=Status.APPROVED)
    next_year = make_plan(unit, year=2026, status=Status.APPROVED)
    elsewhere = make_plan(tree.district, status=Status.APPROVED)
    district_signer = member(tree.district, Role.SIGNER)

    workflow.issue_plan(plan=second, user=tree.signer, issued_on=date(2024, 12, 30))
    workflow.issue_plan(plan=next_year, user=tree.signer, issued_on=date(2025, 1, 2))
    workflow.issue_plan(plan=elsewhere, user=district_signer, issued_on=date(2024, 3, 1))

    assert Decision.objects.get(plan=second).number == 2
    assert Decision.objects.get(plan=next_year).number == 1
    assert Decision.objects.get(plan=elsewhere).number == 1
    assert workflow.next_decision_number(unit=unit, year=2024) == 3


def test_a_number_already_used_that_year_is_refused_with_the_next_free_one(tree):
    issued(tree, number=5, issued_on=date(2024, 1, 23))
    other = make_plan(tree.commune, year=2025, status=Status.APPROVED)

    with pytest.raises(ValidationError) as refused:
        workflow.issue_plan(plan=other, user=tree.signer, number=5, issued_on=date(2024, 11, 2))

    message = refused.value.messages[0]
    assert "Số 05/QĐ-UBND năm 2024" in message and "đã dùng cho Kế hoạch năm 2024" in message
    assert "Số tiếp theo còn trống: 06" in message
    assert Plan.objects.get(pk=other.pk).status == Status.APPROVED
    assert Decision.objects.get(plan=other).number is None
    # The same number in another year is free.
    workflow.issue_plan(plan=other, user=tree.signer, number=5, issued_on=date(2025, 1, 5))


def test_drafts_with_a_number_from_an_imported_document_do_not_take_numbers(tree):
    draft = make_plan(tree.commune, year=2025)
    Decision.objects.filter(plan=draft).update(number=1, issued_on=date(2024, 2, 1))
    issued(tree, issued_on=date(2024, 1, 23))
    assert Decision.objects.get(plan=tree.plan).number == 1


@pytest.mark.parametrize("who", ["editor", "district_reviewer", "commune_reviewer"])
def test_only_the_communes_signer_issues(tree, who):
    approved(tree)
    with pytest.raises(PermissionDenied, match="người ký"):
        workflow.issue_plan(plan=tree.plan, user=getattr(tree, who), issued_on=date(2024, 1, 23))


def test_a_plan_not_yet_approved_is_not_issued(tree):
    submitted(tree)
    with pytest.raises(ValidationError, match="ban hành"):
        workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))


def test_an_issue_date_in_the_future_is_refused(tree):
    approved(tree)
    with pytest.raises(ValidationError, match="sau ngày hôm nay"):
        workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=timezone.localdate() + timedelta(days=1))


def test_a_plan_without_a_decision_is_not_issued(tree):
    approved_on(approved(tree), date(2024, 1, 20))
    Decision.objects.filter(plan=tree.plan).delete()
    with pytest.raises(ValidationError, match="chưa có văn bản ban hành"):
        workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))


@pytest.mark.parametrize("day", [date(2001, 1, 1), date(2022, 12, 31), date(2025, 1, 1)])
def test_an_issue_date_outside_the_plans_year_range_is_refused(tree, day):
    approved_on(approved(tree), date(2000, 1, 1))
    with pytest.raises(ValidationError, match="phải trong năm 2023 hoặc 2024") as refused:
        workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=day)
    assert refused.value.code == "out_of_year"
    assert Plan.objects.get(pk=tree.plan.pk).status == Status.APPROVED
    assert Decision.objects.get(plan=tree.plan).number is None


def test_a_plan_is_issued_in_the_december_before_its_year(tree):
    approved_on(approved(tree), date(2023, 12, 20))
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2023, 12, 28))
    assert Decision.objects.get(plan=tree.plan).issued_on == date(2023, 12, 28)


def test_an_issue_date_before_the_approval_is_refused(tree):
    approved_on(approved(tree), date(2024, 1, 20))
    with pytest.raises(ValidationError, match=r"trước ngày kế hoạch được phê duyệt \(20/01/2024\)") as refused:
        workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 19))
    assert refused.value.code == "before_approval"
    assert Plan.objects.get(pk=tree.plan.pk).status == Status.APPROVED
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 20))  # the same day is fine


def test_the_issue_form_offers_only_the_dates_it_accepts(tree):
    from plans.workflow.views import actions_context

    approved_on(approved(tree), date(2024, 1, 20))
    form = actions_context(user=tree.signer, plan=tree.plan, next_url="/")["forms"]["issue"]
    attrs = form.fields["issued_on"].widget.attrs
    assert (attrs["min"], attrs["max"]) == ("2024-01-20", "2024-12-31")
    assert form.initial["issued_on"] == date(2024, 12, 31)


# --- reopen ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commune_reviewer", "district_reviewer", "province_reviewer"])
def test_a_reviewer_of_the_same_or_a_higher_unit_reopens_an_approved_plan(tree, who):
    approved(tree)
    workflow.reopen_plan(plan=tree.plan, user=getattr(tree, who), reason="Sai căn cứ pháp lý.")
    assert tree.plan.status == Status.RETURNED
    step = tree.plan.transitions.last()
    assert (step.from_status, step.to_status, step.comment) == ("approved", "returned", "Sai căn cứ pháp lý.")
    assert can_edit_plan(tree.editor, tree.plan)


def test_a_reopen_needs_a_reason(tree):
    approved(tree)
    with pytest.raises(ValidationError, match="lý do mở lại"):
        workflow.reopen_plan(plan=tree.plan, user=tree.district_reviewer, reason=" ")


@pytest.mark.parametrize("who", ["editor", "signer", "other_reviewer"])
def test_only_reviewers_reopen(tree, who):
    approved(tree)
    with pytest.raises(PermissionDenied):
        workflow.reopen_plan(plan=tree.plan, user=getattr(tree, who), reason="Sửa.")


def test_an_issued_plan_is_not_reopened(tree):
    issued(tree)
    with pytest.raises(ValidationError, match="Đã ban hành"):
        workflow.reopen_plan(plan=tree.plan, user=tree.district_reviewer, reason="Sửa.")


# --- new revision ---------------------------------------------------------------------------------


def test_a_change_after_issue_is_a_new_revision_with_its_own_decision(tree):
    issued(tree)
    rows = list(Task.objects.filter(section__plan=tree.plan).values_list("number", "content", "deadline_text"))

    revision = workflow.new_revision(plan=tree.plan, user=tree.editor)

    assert (revision.unit, revision.year, revision.revision, revision.status) == (tree.commune, 2024, 2, Status.DRAFT)
    assert list(Task.objects.filter(section__plan=revision).values_list("number", "content", "deadline_text")) == rows
    decision = Decision.objects.get(plan=revision)
    assert (decision.number, decision.issued_on) == (None, None)
    tree.plan.refresh_from_db()
    assert (tree.plan.revision, tree.plan.status) == (1, Status.ISSUED)
    assert Decision.objects.get(plan=tree.plan).number == 1
    assert can_edit_plan(tree.editor, revision)


def test_a_second_revision_from_the_same_issued_plan_is_refused(tree):
    issued(tree)
    workflow.new_revision(plan=tree.plan, user=tree.editor)
    with pytest.raises(ValidationError, match="đã có lần ban hành 2"):
        workflow.new_revision(plan=tree.plan, user=tree.editor)


def test_revisions_go_on_from_the_latest(tree):
    issued(tree)
    second = workflow.new_revision(plan=tree.plan, user=tree.editor)
    workflow.submit_plan(plan=second, user=tree.editor)
    approved_on(workflow.approve_plan(plan=second, user=tree.district_reviewer), date(2024, 5, 30))
    workflow.issue_plan(plan=second, user=tree.signer, issued_on=date(2024, 6, 1))
    assert Decision.objects.get(plan=second).number == 2  # the unit's next number of 2024

    third = workflow.new_revision(plan=second, user=tree.editor)
    assert third.revision == 3
    assert sorted(Plan.objects.filter(unit=tree.commune, year=2024).values_list("revision", flat=True)) == [1, 2, 3]


def test_only_an_issued_plan_gets_a_new_revision_and_only_from_the_editor(tree):
    with pytest.raises(ValidationError, match="đã ban hành"):
        workflow.new_revision(plan=tree.plan, user=tree.editor)
    issued(tree)
    with pytest.raises(PermissionDenied):
        workflow.new_revision(plan=tree.plan, user=tree.signer)


# --- allowed actions (what the page offers) -------------------------------------------------------

ALLOWED = {
    # state: {who: actions}
    Status.DRAFT: {"editor": {"submit"}, "signer": set(), "commune_reviewer": set(), "district_reviewer": set()},
    Status.SUBMITTED: {
        "editor": set(),
        "signer": set(),
        "commune_reviewer": set(),
        "district_reviewer": {"return", "approve"},
        "province_reviewer": {"return", "approve"},
        "other_reviewer": set(),
    },
    Status.RETURNED: {"editor": {"submit"}, "district_reviewer": set()},
    Status.APPROVED: {
        "editor": set(),
        "signer": {"issue"},
        "commune_reviewer": {"reopen"},
        "district_reviewer": {"reopen"},
        "other_reviewer": set(),
    },
    Status.ISSUED: {"editor": {"new_revision"}, "signer": set(), "district_reviewer": set()},
}


@pytest.mark.parametrize(
    "state,who,expected",
    [(state, who, actions) for state, by_role in ALLOWED.items() for who, actions in by_role.items()],
)
def test_allowed_actions(tree, state, who, expected):
    Plan.objects.filter(pk=tree.plan.pk).update(status=state)
    tree.plan.refresh_from_db()
    assert rules.allowed_actions(getattr(tree, who), tree.plan) == expected


def test_a_refused_step_leaves_no_trace(tree):
    with pytest.raises(PermissionDenied):
        workflow.approve_plan(plan=tree.plan, user=tree.editor)
    with pytest.raises(ValidationError):
        workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)  # a draft: refused for its state
    assert not PlanTransition.objects.exists()


# --- the audit row of every step ------------------------------------------------------------------

STEPS = {  # step: (how to take it on a fresh tree, the audit action it writes, who took it)
    "submit": (submitted, AuditEvent.Action.PLAN_SUBMITTED, "editor"),
    "return": (
        lambda t: (submitted(t), workflow.return_plan(plan=t.plan, user=t.district_reviewer, comment="Sửa mục I."))[1],
        AuditEvent.Action.PLAN_RETURNED,
        "district_reviewer",
    ),
    "approve": (approved, AuditEvent.Action.PLAN_APPROVED, "district_reviewer"),
    "issue": (issued, AuditEvent.Action.PLAN_ISSUED, "signer"),
    "reopen": (
        lambda t: (approved(t), workflow.reopen_plan(plan=t.plan, user=t.district_reviewer, reason="Thiếu chỉ tiêu."))[
            1
        ],
        AuditEvent.Action.PLAN_REOPENED,
        "district_reviewer",
    ),
    "new_revision": (
        lambda t: (issued(t), workflow.new_revision(plan=t.plan, user=t.editor))[1],
        AuditEvent.Action.PLAN_NEW_REVISION,
        "editor",
    ),
}


@pytest.mark.parametrize("step", STEPS)
def test_each_step_writes_its_own_audit_action(tree, step):
    take, action, who = STEPS[step]
    take(tree)
    last = AuditEvent.objects.order_by("-pk").first()
    assert (last.action, last.actor) == (action, getattr(tree, who))


def test_reopening_is_not_audited_as_a_return(tree):
    STEPS["reopen"][0](tree)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        AuditEvent.Action.PLAN_SUBMITTED,
        AuditEvent.Action.PLAN_APPROVED,
        AuditEvent.Action.PLAN_REOPENED,
    ]
