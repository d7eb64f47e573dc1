"""The daily reminders (Celery beat, REMINDER_HOUR) and their e-mails, retried with back-off."""

from celery import shared_task
from django.utils import timezone

from tthc_portal.jobs import RETRY_POLICY

from . import services


@shared_task(**RETRY_POLICY)
def daily():
    """Hourly (Celery beat): today's digests of the users whose digest time has come and who have not had
    it yet (reminders.services.run; one per user and day); returns how many were sent now."""
    now = timezone.localtime()
    return sum(sent for _, _, sent in services.run(now.date(), hour=now.hour))
