"""The personal calendar feed (.ics, icalendar): for each unit the user works in, the due dates of
the rows of its plans (this year's, and last year's until its annual report is sent) and its reports'
cut-offs, each an all-day event with an alarm the day before. Read at a secret per-user URL, without
logging in (a phone calendar subscribes to it); it shows nothing but those events."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from orgs.models import Membership
from periods.models import ReportingPeriod
from plans.cascade.coverage import row_key
from tasks.models import Task

from .models import CalendarFeed
from .rules import _active_plans, plan_label


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def renew(user):
    """A new secret token for the user's feed (the old URL stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_sha256": _digest(token)})
    return token


def user_for(token):
    feed = CalendarFeed.objects.select_related("user").filter(token_sha256=_digest(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def _event(uid, day, summary, description, now):
    event = Event()
    event.add("uid", f"{uid}@tthc-portal")
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    return event


def feed_ics(user, *, today=None):
    today = today or timezone.localdate()
    now = datetime.now(tz=timezone.get_current_timezone())
    units = set(
        Membership.objects.filter(user=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("unit_id", flat=True)
    )
    plans = [plan for plan in _active_plans(today) if plan.unit_id in units]
    calendar = Calendar()
    calendar.add("prodid", "-//Cong ke hoach kiem soat TTHC//vi")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Hạn công việc kiểm soát TTHC")
    rows = Task.objects.filter(section__plan__in=plans, first_due__isnull=False, children__isnull=True).select_related(
        "section", "parent"
    )
    by_id = {plan.pk: plan for plan in plans}
    for row in rows:
        plan = by_id[row.section.plan_id]
        for day in row.due_dates:
            due = date.fromisoformat(day)
            calendar.add_component(
                _event(
                    f"row-{row.pk}-{day}",
                    due,
                    f"Hạn: {row.content[:120]}",
                    f"{plan_label(plan)}, mục {row_key(row)}. Thời hạn: {row.deadline_text}",
                    now,
                )
            )
    periods = list(ReportingPeriod.objects.filter(code__in=["Q1", "6M", "9M", "Y"]))
    for plan in plans:
        if not plan.unit.is_commune_level:
            continue
        for period in periods:
            cutoff = period.cutoff(plan.year)
            calendar.add_component(
                _event(
                    f"cutoff-{plan.pk}-{period.code}",
                    cutoff,
                    f"Chốt số liệu báo cáo {period.label_for(plan.year)} – {plan.unit}",
                    f"{plan_label(plan)}: báo cáo {period.label_for(plan.year)} (Nghị định 09/2019).",
                    now,
                )
            )
    return calendar.to_ical()
