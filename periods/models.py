from django.db import models

from . import cutoffs


class ReportingPeriodQuerySet(models.QuerySet):
    def by_code(self, code):
        """The period whose code is `code` ("9m" and "9M" alike), or None."""
        return self.filter(code=str(code or "").strip().upper()).first()


class ReportingPeriod(models.Model):
    """A reporting period with its data cut-off, kept as data (seeded from periods.cutoffs.PERIODS).

    Progress (tasks), KPI figures (indicators) and reports (reports) are all recorded per period, so
    the periods sit below those apps. The table keeps the name it had when the model lived in reports."""

    Code = cutoffs.PeriodCode

    code = models.CharField("mã", max_length=4, unique=True)
    name = models.CharField("tên kỳ", max_length=50)
    order = models.PositiveSmallIntegerField("thứ tự")
    start_month = models.PositiveSmallIntegerField("tháng bắt đầu")
    start_day = models.PositiveSmallIntegerField("ngày bắt đầu")
    start_in_previous_year = models.BooleanField("bắt đầu từ năm trước", default=False)
    end_month = models.PositiveSmallIntegerField("tháng chốt số liệu")
    end_day = models.PositiveSmallIntegerField("ngày chốt số liệu")
    label = models.CharField("cách ghi trong báo cáo", max_length=60)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        db_table = "reports_reportingperiod"
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["order"]

    def __str__(self):
        return self.name

    def bounds(self, year):
        return cutoffs.bounds(self, year)

    def cutoff(self, year):
        return self.bounds(year)[1]

    def label_for(self, year):
        return self.label.format(year=year)

    @property
    def is_cumulative(self):
        """Counted from the year's start (Q1, 6 months, 9 months, the year), not a single quarter."""
        return self.code in cutoffs.CUMULATIVE


class CalendarDay(models.Model):
    """A day whose working status the administrator sets against the ordinary rule (periods.workdays):
    a compensatory day off (ngày nghỉ bù) or a weekend day made a working day (làm bù)."""

    day = models.DateField("ngày", unique=True)
    is_working = models.BooleanField(
        "là ngày làm việc",
        help_text="Bỏ chọn: ngày nghỉ (nghỉ bù). Chọn: ngày làm việc (làm bù vào thứ Bảy, Chủ nhật).",
    )
    note = models.CharField("ghi chú", max_length=200, blank=True, help_text="Ví dụ: “Làm bù cho ngày 29/4/2024”.")

    class Meta:
        verbose_name = "ngày làm việc / nghỉ điều chỉnh"
        verbose_name_plural = "ngày làm việc / nghỉ điều chỉnh"
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y}: {'làm việc' if self.is_working else 'nghỉ'}"
