"""Report jobs: thin shells over reports.services (which the commands and tests call too)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

DATABASE_ERRORS = (OperationalError, InterfaceError)  # the database was briefly unreachable


@shared_task(bind=True, autoretry_for=DATABASE_ERRORS, retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)
def render_report(self, plan_id, period, version=None):
    """The report (PDF + .xlsx) of a plan for a period code ("9M"); idempotent, see services."""
    job = services.render_report_now(plan_id=plan_id, period_code=period, version=version, task_id=self.request.id)
    return job.state


@shared_task(autoretry_for=DATABASE_ERRORS, retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)
def recover_lost_jobs():
    """Periodic (Celery beat, e.g. every 5 minutes): re-send plan PDF and report jobs whose message
    was lost, from their state in the database."""
    return services.recover_lost_jobs()
