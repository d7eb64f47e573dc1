"""Report jobs: thin shells over reports.services (which the commands and tests call too)."""

from celery import shared_task

from periods.models import ReportingPeriod
from plans.models import Plan
from tthc_portal.jobs import RETRY_POLICY

from . import services


@shared_task(bind=True, **RETRY_POLICY)
def render_report(self, plan_id, period, version=None, document_id=None):
    """The report (PDF + .xlsx) of a plan for a period code ("9M"), or the báo cáo tổng hợp of the
    ReportDocument `document_id` (plan_id None); idempotent, see services."""
    if plan_id is None:
        from .consolidated_files import render_consolidated_now

        return render_consolidated_now(document_id=document_id, task_id=self.request.id).state
    job = services.render_report_now(plan_id=plan_id, period_code=period, version=version, task_id=self.request.id)
    if job.batch_id is not None and not job.is_active:
        services.advance_batch(batch_id=job.batch_id)  # its place in the batch's chunk is free: the next one
    return job.state


@shared_task(**RETRY_POLICY)
def advance_batches():
    """Periodic: queue the next reports of batches whose chunk emptied without queuing them (a worker
    lost between a report and the next chunk). Returns how many reports it queued."""
    return sum(services.advance_batch(batch_id=batch.pk) for batch in services.unfinished_batches())


@shared_task(**RETRY_POLICY)
def compute_progress(plan_id, period):
    """Store the plan's tally at the cut-off of `period` (a code: "9M") as its ProgressSnapshot;
    running it again replaces the snapshot (one per plan and period). Returns [done, total]."""
    snapshot, _ = services.compute_progress_now(
        plan=Plan.objects.get(pk=plan_id), period=ReportingPeriod.objects.get(code=str(period).upper())
    )
    return [snapshot.done, snapshot.total]


@shared_task(**RETRY_POLICY)
def sign_report(report_id):
    from reports import signing

    job = signing.sign_report_now(report_id=report_id)
    return job.state
