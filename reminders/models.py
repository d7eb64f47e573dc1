"""The daily digest a user was sent: one per user and day (a unique constraint), so that running the
daily job twice, or on two schedulers, sends once. Its e-mail is sent by a Celery task and its state
kept here: a failed send is recorded and retried, never lost and never sent twice."""

from django.conf import settings
from django.db import models


class Digest(models.Model):
    class Email(models.TextChoices):
        NONE = "none", "Không gửi (không có địa chỉ hoặc đã tắt)"
        PENDING = "pending", "Đang chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi lỗi, sẽ thử lại"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField("ngày")
    items = models.JSONField("các việc cần nhắc", default=list)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    email = models.CharField("thư điện tử", max_length=10, choices=Email.choices, default=Email.NONE)
    email_attempts = models.PositiveSmallIntegerField("số lần gửi thư", default=0)
    email_error = models.TextField("lỗi gửi thư", blank=True)
    emailed_at = models.DateTimeField("gửi thư lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bản nhắc việc hằng ngày"
        verbose_name_plural = "bản nhắc việc hằng ngày"
        ordering = ["-day", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_one_per_user_day")]

    def __str__(self):
        return f"Nhắc việc {self.day:%d/%m/%Y} – {self.user}"


class CalendarFeed(models.Model):
    """A user's personal calendar feed (.ics): the due dates and report cut-offs of their units, at a
    secret URL. Only the token's SHA-256 is kept: the URL is shown once when made, and renewing it makes
    the old one stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_sha256 = models.CharField("SHA-256 của mã bí mật", max_length=64, unique=True)
    created_at = models.DateTimeField("tạo lúc", auto_now=True)

    class Meta:
        verbose_name = "lịch cá nhân (.ics)"
        verbose_name_plural = "lịch cá nhân (.ics)"

    def __str__(self):
        return f"Lịch của {self.user}"
