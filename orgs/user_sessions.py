"""The list of a user's signed-in sessions (orgs.UserSession) beside Django's session store.

A row is written when the user logs in (`on_login`, wired in orgs.apps), its last activity is kept
by SessionActivityMiddleware at most once every LAST_SEEN_INTERVAL (`touch`: a marker in the cache
says it was written lately, so a request usually writes nothing), and it is removed at logout
(`on_logout`) or when the session is ended (`end`, `end_all`), which deletes the session from the
store of SESSION_ENGINE, whatever it is (database, cache or both), so that browser is logged out at its
next request.

The store is the truth: a session is listed only while the store still holds it, unexpired, signed in
as its user with the user's current password (`live_sessions`); rows whose session is gone (expired,
flushed by Django after a password change, ended elsewhere) are pruned at the user's next login.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .audit import USER_AGENT_LENGTH, client_ip
from .models import User, UserSession

LAST_SEEN_INTERVAL = timedelta(minutes=5)


def session_store(session_key=None):
    """A SessionStore of the configured engine, for `session_key`."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def seen_marker(session_key: str) -> str:
    return f"orgs.session-seen:{session_key}"


# --- bookkeeping -------------------------------------------------------------------------------------


def on_login(sender, request, user, **kwargs):
    """user_logged_in: the new session's row (login() has just given the session its new key), after
    forgetting the rows of the user's sessions that are gone."""
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        # Logging in over another user's session flushes it, leaving no key until the response saves
        # the session: save it now so that the row has the key the browser will hold.
        request.session.save()
    session_key = request.session.session_key
    prune(user=user, keep=session_key)
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "last_seen_at": now, **_client(request)},
        create_defaults={"user": user, "created_at": now, "last_seen_at": now, **_client(request)},
    )
    cache.set(seen_marker(session_key), True, LAST_SEEN_INTERVAL.total_seconds())


def on_logout(sender, request, user, **kwargs):
    """user_logged_out (sent before the session is flushed): the row goes with the session."""
    session_key = request.session.session_key if request is not None else None
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def touch(request):
    """The request's session was active now: written at most once every LAST_SEEN_INTERVAL per
    session and process. A session older than the list (signed in before it existed) gets its row."""
    session_key = request.session.session_key
    marker = seen_marker(session_key)
    if cache.get(marker):
        return
    now = timezone.now()
    seen = {"last_seen_at": now, **_client(request)}
    if not UserSession.objects.filter(session_key=session_key, user=request.user).update(**seen):
        UserSession.objects.get_or_create(session_key=session_key, defaults={"user": request.user, **seen})
    cache.set(marker, True, LAST_SEEN_INTERVAL.total_seconds())


def rekey(*, old_key, new_key):
    """The session kept its data under a new key (update_session_auth_hash cycles the key)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _client(request):
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    }


# --- reading -----------------------------------------------------------------------------------------


def is_live(session_key: str, user: User, *, same_password: bool = True) -> bool:
    """The store holds this session, unexpired, signed in as `user` — with their current password
    unless `same_password` is off (a session from before a password change is logged out by Django at
    its next request)."""
    data = session_store(session_key).load()  # {} when missing or expired
    if str(data.get(SESSION_KEY, "")) != str(user.pk):
        return False
    return not same_password or constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())


def live_sessions(*, user: User) -> list[UserSession]:
    """The user's sessions still signed in, the most recently active first."""
    return [row for row in UserSession.objects.filter(user=user) if is_live(row.session_key, user)]


def prune(*, user: User, keep: str | None = None) -> int:
    """Forget the rows of the user's sessions that are gone; returns how many."""
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    gone = [row.pk for row in rows if not is_live(row.session_key, user)]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return len(gone)


# --- ending ------------------------------------------------------------------------------------------


def end(row: UserSession) -> None:
    """End one session: deleted from the store (that browser is logged out at its next request) and
    from the list."""
    session_store(row.session_key).delete()
    cache.delete(seen_marker(row.session_key))
    row.delete()


def end_all(*, user: User, keep: str | None = None) -> int:
    """End every session of the user but `keep` (the current one, if any); returns how many were
    still signed in. Sessions started before the list existed have no row: a changed password or a
    deactivated account logs them out anyway (Django checks both at each request)."""
    ended = 0
    for row in UserSession.objects.filter(user=user).exclude(session_key=keep or ""):
        ended += is_live(row.session_key, user, same_password=False)
        end(row)
    return ended
