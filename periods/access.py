"""Finding the period a page's address names."""

from django.http import Http404

from .models import ReportingPeriod


def period_or_404(code):
    period = ReportingPeriod.objects.by_code(code)
    if period is None:
        raise Http404("Không có kỳ báo cáo này.")
    return period
