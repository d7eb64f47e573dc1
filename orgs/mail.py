"""E-mail to users through an outbox (orgs.OutgoingEmail): `queue_email` writes the message in the
caller's transaction and sends it by a Celery task after the commit; `deliver` sends one message
unless it was sent already (a row lock: two copies of the task send once), recording a failure and
raising it so that the task retries with back-off. `resend_failed` (periodic) picks up the messages
whose task gave up."""

import logging
from smtplib import SMTPException

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
SEND_ERRORS = (SMTPException, OSError)


def queue_email(*, to, subject, body):
    subject = subject if len(subject) <= 200 else subject[:199] + "…"
    message = OutgoingEmail.objects.create(to=to, subject=subject, body=body)
    transaction.on_commit(lambda: _queue(message.pk), robust=True)
    return message


def _queue(pk):
    from .tasks import send_email

    try:
        send_email.delay(pk)
    except Exception:  # the broker is down: the message stays pending and resend_failed sends it
        logger.exception("Could not queue e-mail %s", pk)


def deliver(pk):
    with transaction.atomic():
        message = OutgoingEmail.objects.select_for_update().get(pk=pk)
        if message.state == OutgoingEmail.State.SENT:
            return message
        message.attempts += 1
        message.save(update_fields=["attempts"])
        try:
            send_mail(message.subject, message.body, None, [message.to])
        except SEND_ERRORS as error:
            message.state, message.error = OutgoingEmail.State.FAILED, str(error)[:1000]
            message.save(update_fields=["state", "error"])
            logger.warning("E-mail %s failed (attempt %s): %s", pk, message.attempts, error)
            failure = error  # raised after the commit, so that the failure stays recorded
        else:
            message.state, message.error, message.sent_at = OutgoingEmail.State.SENT, "", timezone.now()
            message.save(update_fields=["state", "error", "sent_at"])
            failure = None
    if failure is not None:
        raise failure
    return message


def unsent(*, older_than=None):
    """Messages not sent: failed ones, and pending ones older than `older_than` (their task was lost)."""
    from datetime import timedelta

    cutoff = timezone.now() - (older_than or timedelta(minutes=15))
    return OutgoingEmail.objects.filter(state=OutgoingEmail.State.FAILED) | OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.PENDING, created_at__lt=cutoff
    )
