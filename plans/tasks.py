"""Plan jobs: thin shells over plans.pdf.services (which the commands and tests call too)."""

from celery import shared_task

from plans.pdf import services
from tthc_portal.jobs import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def render_plan_pdf(plan_id, version=None):
    job = services.render_plan_pdf_now(plan_id=plan_id, version=version)
    return job.state


@shared_task(**RETRY_POLICY)
def prerender_plan_pdf(plan_id, version):
    job = services.prerender_now(plan_id=plan_id, version=version)
    return job.state if job else "skipped"


@shared_task(**RETRY_POLICY)
def sign_plan(plan_id):
    from plans.pdf import signing

    job = signing.sign_plan_now(plan_id=plan_id)
    return job.state
