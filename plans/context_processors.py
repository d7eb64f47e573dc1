"""The top bar's figures: `unread_count` for "Hộp thư (n)", and which of the dashboard and the audit
log the user may open — each computed only when a template reads it."""

from django.utils.functional import SimpleLazyObject

from orgs.audit import can_read_audit_log
from orgs.models import Membership
from orgs.scoping import holds_role
from plans.workflow.notifications import unread_count


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0, "is_reviewer": False, "can_read_audit_log": False}
    return {
        "unread_count": SimpleLazyObject(lambda: unread_count(user)),
        "is_reviewer": SimpleLazyObject(lambda: user.is_superuser or holds_role(user, Membership.Role.REVIEWER)),
        "can_read_audit_log": SimpleLazyObject(lambda: can_read_audit_log(user)),
    }
