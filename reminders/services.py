"""Sending the daily digests (reminders.rules): one per user and day, kept as a Digest (a unique
constraint: a second run, or a second scheduler, sends nothing more), shown in the inbox as one line
and sent by e-mail through a Celery task (reminders.tasks.send_digest_email) after the commit."""

import logging
from smtplib import SMTPException

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from plans.models import Notification

from .models import Digest
from .rules import KINDS, digests

logger = logging.getLogger(__name__)


def summary(items):
    counts = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return "; ".join(f"{KINDS[kind]}: {count}" for kind, count in counts.items())


def run(today, *, dry_run=False):
    """Compute today's digests and (unless `dry_run`) send those not sent yet. Returns
    [(user, [item as JSON], sent now)]."""
    found = digests(today)
    result = []
    for user, items in found.items():
        data = [{**item.as_json(), "url": item.url, "label": item.label} for item in items]
        sent = False if dry_run else _send(user, today, data)
        result.append((user, [item.as_json() for item in items], sent))
    return result


def _send(user, day, data):
    """The digest of (user, day), once: False when it exists already."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                user=user,
                day=day,
                items=data,
                email=Digest.Email.PENDING if user.email else Digest.Email.NONE,
            )
            Notification.objects.create(
                recipient=user,
                plan=None,
                verb=Notification.Verb.REMINDER,
                text=f"Nhắc việc ngày {day:%d/%m/%Y} — {summary(data)}",
                link=reverse("reminders:digest", args=[digest.pk]),
            )
            if digest.email == Digest.Email.PENDING:
                from .tasks import send_digest_email

                transaction.on_commit(lambda: send_digest_email.delay(digest.pk))
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


def deliver(digest_id):
    """Send the digest's e-mail unless it was sent already; SMTPException / OSError propagate (the task
    retries) after the failure is recorded."""
    with transaction.atomic():
        digest = Digest.objects.select_for_update().select_related("user").get(pk=digest_id)
        if digest.email != Digest.Email.PENDING and digest.email != Digest.Email.FAILED:
            return digest
        digest.email_attempts += 1
        digest.save(update_fields=["email_attempts"])
    try:
        send_mail(
            f"[Cổng KSTTHC] Nhắc việc ngày {digest.day:%d/%m/%Y}",
            email_body(digest),
            None,
            [digest.user.email],
        )
    except (SMTPException, OSError) as error:
        Digest.objects.filter(pk=digest.pk).update(email=Digest.Email.FAILED, email_error=str(error)[:1000])
        logger.warning("Digest %s e-mail failed (attempt %s): %s", digest.pk, digest.email_attempts, error)
        raise
    Digest.objects.filter(pk=digest.pk).update(email=Digest.Email.SENT, email_error="", emailed_at=timezone.now())
    digest.refresh_from_db()
    return digest


def unsent_emails():
    return Digest.objects.filter(email=Digest.Email.FAILED)
