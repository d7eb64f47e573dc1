from celery import shared_task
from django.db import InterfaceError, OperationalError

from plans.pdf import services


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),  # the database was briefly unreachable
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def render_plan_pdf(plan_id, version=None):
    job = services.render_plan_pdf_now(plan_id=plan_id, version=version)
    return job.state
