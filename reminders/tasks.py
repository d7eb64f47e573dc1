"""The daily reminders (Celery beat, REMINDER_HOUR) and their e-mails, retried with back-off."""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from tthc_portal.jobs import RETRY_POLICY

from . import services


@shared_task(**RETRY_POLICY)
def daily():
    """Today's digests (reminders.services.run); returns how many were sent now."""
    return sum(sent for _, _, sent in services.run(timezone.localdate()))


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_digest_email(digest_id):
    return services.deliver(digest_id).email


@shared_task(**RETRY_POLICY)
def resend_failed():
    """Periodic: queue again the e-mails whose task gave up (its retries used up, a worker lost)."""
    count = 0
    for digest in services.unsent_emails():
        send_digest_email.delay(digest.pk)
        count += 1
    return count
