"""Sending the outbox's e-mails (orgs.mail)."""

from celery import shared_task

from tthc_portal.jobs import RETRY_POLICY

from . import mail


@shared_task(autoretry_for=mail.SEND_ERRORS, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, max_retries=8)
def send_email(pk):
    return mail.deliver(pk).state


@shared_task(**RETRY_POLICY)
def resend_failed():
    """Periodic (Celery beat, hourly): send again the messages whose task gave up or was lost."""
    count = 0
    for message in mail.unsent():
        send_email.delay(message.pk)
        count += 1
    return count
