"""The audit trail: who did what, to what, when and from where.

Every state change calls `record(...)` inside its own transaction, so a change and its audit line are
written (or rolled back) together. Logins, logouts and failed logins are recorded by the receivers
below (wired in `orgs.apps`), refused requests (403) by `orgs.middleware.AuditRefusedMiddleware`,
and code paths that hide a refusal behind a 404 call `record_refused(request, target)`.
"""

import ipaddress
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q
from django.utils import timezone

from .models import AuditEvent, Membership, Unit, User
from .scoping import holds_role

USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length
PATH_LENGTH = AuditEvent._meta.get_field("path").max_length
REPR_LENGTH = AuditEvent._meta.get_field("target_repr").max_length


def record(*, actor, action, target=None, request=None, unit=None, **details):
    """Write one audit line and return it.

    actor: the user who acted (None: the request's user, if any); action: a code such as
    "plan.submitted" (see AuditEvent.Action); target: the model instance acted on; request: for the
    address, browser and path; unit: the unit the line is filed under (default: the target's unit, else
    the actor's); details: anything JSON can hold (dates, decimals and other objects become text).
    """
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if unit is None:
        unit = unit_of(target)
    if unit is None and actor is not None:
        unit = home_unit(actor)
    return _write(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        target=target,
        request=request,
        unit=unit,
        details=details,
    )


def record_refused(request, target):
    """A user asked for something it may not see and got a 404 so that its existence does not leak:
    file it as a refused access under the target's unit (repeats folded, see `_record_refusal`)."""
    return _record_refusal(request, AuditEvent.Action.ACCESS_HIDDEN, target=target, status=404)


def record_denied(request, *, status=403):
    """A request answered 403 (PermissionDenied)."""
    return _record_refusal(request, AuditEvent.Action.ACCESS_DENIED, target=None, status=status)


def _record_refusal(request, action, *, target, status):
    """One line per (user, address, kind of page, action) and minute: a repeat within the minute adds
    to the line's `repeats` instead of writing another (a probe of hundreds of ids is one line per
    minute, not hundreds). The line keeps the first target and path of the minute. Lines are also kept
    apart per unit they are filed under, so each unit's administrator still sees the probes of its
    plans (a probe across many communes is at most one line per commune and minute)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    match = getattr(request, "resolver_match", None)
    kind = (match.view_name if match else "") or ""
    unit = unit_of(target) or home_unit(actor)
    since = timezone.now().replace(second=0, microsecond=0)
    earlier = (
        AuditEvent.objects.filter(
            action=action,
            actor=actor,
            ip_address=client_ip(request),
            details__kind=kind,
            unit=unit if unit is not None and unit.pk else None,
            created_at__gte=since,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if earlier is not None:
        AuditEvent.objects.filter(pk=earlier).update(repeats=F("repeats") + 1)
        return None
    return record(
        actor=actor, action=action, target=target, request=request, status=status, method=request.method, kind=kind
    )


def client_ip(request):
    """The client's address. Behind reverse proxies (settings.TRUSTED_PROXY_COUNT = how many), the
    address the outermost trusted proxy saw, read from X-Forwarded-For counting from the right —
    entries further left are whatever the client sent and are never trusted. Also used by django-axes
    (AXES_CLIENT_IP_CALLABLE), so throttling and the audit log agree on "from where"."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def unit_of(target):
    """The unit a target belongs to: a unit itself, a user's own unit (home_unit), anything with a unit
    (a plan), or with a plan."""
    if target is None:
        return None
    if isinstance(target, Unit):
        return target
    if isinstance(target, User):  # an account: its own unit, whoever acted on it
        return home_unit(target)
    if getattr(target, "unit_id", None):
        return target.unit if _cached(target, "unit") else Unit(pk=target.unit_id)
    plan = getattr(target, "plan", None) if hasattr(target, "plan_id") else None
    if plan is not None and getattr(plan, "unit_id", None):
        return Unit(pk=plan.unit_id)
    return None


def home_unit(user):
    """The unit a user's lines are filed under when nothing else says: its highest membership."""
    if user is None or not getattr(user, "pk", None):
        return None
    membership = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path").first()
    return membership.unit if membership else None


# --- signal receivers (connected in orgs.apps) -----------------------------------------------------


def on_login(sender, request, user, **kwargs):
    record(actor=user, action=AuditEvent.Action.LOGIN, request=request)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action=AuditEvent.Action.LOGOUT, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed login. The failure that makes django-axes lock the (username, address) pair and every
    attempt refused while it is locked are recorded as locked out."""
    username = str(credentials.get("username") or "")[:150]
    account = User.objects.filter(username=username).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    action = AuditEvent.Action.LOCKED_OUT if locked else AuditEvent.Action.LOGIN_FAILED
    _write(
        actor=None,
        actor_username=username,
        action=action,
        target=account,
        request=request,
        unit=home_unit(account),
        details={},
    )


# --- writing ---------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _write(*, actor, actor_username, action, target, request, unit, details):
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=actor_username or "",
        action=str(action),
        unit=unit if unit is not None and unit.pk else None,
        details=json.loads(json.dumps(details, cls=_Encoder)),
    )
    if target is not None:
        event.target_type = target._meta.label_lower
        event.target_id = str(target.pk or "")
        event.target_repr = str(target)[:REPR_LENGTH]
    if request is not None:
        event.ip_address = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        event.path = request.get_full_path()[:PATH_LENGTH]
    event.save()
    return event


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _cached(instance, field):
    return instance._meta.get_field(field).is_cached(instance)


# --- reading -----------------------------------------------------------------------------------------


def can_read_audit_log(user):
    """A superuser, or a unit administrator (for the units of its subtree)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or holds_role(user, Membership.Role.ADMIN)


def events_visible_to(user):
    """The audit lines `user` may read: all for a superuser; for a unit administrator, those filed
    under its unit or any unit below it (lines filed under no unit are the superuser's)."""
    events = AuditEvent.objects.all()
    if not user.is_authenticated:
        return events.none()
    if user.is_superuser:
        return events
    paths = [
        membership.unit.path
        for membership in user.memberships.filter(role=Membership.Role.ADMIN).select_related("unit")
    ]
    if not paths:
        return events.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return events.filter(condition)
