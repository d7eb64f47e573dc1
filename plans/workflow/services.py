"""The plan's workflow: one action function per step, and the rules of who may take it.

    draft ──submit──▶ submitted ──approve──▶ approved ──issue──▶ issued ──new_revision──▶ (revision+1, draft)
      ▲                  │  ▲                   │
      │               return │ submit           │ reopen (with a reason)
      │                  ▼  │                   ▼
      └────────────── returned ◀────────────────┘

| step         | who                                                    | from               | needs            |
|--------------|--------------------------------------------------------|--------------------|------------------|
| submit       | editor of the plan's unit itself                       | draft, returned    | at least one row |
| return       | reviewer of a unit above (not of the unit itself)      | submitted          | a comment        |
| approve      | reviewer of a unit above, holding no membership of the | submitted          |                  |
|              | plan's unit and not the one who submitted it           |                    |                  |
| issue        | signer of the plan's unit itself                       | approved           | a date; a number |
|              |                                                        |                    | free for the unit|
|              |                                                        |                    | and year         |
| reopen       | reviewer of the plan's unit or of a unit above         | approved           | a reason         |
| new_revision | editor of the plan's unit itself                       | issued (the latest | —                |
|              |                                                        | revision)          |                  |

Roles come from memberships only: being a superuser grants no workflow step (four eyes hold for
everyone). Each action runs in one transaction with the plan row locked, re-checks its rule on the
locked row, records a PlanTransition, writes the audit trail and notifies the people concerned
(plans.workflow.notifications). A refusal is a Vietnamese PermissionDenied (who) or ValidationError (state
or input). Decision numbers run from 01 each calendar year per issuing unit (DESIGN.md).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orgs.audit import record as audit
from orgs.models import AuditEvent, Membership, Unit
from plans.loading import load_plan
from plans.models import Decision, Plan, PlanTransition
from plans.pdf.signing import request_signed_plan
from plans.serializing import plan_to_data
from plans.workflow import notifications
from plans.workflow.rules import (
    check_approve,
    check_issue,
    check_new_revision,
    check_reopen,
    check_return,
    check_submit,
)
from tasks.models import Task

Status = Plan.Status
Action = AuditEvent.Action
Role = Membership.Role
Verb = notifications.Verb

# --- the actions ----------------------------------------------------------------------------------


def _locked(plan):
    return Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


def _move(locked, *, user, to_status, action, comment="", request=None, extra_fields=()):
    """Record the step, change the status, write the audit trail (`action`: an AuditEvent.Action).
    Returns the transition."""
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at", *extra_fields])
    transition = PlanTransition.objects.create(
        plan=locked,
        from_status=from_status,
        to_status=to_status,
        user=user,
        comment=comment,
        plan_version=locked.version,
    )
    audit(
        actor=user,
        action=action,
        target=locked,
        request=request,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        plan_version=locked.version,
    )
    return transition


def _refresh(plan, locked):
    """Hand the caller's instance the new state."""
    for field in ("status", "version", "submitted_at", "updated_at"):
        setattr(plan, field, getattr(locked, field))
    return plan


def _required(text, message):
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, code="required")
    return text


def _actor(user):
    return user.full_name or user.username


def plan_name(plan):
    """ "Kế hoạch năm 2024 – Xã Lê Lợi", with "(lần ban hành 2)" for a later revision."""
    return f"{plan}" + (f" (lần ban hành {plan.revision})" if plan.revision > 1 else "")


def submit_plan(*, plan, user, request=None):
    """The commune editor sends the plan (a draft, or a returned one after fixing it) for review."""
    with transaction.atomic():
        locked = _locked(plan)
        check_submit(user, locked)
        if not Task.objects.filter(section__plan=locked).exists():
            raise ValidationError("Kế hoạch chưa có nội dung công việc nào nên chưa gửi thẩm định được.", code="empty")
        again = locked.status == Status.RETURNED
        locked.submitted_at = timezone.now()
        _move(
            locked,
            user=user,
            to_status=Status.SUBMITTED,
            action=Action.PLAN_SUBMITTED,
            request=request,
            extra_fields=["submitted_at"],
        )
        notifications.notify(
            plan=locked,
            verb=Verb.SUBMITTED,
            actor=user,
            request=request,
            recipients=notifications.reviewers_above(locked.unit),
            text=f"{_actor(user)} đã gửi {'lại ' if again else ''}{plan_name(locked)} để thẩm định.",
        )
    return _refresh(plan, locked)


def return_plan(*, plan, user, comment, request=None):
    """A reviewer above sends the plan back to the commune with what to fix."""
    with transaction.atomic():
        locked = _locked(plan)
        check_return(user, locked)
        comment = _required(comment, "Hãy ghi lý do trả lại (những gì đơn vị cần sửa).")
        _move(
            locked, user=user, to_status=Status.RETURNED, action=Action.PLAN_RETURNED, comment=comment, request=request
        )
        notifications.notify(
            plan=locked,
            verb=Verb.RETURNED,
            actor=user,
            request=request,
            recipients=notifications.unit_members(locked.unit, Role.EDITOR),
            text=f"{_actor(user)} đã trả lại {plan_name(locked)}: {comment}",
        )
    return _refresh(plan, locked)


def approve_plan(*, plan, user, comment="", request=None):
    """A reviewer above (four eyes: not a member of the plan's unit, not its submitter) approves it."""
    with transaction.atomic():
        locked = _locked(plan)
        check_approve(user, locked)
        comment = (comment or "").strip()
        _move(
            locked, user=user, to_status=Status.APPROVED, action=Action.PLAN_APPROVED, comment=comment, request=request
        )
        notifications.notify(
            plan=locked,
            verb=Verb.APPROVED,
            actor=user,
            request=request,
            recipients=notifications.unit_members(locked.unit, Role.EDITOR, Role.SIGNER),
            text=f"{_actor(user)} đã phê duyệt {plan_name(locked)}." + (f" Ý kiến: {comment}" if comment else ""),
        )
    return _refresh(plan, locked)


def next_decision_number(*, unit, year):
    """The next number for the unit's decisions of `year` (numbers run from 01 each calendar year)."""
    highest = _issued_decisions(unit, year).aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _issued_decisions(unit, year):
    return Decision.objects.filter(
        plan__unit=unit, plan__status=Status.ISSUED, issued_on__year=year, number__isnull=False
    )


def _year_range(plan):
    """A plan of year Y is issued in Y or in the December before it (any day of Y−1 is accepted)."""
    return date(plan.year - 1, 1, 1), date(plan.year, 12, 31)


def _approval_day(plan):
    approval = plan.transitions.filter(to_status=Status.APPROVED).order_by("-created_at", "-pk").first()
    return timezone.localdate(approval.created_at) if approval else None


def issue_date_bounds(plan):
    """(earliest, latest): the dates the plan may be issued on — its year range (`_year_range`), not
    before the day it was approved, not after today."""
    first, last = _year_range(plan)
    approved_on = _approval_day(plan)
    return max(first, approved_on) if approved_on else first, min(last, timezone.localdate())


def check_issue_date(plan, issued_on):
    """Refuse an issue date outside issue_date_bounds, saying which bound it crosses."""
    first, last = _year_range(plan)
    approved_on = _approval_day(plan)
    if issued_on > timezone.localdate():
        raise ValidationError("Ngày ban hành không được sau ngày hôm nay.", code="future")
    if not first <= issued_on <= last:
        raise ValidationError(
            f"Ngày ban hành của kế hoạch năm {plan.year} phải trong năm {plan.year - 1} hoặc {plan.year} "
            f"(từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}).",
            code="out_of_year",
        )
    if approved_on and issued_on < approved_on:
        raise ValidationError(
            f"Ngày ban hành không được trước ngày kế hoạch được phê duyệt ({approved_on:%d/%m/%Y}).",
            code="before_approval",
        )


def issue_plan(*, plan, user, issued_on, number=None, request=None):
    """The commune's signer issues the approved plan: the decision gets its number and date, and the
    plan is locked (any later change is a new revision with its own decision)."""
    with transaction.atomic():
        locked = _locked(plan)
        check_issue(user, locked)
        if issued_on is None:
            raise ValidationError("Hãy nhập ngày ban hành.", code="required")
        check_issue_date(locked, issued_on)
        decision = Decision.objects.filter(plan=locked).first()
        if decision is None:
            raise ValidationError(
                "Kế hoạch chưa có văn bản ban hành (quyết định) nên chưa ban hành được.", code="no_decision"
            )
        Unit.objects.select_for_update().get(pk=locked.unit_id)  # one numbering at a time per issuing unit
        year = issued_on.year
        suggested = next_decision_number(unit=locked.unit, year=year)
        if number is None:
            number = suggested
        elif number < 1:
            raise ValidationError("Số quyết định phải là số nguyên dương.", code="number")
        else:
            taken = (
                _issued_decisions(locked.unit, year)
                .filter(number=number)
                .exclude(plan=locked)
                .select_related("plan")
                .first()
            )
            if taken:
                raise ValidationError(
                    f"Số {number:02d}/{decision.number_suffix} năm {year} của {locked.unit} đã dùng cho "
                    f"{taken.plan} (ban hành ngày {taken.issued_on:%d/%m/%Y}). Số tiếp theo còn trống: "
                    f"{suggested:02d}.",
                    code="number_taken",
                )
        decision.number, decision.issued_on = number, issued_on
        decision.save(update_fields=["number", "issued_on"])
        locked.mark_changed()  # the document now carries its number and date: earlier PDFs are stale
        _move(
            locked,
            user=user,
            to_status=Status.ISSUED,
            action=Action.PLAN_ISSUED,
            request=request,
            comment=f"Số {decision.number_text}, ngày {issued_on:%d/%m/%Y}",
        )
        approver = locked.transitions.filter(to_status=Status.APPROVED).order_by("-created_at", "-pk").first()
        recipients = [
            *notifications.unit_members(locked.unit, Role.EDITOR),
            *notifications.reviewers_above(locked.unit),
            *([approver.user] if approver and approver.user else []),
        ]
        notifications.notify(
            plan=locked,
            verb=Verb.ISSUED,
            actor=user,
            request=request,
            recipients=recipients,
            text=(
                f"{_actor(user)} đã ban hành {plan_name(locked)}: Quyết định số {decision.number_text} ngày "
                f"{issued_on:%d/%m/%Y}."
            ),
        )
        # The document is signed by the signer and the unit in the background, once this commits.
        request_signed_plan(plan=locked, user=user)
    plan.decision = decision  # the caller's cached decision (if any) now has its number and date
    return _refresh(plan, locked)


def reopen_plan(*, plan, user, reason, request=None):
    """A reviewer of the unit or above takes an approved (not yet issued) plan back for changes."""
    with transaction.atomic():
        locked = _locked(plan)
        check_reopen(user, locked)
        reason = _required(reason, "Hãy ghi lý do mở lại kế hoạch.")
        _move(
            locked, user=user, to_status=Status.RETURNED, action=Action.PLAN_REOPENED, comment=reason, request=request
        )
        notifications.notify(
            plan=locked,
            verb=Verb.REOPENED,
            actor=user,
            request=request,
            recipients=notifications.unit_members(locked.unit, Role.EDITOR, Role.SIGNER),
            text=f"{_actor(user)} đã mở lại {plan_name(locked)} (đã phê duyệt) để sửa: {reason}",
        )
    return _refresh(plan, locked)


def new_revision(*, plan, user, request=None):
    """After issue, any change is a new revision with its own decision: copy the issued plan into
    revision + 1 as a draft (decision number and date blank). Returns the new plan."""
    with transaction.atomic():
        locked = _locked(plan)
        check_new_revision(user, locked)
        Unit.objects.select_for_update().get(pk=locked.unit_id)  # one new revision at a time per unit
        data = plan_to_data(locked, links=True)
        data["document"]["number"] = None
        data["document"]["date"] = None
        revision = locked.revision + 1
        created = load_plan(data, unit=locked.unit, revision=revision)
        audit(
            actor=user,
            action=Action.PLAN_NEW_REVISION,
            target=created,
            request=request,
            source_plan=locked.pk,
            revision=revision,
        )
    return created
