"""Reading --period in the management commands."""

from django.core.management.base import CommandError

from .models import ReportingPeriod


def period_arg(code):
    period = ReportingPeriod.objects.by_code(code)
    if period is None:
        codes = ", ".join(ReportingPeriod.objects.values_list("code", flat=True))
        raise CommandError(f"Không có kỳ báo cáo “{code}”. Các kỳ: {codes}.")
    return period
