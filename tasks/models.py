from datetime import date

from django.db import models

from .deadlines import KINDS, Deadline, parse_deadline

DEADLINE_KIND_CHOICES = [
    ("fixed", "Một thời hạn"),
    ("recurring", "Định kỳ"),
    ("ongoing", "Thường xuyên"),
    ("on_demand", "Khi có phát sinh"),
    ("per_plan", "Theo kế hoạch riêng"),
    ("unknown", "Không xác định"),
]
assert [kind for kind, _ in DEADLINE_KIND_CHOICES] == list(KINDS)


class RowCells(models.Model):
    """The cells a plan row carries, as printed: lead, partners, deadline and expected product."""

    lead = models.TextField("chủ trì", blank=True)
    partners = models.TextField("phối hợp", blank=True)
    deadline_text = models.TextField("thời hạn", blank=True)
    product = models.TextField("sản phẩm dự kiến", blank=True)
    # What the deadline text means, parsed with the plan's year (tasks.deadlines).
    deadline_kind = models.CharField("loại thời hạn", max_length=10, choices=DEADLINE_KIND_CHOICES, default="unknown")
    due_dates = models.JSONField("các ngày đến hạn", default=list, blank=True)

    class Meta:
        abstract = True

    def set_deadline(self, text, year):
        parsed = parse_deadline(text, year)
        self.deadline_text = text
        self.deadline_kind = parsed.kind
        self.due_dates = [d.isoformat() for d in parsed.due_dates]
        return parsed

    @property
    def deadline(self):
        """The stored meaning of the deadline (kind, due dates, describe())."""
        return Deadline(
            kind=self.deadline_kind, dates=tuple(date.fromisoformat(d) for d in self.due_dates), text=self.deadline_text
        )


class Section(RowCells):
    plan = models.ForeignKey("plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("thứ tự")
    number = models.CharField("số mục", max_length=10, help_text="I, II, III …")
    title = models.TextField("tên mục")

    class Meta:
        verbose_name = "mục"
        verbose_name_plural = "các mục"
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def has_cells(self):
        return any([self.lead, self.partners, self.deadline_text, self.product])


class Task(RowCells):
    """A row of the plan table (nội dung công việc), or a sub-item of one."""

    section = models.ForeignKey(Section, verbose_name="mục", on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc nội dung", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    number = models.CharField("số TT", max_length=20, blank=True, help_text="Như in: “1”, “2.1”, “3.”, “-” cho gạch đầu dòng.")
    content = models.TextField("nội dung công việc")

    class Meta:
        verbose_name = "nội dung công việc"
        verbose_name_plural = "nội dung công việc"
        ordering = ["section", "order"]
        indexes = [models.Index(fields=["section", "parent", "order"])]

    def __str__(self):
        return f"{self.number} {self.content[:60]}".strip()

    @property
    def is_bullet(self):
        return self.number == "-"


class TaskProgress(models.Model):
    """What was done on a row by a reporting period's cut-off."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Chưa thực hiện"
        IN_PROGRESS = "in_progress", "Đang thực hiện"
        DONE = "done", "Đã thực hiện"
        NOT_ARISEN = "not_arisen", "Không phát sinh"

    task = models.ForeignKey(Task, verbose_name="nội dung", on_delete=models.CASCADE, related_name="progress")
    period = models.ForeignKey("reports.ReportingPeriod", verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    status = models.CharField("tình trạng", max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    result_text = models.TextField("kết quả thực hiện", blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "tiến độ thực hiện"
        verbose_name_plural = "tiến độ thực hiện"
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="progress_one_per_task_period")]
