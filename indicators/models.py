from django.conf import settings
from django.db import models


class Indicator(models.Model):
    """A KPI of the catalogue: a numerator over a denominator a commune can count."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Càng cao càng tốt"
        LOWER = "lower", "Càng thấp càng tốt"

    code = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=300)
    unit = models.CharField("đơn vị tính", max_length=20, default="%")
    direction = models.CharField("chiều", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    numerator = models.CharField("tử số", max_length=300)
    denominator = models.CharField("mẫu số", max_length=300)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "danh mục chỉ tiêu"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlanTarget(models.Model):
    class Qualifier(models.TextChoices):
        MIN = "min", "Tối thiểu"
        ABOVE = "above", "Trên"
        EXACT = "exact", "Đạt"

    plan = models.ForeignKey("plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT)
    value = models.DecimalField("chỉ tiêu giao", max_digits=5, decimal_places=2)
    qualifier = models.CharField("mức", max_length=5, choices=Qualifier.choices, default=Qualifier.MIN)
    responsible = models.CharField("đơn vị chịu trách nhiệm", max_length=300, blank=True)
    source_task = models.CharField("nội dung kế hoạch", max_length=20, blank=True, help_text="Ví dụ “III.5”.")
    last_year_result = models.DecimalField("kết quả năm trước", max_digits=5, decimal_places=2, null=True, blank=True)
    higher_target = models.DecimalField(
        "chỉ tiêu cấp trên giao",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Chỉ tiêu cấp trên giao cho đơn vị; chỉ tiêu của kế hoạch không được thấp hơn.",
    )

    class Meta:
        verbose_name = "chỉ tiêu của kế hoạch"
        verbose_name_plural = "chỉ tiêu của kế hoạch"
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="target_one_per_plan_indicator"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=100), name="target_value_percent"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.get_qualifier_display().lower()} {self.value}{self.indicator.unit}"


class Measurement(models.Model):
    """What a commune counted for one indicator in one reporting period of its plan's year."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="measurements"
    )
    indicator = models.ForeignKey(Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT)
    period = models.ForeignKey("periods.ReportingPeriod", verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    numerator = models.PositiveIntegerField("tử số")
    denominator = models.PositiveIntegerField("mẫu số")
    note = models.CharField("ghi chú", max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "period"], name="measurement_one_per_period"),
            models.CheckConstraint(condition=models.Q(denominator__gt=0), name="measurement_denominator_positive"),
            models.CheckConstraint(
                condition=models.Q(numerator__lte=models.F("denominator")), name="measurement_numerator_le_denominator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.period}: {self.numerator}/{self.denominator}"
