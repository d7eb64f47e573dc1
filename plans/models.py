from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from orgs.scoping import units_visible_to
from signing.models import SigningJob
from tthc_portal.jobs import JobRecord, JobState


def default_column_labels():
    return {
        "number": "STT",
        "content": "Nội dung công việc",
        "lead": "Chủ trì",
        "partners": "Phối hợp",
        "deadline": "Thời hạn",
        "product": "Sản phẩm dự kiến",
    }


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit__in=units_visible_to(user))

    def latest_for(self, *, unit, year):
        """The unit's plan of the year: its latest revision, or None."""
        return self.filter(unit=unit, year=year).select_related("unit__parent").order_by("-revision").first()


class Plan(models.Model):
    """A unit's plan for a year: the issuing decision, the task table and its appendices."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        SUBMITTED = "submitted", "Đã gửi thẩm định"
        RETURNED = "returned", "Bị trả lại"
        APPROVED = "approved", "Đã phê duyệt"
        ISSUED = "issued", "Đã ban hành"

    unit = models.ForeignKey("orgs.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField("năm")
    revision = models.PositiveSmallIntegerField("lần ban hành", default=1)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every change to the plan's content; generated documents are keyed by it.
    version = models.PositiveIntegerField("phiên bản nội dung", default=1)
    table_heading = models.CharField("tiêu đề bảng", max_length=200, default="KẾ HOẠCH")
    table_title = models.TextField("tên kế hoạch", blank=True)
    table_attachment_line = models.TextField("dòng ban hành kèm theo", blank=True)
    column_labels = models.JSONField("tên cột", default=default_column_labels)
    source = models.CharField("nguồn", max_length=200, blank=True, help_text="Tệp gốc khi được nhập.")
    submitted_at = models.DateTimeField("gửi thẩm định lúc", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = PlanQuerySet.as_manager()

    history = HistoricalRecords(verbose_name="lịch sử kế hoạch", verbose_name_plural="lịch sử kế hoạch")

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "revision"], name="plan_unit_year_revision")]

    def __str__(self):
        return f"Kế hoạch năm {self.year} – {self.unit}"

    def mark_changed(self):
        """Every change to a plan's content bumps its version: documents rendered before are stale."""
        Plan.objects.filter(pk=self.pk).update(version=models.F("version") + 1, updated_at=timezone.now())
        self.refresh_from_db(fields=["version", "updated_at"])
        from plans.pdf.services import prerender_when_settled  # plans.pdf imports this module

        prerender_when_settled(self)


class PlanTransition(models.Model):
    """One step of a plan's workflow: who moved it from which state to which, when, why."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("từ trạng thái", max_length=10, choices=Plan.Status.choices)
    to_status = models.CharField("sang trạng thái", max_length=10, choices=Plan.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, on_delete=models.SET_NULL
    )
    comment = models.TextField("ý kiến", blank=True)
    plan_version = models.PositiveIntegerField("phiên bản nội dung")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "chuyển trạng thái"
        verbose_name_plural = "lịch sử chuyển trạng thái"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "created_at"])]

    def __str__(self):
        return f"{self.plan}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Decision(models.Model):
    """The document that issues the plan: a Quyết định, or (province plans) the Kế hoạch itself."""

    _history_user: Any  # set before a save: django-simple-history records who changed it

    class Kind(models.TextChoices):
        DECISION = "decision", "Quyết định ban hành kế hoạch"
        PLAN = "plan", "Kế hoạch ban hành trực tiếp"

    plan = models.OneToOneField(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="decision")
    kind = models.CharField("loại văn bản", max_length=10, choices=Kind.choices, default=Kind.DECISION)
    governing_body = models.CharField("cơ quan chủ quản", max_length=200, blank=True)
    issuing_body = models.CharField("cơ quan ban hành", max_length=200)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    number_suffix = models.CharField("ký hiệu", max_length=40, default="QĐ-UBND")
    place = models.CharField("địa danh", max_length=100)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    date_month = models.PositiveSmallIntegerField(
        "tháng (khi chưa có ngày)", null=True, blank=True, help_text="Khi chỉ ghi tháng: “ngày … tháng 01 năm 2024”."
    )
    doc_type = models.CharField("tên loại văn bản", max_length=50, default="QUYẾT ĐỊNH")
    summary = models.TextField("trích yếu")
    authority = models.CharField("thẩm quyền ban hành", max_length=300, blank=True)
    preamble = models.TextField("phần mở đầu", blank=True)
    proposal = models.TextField("theo đề nghị của", blank=True)
    signer_prefix = models.CharField("quyền hạn ký", max_length=10, blank=True, help_text="TM., KT., Q., TL.")
    signer_title = models.CharField("chức vụ người ký", max_length=200, default="CHỦ TỊCH")
    signer_name = models.CharField("họ tên người ký", max_length=150, blank=True)
    footnotes = models.JSONField("chú thích", default=list, blank=True)
    # Bumped by each change to the decision's own fields through plans.editing.services: a form loaded at
    # revision n is refused when the stored one is no longer n (optimistic locking).
    revision = models.PositiveIntegerField("lần sửa", default=1, editable=False)

    history = HistoricalRecords(verbose_name="lịch sử quyết định", verbose_name_plural="lịch sử quyết định")

    class Meta:
        verbose_name = "quyết định"
        verbose_name_plural = "quyết định"

    def __str__(self):
        return f"{self.doc_type} {self.number_text}"

    @property
    def number_text(self):
        """ "05/QĐ-UBND" (numbers below 10 get a leading zero), blank when not yet numbered."""
        return f"{self.number:02d}/{self.number_suffix}" if self.number else f"     /{self.number_suffix}"


class LegalBasis(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField("thứ tự")
    text = models.TextField("căn cứ")

    history = HistoricalRecords(verbose_name="lịch sử căn cứ", verbose_name_plural="lịch sử căn cứ")

    class Meta:
        verbose_name = "căn cứ"
        verbose_name_plural = "căn cứ"
        ordering = ["order"]

    def __str__(self):
        return self.text[:80]


class Article(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="articles")
    order = models.PositiveSmallIntegerField("thứ tự")
    label = models.CharField("số điều", max_length=20, help_text="“Điều 1.”, hoặc “I.” với kế hoạch.")
    heading = models.CharField("tên điều", max_length=300, blank=True)
    body = models.TextField("nội dung", blank=True)
    clauses = models.JSONField("các khoản", default=list, blank=True)

    history = HistoricalRecords(verbose_name="lịch sử điều", verbose_name_plural="lịch sử điều")

    class Meta:
        verbose_name = "điều"
        verbose_name_plural = "các điều"
        ordering = ["order"]

    def __str__(self):
        return f"{self.label} {self.heading}".strip()


class Recipient(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recipients")
    order = models.PositiveSmallIntegerField("thứ tự")
    text = models.CharField("nơi nhận", max_length=300)
    group = models.CharField("mục đích", max_length=100, blank=True, help_text="Để báo cáo, Để phối hợp …")
    level = models.PositiveSmallIntegerField("cấp", default=1)

    history = HistoricalRecords(verbose_name="lịch sử nơi nhận", verbose_name_plural="lịch sử nơi nhận")

    class Meta:
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"
        ordering = ["order"]

    def __str__(self):
        return self.text


class Appendix(models.Model):
    """A plan's appendix: the list of fields (lĩnh vực) to review, with procedure counts and deadlines."""

    class Kind(models.TextChoices):
        REVIEW_FIELDS = "review_fields", "Danh sách lĩnh vực rà soát"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="appendices")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices, default=Kind.REVIEW_FIELDS)
    heading = models.CharField("tiêu đề", max_length=100, default="PHỤ LỤC")
    title = models.TextField("tên phụ lục")
    attachment_line = models.TextField("dòng kèm theo", blank=True)
    column_labels = models.JSONField("tên cột", default=dict)
    note = models.TextField("ghi chú", blank=True)

    history = HistoricalRecords(verbose_name="lịch sử phụ lục", verbose_name_plural="lịch sử phụ lục")

    class Meta:
        verbose_name = "phụ lục"
        verbose_name_plural = "phụ lục"
        ordering = ["order"]

    def __str__(self):
        return self.title


class AppendixRow(models.Model):
    appendix = models.ForeignKey(Appendix, on_delete=models.CASCADE, related_name="rows")
    order = models.PositiveSmallIntegerField("thứ tự")
    number = models.CharField("số TT", max_length=10, blank=True)
    field_name = models.CharField("lĩnh vực", max_length=300)
    procedure_count = models.PositiveIntegerField("số thủ tục", null=True, blank=True)
    deadline_text = models.CharField("thời gian hoàn thành", max_length=300, blank=True)

    history = HistoricalRecords(verbose_name="lịch sử dòng phụ lục", verbose_name_plural="lịch sử dòng phụ lục")

    class Meta:
        verbose_name = "dòng phụ lục"
        verbose_name_plural = "dòng phụ lục"
        ordering = ["order"]

    def __str__(self):
        return self.field_label

    @property
    def field_label(self):
        """As printed: "Lĩnh vực thủy lợi (3)"."""
        if self.procedure_count is None:
            return self.field_name
        return f"{self.field_name} ({self.procedure_count})"


def plan_pdf_path(instance, filename):
    return f"plans/{instance.plan.unit.slug}/{instance.plan.year}/{filename}"


class PlanPdf(JobRecord):
    """The rendered decision + plan + appendix for one version of a plan (one per version)."""

    job_name = "plan_pdf"

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="pdfs")
    plan_version = models.PositiveIntegerField("phiên bản")
    file = models.FileField("tệp PDF", upload_to=plan_pdf_path, blank=True)
    pages = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "bản PDF kế hoạch"
        verbose_name_plural = "bản PDF kế hoạch"
        constraints = [models.UniqueConstraint(fields=["plan", "plan_version"], name="planpdf_one_per_version")]

    def __str__(self):
        return f"PDF {self.plan} (phiên bản {self.plan_version})"

    @property
    def is_ready(self):
        return self.state == JobState.DONE and bool(self.file)

    def queue(self):
        from plans.tasks import render_plan_pdf  # the Celery task is a thin shell over plans.pdf.services

        self.send(render_plan_pdf, self.plan_id, self.plan_version)


class PlanComment(models.Model):
    """A reviewer's remark on a plan, or on one row of its table, and the answers to it.

    A thread is a top-level comment (parent empty) with its answers (parent = the top-level comment);
    only a top-level comment is resolved."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name="dòng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="Trống: ý kiến về toàn bộ kế hoạch.",
    )
    # What the row said when the comment was made: a comment outlives a deleted row.
    task_label = models.CharField("dòng (khi góp ý)", max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="trả lời cho", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người viết", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("nội dung")
    plan_version = models.PositiveIntegerField("phiên bản nội dung", null=True, blank=True)
    resolved_at = models.DateTimeField("đã xử lý lúc", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đánh dấu đã xử lý",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến"
        verbose_name_plural = "ý kiến thẩm định"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "task"])]

    def __str__(self):
        return f"{self.author}: {self.text[:60]}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class Notification(models.Model):
    """One line in a user's inbox (hộp thư); the same news may also go out by e-mail."""

    class Verb(models.TextChoices):
        SUBMITTED = "submitted", "gửi thẩm định"
        RETURNED = "returned", "trả lại"
        APPROVED = "approved", "phê duyệt"
        ISSUED = "issued", "ban hành"
        REOPENED = "reopened", "mở lại"
        COMMENTED = "commented", "góp ý"
        REPORT_SENT = "report", "gửi báo cáo"
        REMINDER = "reminder", "nhắc việc"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="notifications"
    )
    # None for a line about several plans (the daily reminder digest, reminders.services), which opens `link`.
    plan = models.ForeignKey(
        Plan, verbose_name="kế hoạch", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    link = models.CharField("mở trang", max_length=300, blank=True)
    verb = models.CharField("việc", max_length=10, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("nội dung")
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text[:80]

    @property
    def is_read(self):
        return self.read_at is not None


class SignedPlan(SigningJob):
    """The issued decision with its plan and appendices, rendered and signed by the signer who issued it
    and by the unit (Nghị định 30/2020, Phụ lục I, part II): one per plan revision, never changed
    after; a change to an issued plan is a new revision with its own decision and its own signing."""

    job_name = "plan_signature"

    plan = models.OneToOneField(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="signed")
    # Signed outside the portal (the signer's own software and USB token): the final unsigned PDF the
    # portal issued, kept so that the signed file uploaded back can be checked against it byte for byte.
    unsigned_file = models.FileField("bản cuối chưa ký", upload_to="signing/unsigned/", blank=True, max_length=300)
    unsigned_sha256 = models.CharField("SHA-256 bản chưa ký", max_length=64, blank=True)

    class Meta:
        verbose_name = "văn bản ký số của kế hoạch"
        verbose_name_plural = "văn bản ký số của kế hoạch"

    def __str__(self):
        return f"Văn bản ký số – {self.plan}"

    def queue(self):
        from plans.tasks import sign_plan

        self.send(sign_plan, self.plan_id)
