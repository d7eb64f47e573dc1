"""Who hears about what happens to a plan, and how: a line in the portal's inbox (hộp thư) and, for
the workflow's steps, an e-mail through Django's mail backend (the console in development).

The workflow's action functions (plans.workflow.services, plans.workflow.comments) call `notify`; nothing else
creates notifications. E-mails go through the outbox (orgs.mail): written with the change, sent by a
Celery task only after the transaction commits, one message per recipient (nobody sees the others'
addresses); a mail server that is down is retried with back-off, never turned into a failed submit or
approval: the inbox line is already there.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from orgs.mail import queue_email
from orgs.models import Membership, User
from plans.models import Notification

logger = logging.getLogger(__name__)

Verb = Notification.Verb
SUBJECT_PREFIX = "[Cổng KSTTHC] "


# --- who ------------------------------------------------------------------------------------------


def unit_members(unit, *roles):
    """Active users holding one of `roles` on `unit` itself (not inherited from above)."""
    return User.objects.filter(is_active=True, memberships__unit=unit, memberships__role__in=roles).distinct()


def reviewers_above(unit):
    """The reviewers of the nearest unit above `unit` that has any: the district, or the province
    where the commune has no district (or its district has no reviewer yet)."""
    for ancestor in reversed(list(unit.ancestors())):
        reviewers = unit_members(ancestor, Membership.Role.REVIEWER)
        if reviewers.exists():
            return reviewers
    return User.objects.none()


# --- sending --------------------------------------------------------------------------------------


def plan_link(plan, *, request=None):
    """Where a notification about `plan` leads: its review page (status, actions, comments)."""
    path = reverse("plans:comments", args=[plan.pk])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PORTAL_URL.rstrip("/") + path


def notify(*, plan, verb, actor, text, recipients, email=True, request=None):
    """One inbox line per recipient (the actor is never told about their own step), and an e-mail
    to each who has an address when `email`. Call inside the action's transaction."""
    users = {user.pk: user for user in recipients if user.is_active and user.pk != getattr(actor, "pk", None)}
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, plan=plan, verb=verb, actor=actor, text=text) for user in users.values()
    )
    addresses = sorted({user.email for user in users.values() if user.email})
    if email and addresses:
        subject = SUBJECT_PREFIX + text
        subject = subject if len(subject) <= 150 else subject[:149] + "…"
        body = (
            f"{text}\n\n"
            f"Xem kế hoạch: {plan_link(plan, request=request)}\n\n"
            "— Cổng kế hoạch kiểm soát thủ tục hành chính (thư gửi tự động, xin đừng trả lời thư này)."
        )
        for address in addresses:  # sent by a task after the commit, retried; a mail server down undoes nothing
            queue_email(to=address, subject=subject, body=body)
    return notifications


# --- reading and marking --------------------------------------------------------------------------


def inbox_for(user):
    return Notification.objects.filter(recipient=user).select_related("plan", "plan__unit", "actor")


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, notification, user):
    """Mark one of the user's own notifications read (opening it does this)."""
    if notification.recipient_id != user.pk:
        raise ValueError("A notification is marked read only by its recipient.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, user):
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
