"""Sending the daily digests (reminders.rules): one per user and day, kept as a Digest (a unique
constraint: a second run, or a second scheduler, sends nothing more), shown in the inbox as one line
and sent by e-mail through the outbox (orgs.mail: a Celery task after the commit, retried)."""

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse

from orgs.mail import queue_email
from plans.models import Notification

from . import preferences
from .models import Digest
from .rules import KINDS, digests

logger = logging.getLogger(__name__)


def summary(items):
    counts = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return "; ".join(f"{KINDS[kind]}: {count}" for kind, count in counts.items())


def _wanted(item, wanted):
    """Whether `item` falls within the user's own "days ahead"."""
    if item.kind in ("due_soon", "report_due"):
        return item.days <= wanted.days_ahead
    if item.kind == "no_plan":
        return item.days >= wanted.days_ahead
    return True


def run(today, *, dry_run=False, hour=None):
    """Compute today's digests and (unless `dry_run`) send those not sent yet. With `hour` (the hourly
    beat job), only to the users whose digest time has come. Returns [(user, [item as JSON], sent now)]."""
    found = digests(today, ahead=preferences.MAX_DAYS)
    wanted = preferences.for_users(found)
    result = []
    for user, items in found.items():
        mine = wanted[user.pk]
        items = [item for item in items if _wanted(item, mine)]
        if not items or (hour is not None and hour < mine.hour):
            continue
        data = [{**item.as_json(), "url": item.url, "label": item.label} for item in items]
        sent = False if dry_run else _send(user, today, data, email=mine.email)
        result.append((user, [item.as_json() for item in items], sent))
    return result


def _send(user, day, data, *, email=True):
    """The digest of (user, day), once: False when it exists already."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=day, items=data)
            Notification.objects.create(
                recipient=user,
                plan=None,
                verb=Notification.Verb.REMINDER,
                text=f"Nhắc việc ngày {day:%d/%m/%Y} — {summary(data)}",
                link=reverse("reminders:digest", args=[digest.pk]),
            )
            if email and user.email:
                digest.email_message = queue_email(
                    to=user.email, subject=f"[Cổng KSTTHC] Nhắc việc ngày {day:%d/%m/%Y}", body=email_body(digest)
                )
                digest.save(update_fields=["email_message"])
    except IntegrityError:  # another run sent it (digest_one_per_user_day)
        return False
    return True


def email_body(digest):
    lines = [f"Nhắc việc ngày {digest.day:%d/%m/%Y} trên Cổng kế hoạch kiểm soát TTHC:", ""]
    plan = None
    for item in digest.items:
        if item["plan"] != plan:
            plan = item["plan"]
            lines += ["", plan]
        detail = " · ".join(
            part
            for part in (
                item.get("row") and f"mục {item['row']}",
                item.get("deadline") and f"thời hạn: {item['deadline']}",
                f"{item['days']} ngày" if item.get("days") else "",
            )
            if part
        )
        lines.append(f"- {item['label']}{': ' + detail if detail else ''}")
    return "\n".join(lines).strip()
