"""The daily digest a user was sent: one per user and day (a unique constraint), so that running the
daily job twice, or on two schedulers, sends once; the user's calendar feed; their digest settings."""

from django.conf import settings
from django.db import models


class Digest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField("ngày")
    items = models.JSONField("các việc cần nhắc", default=list)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    # Its e-mail (orgs.OutgoingEmail: sent by a task, retried, never twice); none when the user has no
    # address or turned e-mail off.
    email_message = models.ForeignKey(
        "orgs.OutgoingEmail", verbose_name="thư điện tử", null=True, blank=True, on_delete=models.SET_NULL
    )

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


class Preference(models.Model):
    """How one user wants the daily digest; missing fields follow their unit's defaults, then the site's
    (reminders.preferences)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    email = models.BooleanField("gửi thư điện tử", null=True, blank=True)
    days_ahead = models.PositiveSmallIntegerField("nhắc trước (ngày)", null=True, blank=True)
    hour = models.PositiveSmallIntegerField("giờ nhận bản nhắc", null=True, blank=True)

    class Meta:
        verbose_name = "cài đặt nhắc việc của người dùng"
        verbose_name_plural = "cài đặt nhắc việc của người dùng"

    def __str__(self):
        return f"Cài đặt nhắc việc của {self.user}"


class UnitDefault(models.Model):
    """A unit administrator's defaults for the unit's staff (each may set their own)."""

    unit = models.OneToOneField(
        "orgs.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="reminder_default"
    )
    email = models.BooleanField("gửi thư điện tử", default=True)
    days_ahead = models.PositiveSmallIntegerField("nhắc trước (ngày)", default=7)
    hour = models.PositiveSmallIntegerField("giờ nhận bản nhắc", default=7)

    class Meta:
        verbose_name = "cài đặt nhắc việc mặc định của đơn vị"
        verbose_name_plural = "cài đặt nhắc việc mặc định của đơn vị"

    def __str__(self):
        return f"Cài đặt nhắc việc mặc định của {self.unit}"
