"""A user's own account, and what an administrator may do to it: each use case one function, in a
transaction, writing its audit line (orgs.audit).

- a user changes their password: their other sessions end (`password_changed`);
- a forgotten password is reset through a link sent by e-mail, through the outbox (orgs.mail), never
  in the request (`request_password_reset`, `queue_password_reset_email`), a few an hour at most to one
  account and from one address; setting the new password ends every session of the user
  (`password_reset_done`);
- an administrator forces a reset (`force_password_reset`: the password no longer works, every session
  ends, the reset e-mail is queued) or deactivates an account (`deactivate_user`);
- a user ends one of their other sessions, or all of them (`end_session`, `end_other_sessions`).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import user_agents, user_sessions
from .audit import client_ip, record
from .mail import queue_email
from .models import AuditEvent, OutgoingEmail, User, UserSession

Action = AuditEvent.Action
RESET_SUBJECT = "[Cổng KSTTHC] Đặt lại mật khẩu"


def password_reset_link(user: User) -> str:
    """The one-time link that lets `user` set a new password (valid PASSWORD_RESET_TIMEOUT, until the
    password changes). Built on PORTAL_URL, never on the request's Host header."""
    path = reverse(
        "account:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.PORTAL_URL.rstrip("/") + path


def queue_password_reset_email(*, user: User, forced: bool = False) -> OutgoingEmail:
    """The reset e-mail for `user` (who must have an address), written to the outbox."""
    body = render_to_string(
        "orgs/account/password_reset_email.txt",
        {
            "user": user,
            "link": password_reset_link(user),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "forced": forced,
        },
    )
    return queue_email(to=user.email, subject=RESET_SUBJECT, body=body)


@transaction.atomic
def request_password_reset(*, users, request: HttpRequest | None = None) -> int:
    """Someone asked for a reset link for an address: one e-mail to each account it belongs to (none
    when it belongs to none, and the page says the same either way). Returns how many were queued.

    Nobody can make the portal flood a mailbox or mail every account from one place: within an hour, at
    most PASSWORD_RESET_EMAILS_PER_ACCOUNT e-mails go to one account and PASSWORD_RESET_EMAILS_PER_ADDRESS
    go out at the request of one address (counted on the audit trail, shared by every process; a request
    for an address no account has sends nothing and is not counted). A link
    already sent keeps working; a withheld e-mail is one alert line per account and hour, its repeats
    counted, and the page still answers as for any address."""
    since = timezone.now() - timedelta(hours=1)
    asked = AuditEvent.objects.filter(action=Action.PASSWORD_RESET_REQUESTED, created_at__gte=since)
    address = client_ip(request) if request is not None else None
    count = 0
    for user in users:
        if asked.filter(target_type=User._meta.label_lower, target_id=str(user.pk)).count() >= (
            settings.PASSWORD_RESET_EMAILS_PER_ACCOUNT
        ):
            _reset_withheld(user=user, request=request, since=since, reason="tài khoản")
            continue
        if address and asked.filter(ip_address=address).count() >= settings.PASSWORD_RESET_EMAILS_PER_ADDRESS:
            _reset_withheld(user=user, request=request, since=since, reason="địa chỉ IP")
            continue
        queue_password_reset_email(user=user)
        record(actor=None, action=Action.PASSWORD_RESET_REQUESTED, target=user, request=request)
        count += 1
    return count


def _reset_withheld(*, user, request, since, reason):
    """The alert line of a withheld reset e-mail: one per account and hour, repeats counted."""
    earlier = AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET_WITHHELD,
        target_type=User._meta.label_lower,
        target_id=str(user.pk),
        created_at__gte=since,
    )
    if not earlier.update(repeats=F("repeats") + 1):
        record(actor=None, action=Action.PASSWORD_RESET_WITHHELD, target=user, request=request, limit=reason)


@transaction.atomic
def password_changed(*, user: User, request: HttpRequest, previous_key: str | None) -> int:
    """After the user changed their own password (and Django gave the current session a new key): the
    current session stays signed in, every other one ends. Returns how many ended."""
    current = request.session.session_key
    user_sessions.rekey(old_key=previous_key, new_key=current)
    ended = user_sessions.end_all(user=user, keep=current)
    record(
        actor=user,
        action=Action.PASSWORD_CHANGED,
        target=user,
        request=request,
        sessions_ended=ended,
    )
    return ended


@transaction.atomic
def password_reset_done(*, user: User, request: HttpRequest | None = None) -> int:
    """The user set a new password from the e-mailed link: every session of theirs ends."""
    ended = user_sessions.end_all(user=user)
    record(
        actor=user,
        action=Action.PASSWORD_RESET,
        target=user,
        request=request,
        sessions_ended=ended,
    )
    return ended


@transaction.atomic
def force_password_reset(*, user: User, actor: User, request: HttpRequest | None = None) -> OutgoingEmail | None:
    """An administrator makes `user` choose a new password: the current one stops working, every
    session ends, and the reset e-mail is queued — None when the user has no address (the
    administrator must then reach them another way)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = user_sessions.end_all(user=user)
    message = queue_password_reset_email(user=user, forced=True) if user.email else None
    record(
        actor=actor,
        action=Action.PASSWORD_RESET_FORCED,
        target=user,
        request=request,
        sessions_ended=ended,
        email_queued=message is not None,
    )
    return message


@transaction.atomic
def deactivate_user(*, user: User, actor: User, request: HttpRequest | None = None) -> int:
    """An administrator deactivates `user`: no login any more, every session ends. Returns how many."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_sessions.end_all(user=user)
    record(
        actor=actor,
        action=Action.USER_DEACTIVATED,
        target=user,
        request=request,
        sessions_ended=ended,
    )
    return ended


@transaction.atomic
def end_session(*, row: UserSession, request: HttpRequest) -> None:
    """The user ends one of their other sessions (a browser left signed in elsewhere)."""
    details = {
        "ip": row.ip_address or "",
        "browser": user_agents.describe(row.user_agent),
        "started": f"{timezone.localtime(row.created_at):%d/%m/%Y %H:%M}",
    }
    user_sessions.end(row)
    record(actor=row.user, action=Action.SESSION_ENDED, target=row.user, request=request, sessions_ended=1, **details)


@transaction.atomic
def end_other_sessions(*, user: User, request: HttpRequest) -> int:
    """The user ends every session but the current one. Returns how many were still signed in."""
    ended = user_sessions.end_all(user=user, keep=request.session.session_key)
    record(actor=user, action=Action.SESSION_ENDED, target=user, request=request, sessions_ended=ended)
    return ended
