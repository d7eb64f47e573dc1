"""What every background job record shares: its state lives in the database, not only in Redis,
so the page can show it, a failure says why, and a lost job can be found and queued again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)


class JobState(models.TextChoices):
    QUEUED = "queued", "Đang chờ xử lý"
    RUNNING = "running", "Đang xử lý"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class JobRecord(models.Model):
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
    def is_lost(self):
        """Running for longer than any job may run: its worker died (the hard time limit would have
        stopped it otherwise). Such a job may be queued again."""
        limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        return self.state == JobState.RUNNING and self.started_at is not None and timezone.now() - self.started_at > limit

    def mark_queued(self):
        self.state, self.error, self.queued_at = JobState.QUEUED, "", timezone.now()
        self.started_at = self.finished_at = None
        self.save(update_fields=["state", "error", "queued_at", "started_at", "finished_at"])

    def mark_running(self):
        self.state, self.started_at, self.attempts = JobState.RUNNING, timezone.now(), self.attempts + 1
        self.save(update_fields=["state", "started_at", "attempts"])

    def send(self, task, *args):
        """Queue `task(*args)`; a broker that refuses it fails the job with a message instead of
        leaving it queued for ever."""
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not queue %s%s", task.name, args)
            self.mark_failed("Không gửi được yêu cầu tới hàng đợi xử lý. Hãy thử lại sau ít phút.")

    def mark_failed(self, message):
        self.state, self.error, self.finished_at = JobState.FAILED, message, timezone.now()
        self.save(update_fields=["state", "error", "finished_at"])
