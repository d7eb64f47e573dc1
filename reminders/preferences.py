"""Each user's digest settings: their own (reminders.Preference), else their unit's defaults
(reminders.UnitDefault, set by the unit's administrator; the first of their units that has some),
else the site's (REMINDER_DAYS_AHEAD, REMINDER_HOUR, e-mail on)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from orgs.models import Membership

from .models import Preference, UnitDefault

MIN_DAYS, MAX_DAYS = 1, 30
MIN_HOUR, MAX_HOUR = 5, 20


@dataclass(frozen=True)
class Settings:
    email: bool
    days_ahead: int
    hour: int


def site_defaults():
    return Settings(email=True, days_ahead=settings.REMINDER_DAYS_AHEAD, hour=settings.REMINDER_HOUR)


def for_users(users):
    """{user id: Settings} for many users in three queries."""
    users = list(users)
    ids = [user.pk for user in users]
    own = {pref.user_id: pref for pref in Preference.objects.filter(user_id__in=ids)}
    today = timezone.localdate()
    units = {}
    for user_id, unit_id in (
        Membership.objects.filter(user_id__in=ids)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("unit__path")
        .values_list("user_id", "unit_id")
    ):
        units.setdefault(user_id, []).append(unit_id)
    defaults = {
        default.unit_id: default
        for default in UnitDefault.objects.filter(unit_id__in={unit for found in units.values() for unit in found})
    }
    site = site_defaults()
    result = {}
    for user_id in ids:
        base = next((defaults[unit] for unit in units.get(user_id, []) if unit in defaults), None)
        base = Settings(base.email, base.days_ahead, base.hour) if base else site
        pref = own.get(user_id)
        result[user_id] = Settings(
            email=base.email if pref is None or pref.email is None else pref.email,
            days_ahead=base.days_ahead if pref is None or pref.days_ahead is None else pref.days_ahead,
            hour=base.hour if pref is None or pref.hour is None else pref.hour,
        )
    return result
