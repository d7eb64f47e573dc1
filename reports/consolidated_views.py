"""The báo cáo tổng hợp of a reviewer's unit (reports.consolidated): choose the unit, year and period,
then the page with every figure, the chart and the missing communes."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orgs.models import Membership, Unit
from orgs.scoping import manages_unit, own_roles, units_visible_to
from periods.access import period_or_404
from periods.models import ReportingPeriod
from plans.access import forbidden

from . import consolidated_files as files
from . import services
from .charts import completion_svg
from .consolidated import consolidate
from .consolidated_export import consolidated_workbook
from .exporting import XLSX_CONTENT_TYPE
from .forms import ConsolidatedForm
from .models import ReportDocument


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
    if not services.batch_units(request.user).exists():  # who reviews communes
        return forbidden(request, "Chỉ cán bộ thẩm định của huyện, tỉnh hoặc trung ương xem được báo cáo tổng hợp.")
    return render(request, "reports/consolidated_index.html", {"form": form})


def can_view(user, unit):
    """The reviewers of the unit or above, and the unit's own staff who write its reports."""
    return not unit.is_commune_level and (services.can_request_batch(user, unit) or manages_unit(user, unit))


def can_write(user, unit):
    """The unit's own reviewers, editors and administrators write its báo cáo tổng hợp."""
    return not unit.is_commune_level and (Membership.Role.REVIEWER in own_roles(user, unit) or manages_unit(user, unit))


def _key(request, unit_pk, year, period_code):
    """(unit, period) or raise Http404 / return the refusal."""
    unit = get_object_or_404(units_visible_to(request.user), pk=unit_pk)
    period = period_or_404(period_code)
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    if not can_view(request.user, unit):
        return (
            None,
            None,
            forbidden(request, f"Chỉ cán bộ thẩm định của {unit} hoặc cấp trên xem được báo cáo tổng hợp này."),
        )
    return unit, period, None


def _report(request, unit_pk, year, period_code):
    """The Consolidated report, or the refusal to send back (404 for a unit the user does not see)."""
    unit, period, refused = _key(request, unit_pk, year, period_code)
    if refused:
        return None, refused
    return consolidate(unit=unit, year=year, period=period), None


def _document_context(request, unit, year, period):
    return {
        "unit": unit,
        "year": year,
        "period": period,
        "document": files.current_document(unit=unit, year=year, period=period),
        "can_write": can_write(request.user, unit),
    }


@require_POST
def consolidated_document_request(request, unit_pk, year, period_code):
    unit, period, refused = _key(request, unit_pk, year, period_code)
    if refused:
        return refused
    if not can_write(request.user, unit):
        return forbidden(request, f"Chỉ cán bộ của {unit} tạo được tệp báo cáo tổng hợp của đơn vị.")
    files.request_consolidated(unit=unit, year=year, period=period, user=request.user)
    if request.htmx:
        return render(request, "reports/_consolidated_status.html", _document_context(request, unit, year, period))
    return redirect("reports:consolidated", unit_pk=unit.pk, year=year, period_code=period.code)


@require_GET
def consolidated_document_status(request, unit_pk, year, period_code):
    unit, period, refused = _key(request, unit_pk, year, period_code)
    if refused:
        return refused
    return render(request, "reports/_consolidated_status.html", _document_context(request, unit, year, period))


@require_GET
def consolidated_download(request, unit_pk, year, period_code, document_pk, kind):
    unit, period, refused = _key(request, unit_pk, year, period_code)
    if refused:
        return refused
    document = get_object_or_404(ReportDocument, pk=document_pk, unit=unit, year=year, period=period)
    stored = {"pdf": document.file_pdf, "xlsx": document.file_xlsx}.get(kind)
    if not document.is_ready or not stored:
        raise Http404("Tệp chưa sẵn sàng.")
    name = f"bao-cao-tong-hop-{unit.slug}-{year}-{period.code.lower()}.{kind}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@require_POST
def consolidated_redraft(request, unit_pk, year, period_code):
    unit, period, refused = _key(request, unit_pk, year, period_code)
    if refused:
        return refused
    if not can_write(request.user, unit):
        return forbidden(request, f"Chỉ cán bộ của {unit} soạn được báo cáo tổng hợp của đơn vị.")
    writing = files.get_writing(unit=unit, year=year, period=period)
    files.redraft(writing=writing, user=request.user)
    messages.success(request, "Đã soạn lại phần nội dung từ số liệu hiện tại.")
    return redirect("reports:consolidated", unit_pk=unit.pk, year=year, period_code=period.code)


@require_GET
def consolidated_xlsx(request, unit_pk, year, period_code):
    report, refused = _report(request, unit_pk, year, period_code)
    if refused:
        return refused
    response = HttpResponse(consolidated_workbook(report), content_type=XLSX_CONTENT_TYPE)
    name = f"bao-cao-tong-hop-{report.unit.slug}-{year}-{report.period.code.lower()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def consolidated(request, unit_pk, year, period_code):
    report, refused = _report(request, unit_pk, year, period_code)
    if refused:
        return refused
    writable = can_write(request.user, report.unit)
    form = None
    if writable:
        writing = files.get_writing(unit=report.unit, year=year, period=report.period, report=report)
        form = ConsolidatedForm(request.POST if request.method == "POST" else None, instance=writing)
        if request.method == "POST" and form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            messages.success(request, "Đã lưu báo cáo tổng hợp.")
            return redirect("reports:consolidated", unit_pk=report.unit.pk, year=year, period_code=report.period.code)
    elif request.method == "POST":
        return forbidden(request, f"Chỉ cán bộ của {report.unit} sửa được báo cáo tổng hợp của đơn vị.")
    chart = completion_svg([(line.unit.name, line.tally.rate) for line in report.ranked])
    return render(
        request,
        "reports/consolidated.html",
        {
            "report": report,
            "chart": mark_safe(chart),  # escaped by reports.charts
            "periods": ReportingPeriod.objects.all(),
            "form": form,
            **_document_context(request, report.unit, year, report.period),
        },
    )
