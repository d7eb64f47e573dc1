"""A user's own account: each use case one function, in a transaction, writing its audit line
(orgs.audit).

- a user changes their password: their other sessions end (`password_changed`);
- a user ends one of their other sessions, or all of them (`end_session`, `end_other_sessions`).
"""

from django.db import transaction
from django.http import HttpRequest

from . import user_sessions
from .audit import home_unit, record
from .models import AuditEvent, User, UserSession

Action = AuditEvent.Action


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
        unit=home_unit(user),
        sessions_ended=ended,
    )
    return ended


@transaction.atomic
def end_session(*, row: UserSession, request: HttpRequest) -> None:
    """The user ends one of their other sessions (a browser left signed in elsewhere)."""
    details = {"ip": row.ip_address or "", "browser": row.user_agent, "started": row.created_at}
    user_sessions.end(row)
    record(actor=row.user, action=Action.SESSION_ENDED, target=row.user, request=request, sessions_ended=1, **details)


@transaction.atomic
def end_other_sessions(*, user: User, request: HttpRequest) -> int:
    """The user ends every session but the current one. Returns how many were still signed in."""
    ended = user_sessions.end_all(user=user, keep=request.session.session_key)
    record(actor=user, action=Action.SESSION_ENDED, target=user, request=request, sessions_ended=ended)
    return ended
