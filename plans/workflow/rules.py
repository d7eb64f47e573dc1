"""The workflow's rules: who may take which step, in which state (the table in
plans.workflow.services). One check per step — who first, then the state — raising a Vietnamese
PermissionDenied (who) or ValidationError (state)."""

from django.core.exceptions import PermissionDenied, ValidationError

from orgs.models import Membership
from orgs.scoping import own_roles, reviews_from_above
from plans.models import Plan

Status = Plan.Status
Role = Membership.Role

ACTIONS = ("submit", "return", "approve", "issue", "reopen", "new_revision")


# --- roles ----------------------------------------------------------------------------------------


def reviews_unit_or_above(user, unit):
    return Role.REVIEWER in own_roles(user, unit) or reviews_from_above(user, unit)


def submitted_by(plan):
    """The user who submitted the plan most recently (None if never submitted)."""
    last = plan.transitions.filter(to_status=Status.SUBMITTED).order_by("-created_at", "-pk").first()
    return last.user if last else None


# --- the rules, one check per step (who first, then the state) --------------------------------------


def require_state(plan, allowed, doing):
    if plan.status not in allowed:
        raise ValidationError(
            f"Không thể {doing}: kế hoạch đang ở trạng thái “{plan.get_status_display()}”.", code="state"
        )


def check_submit(user, plan):
    if Role.EDITOR not in own_roles(user, plan.unit):
        raise PermissionDenied(f"Chỉ công chức soạn thảo của {plan.unit} được gửi kế hoạch đi thẩm định.")
    require_state(plan, {Status.DRAFT, Status.RETURNED}, "gửi thẩm định")


def check_return(user, plan):
    if not reviews_from_above(user, plan.unit):
        raise PermissionDenied(f"Chỉ cán bộ thẩm định của đơn vị cấp trên {plan.unit} được trả lại kế hoạch.")
    require_state(plan, {Status.SUBMITTED}, "trả lại")


def check_approve(user, plan):
    if not reviews_from_above(user, plan.unit):
        raise PermissionDenied(f"Chỉ cán bộ thẩm định của đơn vị cấp trên {plan.unit} được phê duyệt kế hoạch.")
    if own_roles(user, plan.unit):
        raise PermissionDenied(
            f"Bạn cũng là thành viên của {plan.unit} nên không được phê duyệt kế hoạch của đơn vị mình "
            "(nguyên tắc hai người): hãy để một cán bộ thẩm định khác phê duyệt."
        )
    require_state(plan, {Status.SUBMITTED}, "phê duyệt")
    submitter = submitted_by(plan)
    if submitter is not None and submitter.pk == user.pk:
        raise PermissionDenied("Bạn là người gửi kế hoạch này nên không được tự phê duyệt (nguyên tắc hai người).")


def check_issue(user, plan):
    if Role.SIGNER not in own_roles(user, plan.unit):
        raise PermissionDenied(f"Chỉ người ký của {plan.unit} được ban hành kế hoạch.")
    require_state(plan, {Status.APPROVED}, "ban hành")


def check_reopen(user, plan):
    if not reviews_unit_or_above(user, plan.unit):
        raise PermissionDenied(
            f"Chỉ cán bộ thẩm định của {plan.unit} hoặc của đơn vị cấp trên được mở lại kế hoạch đã phê duyệt."
        )
    require_state(plan, {Status.APPROVED}, "mở lại")


def check_new_revision(user, plan):
    if Role.EDITOR not in own_roles(user, plan.unit):
        raise PermissionDenied(f"Chỉ công chức soạn thảo của {plan.unit} được lập lần ban hành mới.")
    if plan.status != Status.ISSUED:
        raise ValidationError(
            "Chỉ lập lần ban hành mới từ kế hoạch đã ban hành; kế hoạch này còn sửa được trực tiếp.", code="state"
        )
    newer = Plan.objects.filter(unit=plan.unit, year=plan.year, revision__gt=plan.revision).order_by("revision").first()
    if newer:
        raise ValidationError(
            f"Kế hoạch năm {plan.year} đã có lần ban hành {newer.revision}: hãy sửa lần đó.", code="newer_revision"
        )


CHECKS = {
    "submit": check_submit,
    "return": check_return,
    "approve": check_approve,
    "issue": check_issue,
    "reopen": check_reopen,
    "new_revision": check_new_revision,
}


def allowed_actions(user, plan):
    """The steps this user may take on the plan now (names from ACTIONS)."""
    allowed = set()
    for action, check in CHECKS.items():
        try:
            check(user, plan)
        except (PermissionDenied, ValidationError):
            continue
        allowed.add(action)
    return allowed
