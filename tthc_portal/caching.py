"""Figures computed from saved data, kept in the cache under a key that names the data's version, so
a change makes a new key and nothing is ever invalidated by hand, and no page can show what was true
before the last save. Each gunicorn worker keeps its own (CACHES, settings): a key that holds a
version is the same in every process, and an entry another worker has not seen yet is computed there
once."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TIMEOUT = 6 * 3600  # an entry nobody asked for in six hours is dropped


def cached(key_parts: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept under the key made of `key_parts` (which must name every input's version)."""
    key = ":".join(str(part) for part in key_parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def plan_key(plan) -> tuple:
    """The parts naming a plan's content as saved: `Plan.mark_changed()` moves the version and the time
    on every change; the decision's id, should one be removed or replaced outside the services."""
    decision = getattr(plan, "decision", None)
    updated = plan.updated_at.timestamp() if plan.updated_at else ""
    return (plan.pk, plan.version, updated, decision.pk if decision is not None else "")


def database_state() -> str | None:
    """A text that names the committed state of the whole database: PostgreSQL's current snapshot
    (`xmin:xmax:ids in progress`). Two statements that get the same text see exactly the same committed
    rows, and any commit in between changes it — so a result computed under one text may be shown
    again while the text is the same, and is never older than the last saved change. None (nothing may
    be kept) on another database, or inside a transaction, whose own uncommitted writes the snapshot
    does not name."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or not settings.STATE_CACHE:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


class StateCache:
    """Results kept in this process, each under its arguments and the database_state() it was computed
    in, at most `size` of them (the oldest is dropped first). Kept as objects, not pickled: a dashboard
    of 300 communes is shown again without copying it."""

    def __init__(self, size: int = 64):
        self.size = size
        self.entries: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        state = database_state()
        if state is None:
            return compute()
        key = (*key, state)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value
