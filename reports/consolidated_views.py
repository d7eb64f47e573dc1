"""The báo cáo tổng hợp of a reviewer's unit (reports.consolidated): choose the unit, year and period,
then the page with every figure, the chart and the missing communes."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from orgs.models import Unit
from orgs.scoping import units_visible_to
from periods.access import period_or_404
from periods.models import ReportingPeriod
from plans.access import forbidden

from . import services
from .charts import completion_svg
from .consolidated import consolidate
from .consolidated_export import consolidated_workbook
from .exporting import XLSX_CONTENT_TYPE


class ChooseForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label=None)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    period = forms.ModelChoiceField(
        label="Kỳ báo cáo", queryset=ReportingPeriod.objects.all(), to_field_name="code", empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = services.batch_units(user)


@require_GET
def consolidated_index(request):
    form = ChooseForm(request.GET or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return redirect(
            "reports:consolidated", unit_pk=data["unit"].pk, year=data["year"], period_code=data["period"].code
        )
    if not services.batch_units(request.user).exists():
        return forbidden(request, "Chỉ cán bộ thẩm định của huyện, tỉnh hoặc trung ương xem được báo cáo tổng hợp.")
    return render(request, "reports/consolidated_index.html", {"form": form})


def _report(request, unit_pk, year, period_code):
    """The Consolidated report, or the refusal to send back (404 for a unit the user does not see)."""
    unit = get_object_or_404(units_visible_to(request.user), pk=unit_pk)
    period = period_or_404(period_code)
    if unit.is_commune_level or not services.can_request_batch(request.user, unit):
        return None, forbidden(request, f"Chỉ cán bộ thẩm định của {unit} hoặc cấp trên xem được báo cáo tổng hợp này.")
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    return consolidate(unit=unit, year=year, period=period), None


@require_GET
def consolidated_xlsx(request, unit_pk, year, period_code):
    report, refused = _report(request, unit_pk, year, period_code)
    if refused:
        return refused
    response = HttpResponse(consolidated_workbook(report), content_type=XLSX_CONTENT_TYPE)
    name = f"bao-cao-tong-hop-{report.unit.slug}-{year}-{report.period.code.lower()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def consolidated(request, unit_pk, year, period_code):
    report, refused = _report(request, unit_pk, year, period_code)
    if refused:
        return refused
    chart = completion_svg([(line.unit.name, line.tally.rate) for line in report.ranked])
    return render(
        request,
        "reports/consolidated.html",
        {"report": report, "chart": mark_safe(chart), "periods": ReportingPeriod.objects.all()},  # escaped by charts
    )
