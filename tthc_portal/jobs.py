"""What every background job shares.

- Its state lives in the database (JobRecord), not only in Redis, so the page can show it, a failure
  says why, and a lost job can be found and queued again.
- One retry policy (RETRY_POLICY): a database that is briefly unreachable is retried with back-off.
- Lost jobs are recovered from their state (`recover_lost_jobs`, `manage.py recover_jobs`, and the
  periodic task `tthc_portal.jobs.recover` that Celery beat runs every five minutes): each concrete
  JobRecord model says how to send its job again (`queue()`), so this module knows no app's models.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# Every job's Celery options: retried with exponential back-off (5 s … 5 min, jittered) when the
# database was briefly unreachable, five times at most.
RETRY_POLICY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}

# A job queued for longer than this is sent again by recover_lost_jobs.
QUEUED_GRACE = timedelta(minutes=15)


class JobState(models.TextChoices):
    QUEUED = "queued", "Đang chờ xử lý"
    RUNNING = "running", "Đang xử lý"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"
    # Stopped until a person acts (a signer authorising a remote signature): neither lost nor failed.
    WAITING = "waiting", "Chờ người dùng xác nhận"


def running_limit():
    """Running for longer than any job may run (the hard time limit + 60 s): its worker died."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


class JobRecord(models.Model):
    """The state of one background job. A concrete model names its kind (`job_name`) and sends its own
    Celery task in `queue()`, through `send()`."""

    job_name = ""  # "plan_pdf", "report": the key recover_lost_jobs counts it under

    state = models.CharField("trạng thái", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    error = models.TextField("lỗi", blank=True)
    attempts = models.PositiveIntegerField("số lần chạy", default=0)
    queued_at = models.DateTimeField("thời điểm yêu cầu", default=timezone.now)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self):
        return self.state in {JobState.QUEUED, JobState.RUNNING} and not self.is_lost

    @property
    def is_failed(self):
        return self.state == JobState.FAILED

    @property
    def is_lost(self):
        """Running for longer than any job may run: its worker died (the hard time limit would have
        stopped it otherwise). Such a job may be queued again."""
        return (
            self.state == JobState.RUNNING
            and self.started_at is not None
            and timezone.now() - self.started_at > running_limit()
        )

    def mark_queued(self):
        self.state, self.error, self.queued_at = JobState.QUEUED, "", timezone.now()
        self.started_at = self.finished_at = None
        self.save(update_fields=["state", "error", "queued_at", "started_at", "finished_at"])

    def mark_running(self):
        self.state, self.started_at, self.attempts = JobState.RUNNING, timezone.now(), self.attempts + 1
        self.save(update_fields=["state", "started_at", "attempts"])

    def mark_failed(self, message):
        self.state, self.error, self.finished_at = JobState.FAILED, message, timezone.now()
        self.save(update_fields=["state", "error", "finished_at"])

    def send(self, task, *args):
        """Queue `task(*args)`; a broker that refuses it fails the job with a message instead of
        leaving it queued for ever."""
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not queue %s%s", task.name, args)
            self.mark_failed("Không gửi được yêu cầu tới hàng đợi xử lý. Hãy thử lại sau ít phút.")


def job_models():
    """Every concrete JobRecord model of the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, JobRecord)]


def recover_lost_jobs(*, queued_for=QUEUED_GRACE, running_for=None, now=None):
    """Send again the jobs whose message was lost: queued for longer than `queued_for`, or running for
    longer than `running_for` (default: running_limit() — the worker died). Their state in PostgreSQL
    is the truth; a copy of a message that is still in Redis does no harm (each job keeps a finished
    record and leaves a running one to its task). Returns {job_name: how many were sent again}."""
    now = now or timezone.now()
    running_for = running_limit() if running_for is None else running_for
    stale = Q(state=JobState.QUEUED, queued_at__lt=now - queued_for) | Q(
        state=JobState.RUNNING, started_at__lt=now - running_for
    )
    recovered = {}
    for model in job_models():
        recovered[model.job_name] = 0
        for pk in model.objects.filter(stale).values_list("pk", flat=True):
            with transaction.atomic():
                job = model.objects.select_for_update().filter(stale, pk=pk).first()
                if job is None:  # picked up meanwhile
                    continue
                job.mark_queued()
                transaction.on_commit(job.queue)
            logger.warning("Re-queued lost %s job %s", model.job_name, pk)
            recovered[model.job_name] += 1
    return recovered


@shared_task(**RETRY_POLICY)
def recover():
    """Periodic (Celery beat, every five minutes): re-send the jobs whose message was lost."""
    return recover_lost_jobs()
