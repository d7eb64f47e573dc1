"""Who may do what with a plan. Visibility is orgs.scoping's job; this decides the actions.

`ensure_plan_editable(plan)` is the one lock every write path to a plan's content calls (the editing
services, the table import, KPI targets, the admin): a plan that is submitted, approved or issued
refuses every change. Callers pass a plan row they read with select_for_update() inside their
transaction, so an edit racing a submit or an approval cannot slip through."""

from django.core.exceptions import PermissionDenied

from orgs.scoping import manages_unit
from plans.models import Plan

EDITABLE_STATES = {Plan.Status.DRAFT, Plan.Status.RETURNED}
LOCKED_STATES = {Plan.Status.SUBMITTED, Plan.Status.APPROVED, Plan.Status.ISSUED}

# What locked the plan, and the way to change it again.
_LOCKED = {
    Plan.Status.SUBMITTED: ("gửi thẩm định", "Chờ cán bộ thẩm định trả lại để sửa."),
    Plan.Status.APPROVED: (
        "phê duyệt",
        "Muốn sửa, cán bộ thẩm định của đơn vị hoặc cấp trên phải mở lại kế hoạch (ghi rõ lý do).",
    ),
    Plan.Status.ISSUED: ("ban hành", "Muốn thay đổi, hãy lập lần ban hành mới."),
}


def locked_message(plan):
    """ "Kế hoạch đã được phê duyệt (trạng thái “Đã phê duyệt”), không thể sửa. Muốn sửa, …"."""
    verb, remedy = _LOCKED[plan.status]
    return f"Kế hoạch đã được {verb} (trạng thái “{plan.get_status_display()}”), không thể sửa. {remedy}"


def ensure_plan_editable(plan):
    """Refuse (PermissionDenied, Vietnamese) any change to the content of a submitted, approved or
    issued plan: its decision and parts, sections, rows, appendices and KPI targets. Whoever asks —
    a superuser, the admin, a job — gets the same answer; only the workflow (return, reopen, new
    revision) makes a plan editable again."""
    if plan.status in LOCKED_STATES:
        raise PermissionDenied(locked_message(plan))
    if plan.unit_id is not None and plan.unit.has_ended():
        raise PermissionDenied(ended_message(plan.unit))
    return plan


def ended_message(unit):
    return (
        f"{unit} đã hết hiệu lực từ ngày {unit.valid_until:%d/%m/%Y} (sáp nhập hoặc giải thể): kế hoạch của "
        "đơn vị chỉ còn để xem. Kế hoạch mới do đơn vị kế tục lập."
    )


def is_locked(plan):
    return plan.status in LOCKED_STATES


def can_edit_plan(user, plan):
    """The commune's editor (or its unit administrator) edits a plan while it is a draft or was
    returned; nobody edits a submitted, approved or issued plan."""
    return plan.status in EDITABLE_STATES and not plan.unit.has_ended() and manages_unit(user, plan.unit)


def can_create_plan(user, unit):
    return not unit.has_ended() and manages_unit(user, unit)
