"""Figures computed from saved data, kept in the cache under a key that names the data's version, so
a change makes a new key and nothing is ever invalidated by hand, and no page can show what was true
before the last save. Each gunicorn worker keeps its own (CACHES, settings): a key that holds a
version is the same in every process, and an entry another worker has not seen yet is computed there
once."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

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
