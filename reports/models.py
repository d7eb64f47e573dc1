from django.db import models

from . import periods


class ReportingPeriod(models.Model):
    """A reporting period with its data cut-off, kept as data (seeded from reports.periods.PERIODS)."""

    code = models.CharField("mã", max_length=4, unique=True)
    name = models.CharField("tên kỳ", max_length=50)
    order = models.PositiveSmallIntegerField("thứ tự")
    start_month = models.PositiveSmallIntegerField("tháng bắt đầu")
    start_day = models.PositiveSmallIntegerField("ngày bắt đầu")
    start_in_previous_year = models.BooleanField("bắt đầu từ năm trước", default=False)
    end_month = models.PositiveSmallIntegerField("tháng chốt số liệu")
    end_day = models.PositiveSmallIntegerField("ngày chốt số liệu")
    label = models.CharField("cách ghi trong báo cáo", max_length=60)

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["order"]

    def __str__(self):
        return self.name

    def bounds(self, year):
        return periods.bounds(self, year)

    def cutoff(self, year):
        return self.bounds(year)[1]

    def label_for(self, year):
        return self.label.format(year=year)


class Report(models.Model):
    """A báo cáo for one plan and period (its number and date as issued)."""

    plan = models.ForeignKey("plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    number_suffix = models.CharField("ký hiệu", max_length=40, default="BC-UBND")
    issued_on = models.DateField("ngày", null=True, blank=True)
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
