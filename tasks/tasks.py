"""Progress jobs: thin shells over service functions that the commands and tests call too."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from plans.models import Plan
from reports.models import ReportingPeriod
from reports.services import compute_progress_now


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),  # the database was briefly unreachable
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def compute_progress(plan_id, period):
    """Store the plan's tally at the cut-off of `period` (a code: "9M") as its ProgressSnapshot;
    running it again replaces the snapshot (one per plan and period). Returns [done, total]."""
    snapshot, _ = compute_progress_now(
        plan=Plan.objects.get(pk=plan_id), period=ReportingPeriod.objects.get(code=str(period).upper())
    )
    return [snapshot.done, snapshot.total]
