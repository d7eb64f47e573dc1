from django.conf import settings
from django.db import models
from django.db.models import Q

from periods.models import ReportingPeriod
from signing.models import SigningJob
from tthc_portal.jobs import JobRecord, JobState


class ReportWriting(models.Model):
    """What a báo cáo's writers set, as printed (Nghị định 30/2020): its number and date, the narrative
    (a first draft comes from the data), Nơi nhận and the signer. A commune's Report and a reviewer
    unit's ConsolidatedReport both carry it."""

    NARRATIVE_FIELDS = ("introduction", "results", "kpi_summary", "late_items", "shortcomings", "next_steps")

    number = models.PositiveIntegerField("số", null=True, blank=True)
    number_suffix = models.CharField("ký hiệu", max_length=40, default="BC-UBND")
    issued_on = models.DateField("ngày", null=True, blank=True)
    place = models.CharField(
        "địa danh", max_length=100, blank=True, help_text="Trống: lấy theo văn bản ban hành kế hoạch."
    )
    summary = models.TextField(
        "trích yếu", blank=True, help_text="Trống: “Kết quả thực hiện công tác kiểm soát thủ tục hành chính …”."
    )
    # The narrative, in the order it prints. Empty fields get a draft from the data (never over an edit).
    introduction = models.TextField("mở đầu", blank=True)
    results = models.TextField("kết quả thực hiện", blank=True)
    kpi_summary = models.TextField("kết quả thực hiện các chỉ tiêu", blank=True)
    late_items = models.TextField("nội dung chậm, chưa thực hiện", blank=True)
    shortcomings = models.TextField("tồn tại, hạn chế", blank=True)
    next_steps = models.TextField("nhiệm vụ, giải pháp thời gian tới", blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận; dòng cuối “Lưu: VT, VP.”.")
    signer_prefix = models.CharField("quyền hạn ký", max_length=10, blank=True, help_text="TM., KT., Q., TL.")
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    signer_name = models.CharField("họ tên người ký", max_length=150, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True, null=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def number_text(self):
        """ "05/BC-UBND", or the blank left for the number ("      /BC-UBND") before it is issued."""
        return f"{self.number:02d}/{self.number_suffix}" if self.number else f"      /{self.number_suffix}"


class Report(ReportWriting):
    """A báo cáo for one plan and period: its writing (ReportWriting) and the appendix's wording."""

    plan = models.ForeignKey("plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    appendix_heading = models.CharField("tiêu đề phụ lục", max_length=100, blank=True)
    appendix_title = models.TextField("tên phụ lục", blank=True)
    appendix_attachment_line = models.TextField("dòng kèm theo", blank=True)
    result_column = models.CharField("tên cột kết quả", max_length=200, blank=True)

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="report_one_per_plan_period")]

    def __str__(self):
        return f"Báo cáo {self.period.label_for(self.plan.year)} – {self.plan.unit}"

    @property
    def period_label(self):
        return self.period.label_for(self.plan.year)


class ConsolidatedReport(ReportWriting):
    """The báo cáo tổng hợp of a reviewer's unit for a year and period (reports.consolidated): its
    writing, kept so that it can be edited and printed; the figures are always computed afresh."""

    unit = models.ForeignKey("orgs.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "báo cáo tổng hợp"
        verbose_name_plural = "báo cáo tổng hợp"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period"], name="consolidated_one_per_unit_period")
        ]

    def __str__(self):
        return f"Báo cáo tổng hợp {self.period_label} – {self.unit}"

    @property
    def period_label(self):
        return self.period.label_for(self.year)


class ReportBatch(models.Model):
    """A reviewer's one action: the period's reports of every commune below a unit."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="report_batches"
    )
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("năm")
    # How many communes' reports the batch makes: their jobs are queued a chunk at a time
    # (reports.services.advance_batch), so the ones not queued yet have no document yet.
    planned = models.PositiveIntegerField("số báo cáo", default=0)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lượt tạo báo cáo hàng loạt"
        verbose_name_plural = "lượt tạo báo cáo hàng loạt"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Báo cáo {self.period.label_for(self.year)} – các xã thuộc {self.unit}"

    def counts(self):
        """{"total", "done", "failed", "active", "finished", "percent"} over the batch (one query): the
        reports not queued yet count as active."""
        by_state = dict(
            self.documents.order_by().values("state").annotate(n=models.Count("pk")).values_list("state", "n")
        )
        done = by_state.get(JobState.DONE, 0)
        failed = by_state.get(JobState.FAILED, 0)
        total = max(self.planned, sum(by_state.values()))
        finished = done + failed
        return {
            "total": total,
            "done": done,
            "failed": failed,
            "active": total - finished,
            "finished": finished,
            "percent": round(100 * finished / total) if total else 100,
        }


def report_file_path(instance, filename):
    if instance.plan_id is None:  # a báo cáo tổng hợp
        return f"reports/{instance.unit.slug}/{instance.year}/{filename}"
    return f"reports/{instance.plan.unit.slug}/{instance.plan.year}/{filename}"


class ReportDocument(JobRecord):
    """The rendered report (PDF + .xlsx): a commune's for one plan, period and plan version, or a
    reviewer unit's báo cáo tổng hợp for one unit, year, period and data version (a digest of what it
    sums: reports.consolidated_files.data_version). One per key."""

    job_name = "report"

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name="kế hoạch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_documents",
    )
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    plan_version = models.PositiveIntegerField("phiên bản kế hoạch", default=0)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="đơn vị (báo cáo tổng hợp)",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    data_version = models.CharField("phiên bản số liệu", max_length=40, blank=True)
    file_pdf = models.FileField("tệp PDF", upload_to=report_file_path, blank=True, max_length=255)
    file_xlsx = models.FileField("tệp Excel", upload_to=report_file_path, blank=True, max_length=255)
    pages = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        ReportBatch,
        verbose_name="lượt tạo hàng loạt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    # The Celery task that holds the job while it is RUNNING: a retry or a redelivery of that same
    # task may take it over; another copy of the message leaves it alone (reports.services._claim).
    task_id = models.CharField("mã tác vụ", max_length=64, blank=True)

    class Meta:
        verbose_name = "tệp báo cáo"
        verbose_name_plural = "tệp báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["plan", "period", "plan_version"], name="reportdocument_one_per_key"),
            models.UniqueConstraint(
                fields=["unit", "year", "period", "data_version"],
                condition=Q(unit__isnull=False),
                name="reportdocument_consolidated_one_per_key",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=False, unit__isnull=True)
                | Q(plan__isnull=True, unit__isnull=False, year__isnull=False),
                name="reportdocument_plan_or_unit",
            ),
        ]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self):
        if self.plan_id is None:
            return f"Báo cáo tổng hợp {self.period.label_for(self.year)} – {self.unit}"
        return f"Báo cáo {self.period.label_for(self.plan.year)} – {self.plan.unit} (phiên bản {self.plan_version})"

    @property
    def is_consolidated(self):
        return self.plan_id is None

    @property
    def is_ready(self):
        return self.state == JobState.DONE and bool(self.file_pdf)

    def mark_queued(self):
        """Queued again: no task holds it any more (the next one to run claims it)."""
        self.task_id = ""
        self.save(update_fields=["task_id"])
        super().mark_queued()

    def queue(self):
        from reports.tasks import render_report  # the Celery task is a thin shell over reports.services

        if self.is_consolidated:
            self.send(render_report, None, self.period.code, None, self.pk)
        else:
            self.send(render_report, self.plan_id, self.period.code, self.plan_version)


class ProgressSnapshot(models.Model):
    """The tally of a plan at a period's cut-off, as last computed (reports.tasks.compute_progress)."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="progress_snapshots"
    )
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    plan_version = models.PositiveIntegerField("phiên bản kế hoạch")
    total = models.PositiveIntegerField("tổng nội dung")
    done = models.PositiveIntegerField("đã thực hiện")
    rate = models.DecimalField("tỷ lệ hoàn thành (%)", max_digits=9, decimal_places=5)
    by_status = models.JSONField("theo tình trạng", default=dict)
    late = models.JSONField("nội dung chậm", default=list)
    computed_at = models.DateTimeField("tính lúc")

    class Meta:
        verbose_name = "số liệu tiến độ"
        verbose_name_plural = "số liệu tiến độ"
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="progresssnapshot_one_per_plan_period")]

    def __str__(self):
        return f"{self.plan} – {self.period}: {self.done}/{self.total}"


class PlanChange(models.Model):
    """How many times the rows, the progress or the KPI targets of a plan have changed. Kept by the
    database itself — triggers on tasks_task, tasks_taskprogress and indicators_plantarget (migrations
    0006_plan_change_triggers, 0013_plan_change_statement_triggers) count every change, whichever path
    wrote it (services, bulk loads, the admin), once per statement and plan on PostgreSQL — and never
    written by Django. `plan_id` is a plain number, not a foreign key: a plan being deleted
    may still bump it while its rows go."""

    plan_id = models.BigIntegerField(primary_key=True)
    epoch = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "số lần thay đổi của kế hoạch"
        verbose_name_plural = "số lần thay đổi của kế hoạch"

    def __str__(self):
        return f"Kế hoạch {self.plan_id}: {self.epoch}"


class PlanFigures(models.Model):
    """The dashboard's figures of one plan, as computed at `epoch` (PlanChange): its leaf rows, the
    earliest due date of each leaf without a result (`open_due`: ISO date → rows, so the overdue count
    of any day is a sum), and its KPI targets weaker than the higher level's. Figures whose epoch is not
    the plan's current one are computed again before they are shown (reports.dashboard)."""

    plan = models.OneToOneField(
        "plans.Plan", verbose_name="kế hoạch", primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    epoch = models.PositiveBigIntegerField()
    leaf_rows = models.PositiveIntegerField("số nội dung")
    open_due = models.JSONField("hạn của các nội dung chưa có kết quả", default=dict)
    kpi_below = models.PositiveIntegerField("chỉ tiêu thấp hơn cấp trên giao")
    # open_due summed for one cut-off day (today, as the dashboard counts): the national summary adds
    # these up without reading every plan's open_due.
    overdue_on = models.DateField("quá hạn tính đến ngày", null=True, blank=True)
    overdue_count = models.PositiveIntegerField("số nội dung quá hạn", default=0)
    computed_at = models.DateTimeField("tính lúc", auto_now=True)
    # The plan's PlanChange, joined in the same read (no column: PlanChange.plan_id is a plain number).
    change = models.ForeignObject(
        PlanChange,
        on_delete=models.DO_NOTHING,
        from_fields=["plan"],
        to_fields=["plan_id"],
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "số liệu bảng điều khiển"
        verbose_name_plural = "số liệu bảng điều khiển"

    def __str__(self):
        return f"Số liệu {self.plan_id} (lần {self.epoch})"

    def overdue_rows(self, cutoff):
        """Leaf rows with a due date before `cutoff` (a date) and no result."""
        limit = cutoff.isoformat()
        return sum(count for due, count in self.open_due.items() if due < limit)


class SignedReport(SigningJob):
    """A báo cáo signed by the unit's signer and by the unit, then sent to the reviewers above ("Ký và
    gửi"): one per report; the report cannot change after it (reports.services refuses edits)."""

    job_name = "report_signature"

    report = models.OneToOneField(Report, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="signed")

    class Meta:
        verbose_name = "báo cáo đã ký số"
        verbose_name_plural = "báo cáo đã ký số"

    def __str__(self):
        return f"Báo cáo đã ký số – {self.report_id}"

    def queue(self):
        from reports.tasks import sign_report

        self.send(sign_report, self.report_id)
