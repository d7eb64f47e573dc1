"""Report pages (included at "bao-cao/"). Thin: plans.access.plan_view finds the plan (404 when
the user may not see it), reports.forms reads the input, reports.services changes state."""

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.charts import target_vs_actual_svg
from indicators.selectors import kpi_rows
from periods.access import period_or_404
from periods.models import ReportingPeriod
from plans.access import forbidden, plan_view
from plans.models import Plan
from plans.selectors import plan_page
from signing.verify import verify_pdf
from signing.views import authorise_from_request, served_pdf
from tasks.progress import default_period
from tthc_portal.caching import cached

from . import drafting, services, signing
from .documents import unit_label
from .exporting import XLSX_CONTENT_TYPE
from .forms import BatchForm, ReportForm
from .models import Report, ReportBatch, ReportDocument, SignedReport
from .progress import plan_progress


def _current_document(plan, period):
    return ReportDocument.objects.filter(plan=plan, period=period, plan_version=plan.version).first()


def _status_context(request, plan, period, report=None):
    document = _current_document(plan, period)
    return {
        "plan": plan,
        "period": period,
        "document": document,
        "can_write": services.can_write_report(request.user, plan),
        "edited_since": bool(
            document and document.is_ready and report and report.updated_at and report.updated_at > document.finished_at
        ),
    }


@require_GET
def index(request):
    context = {
        "listing": plan_page(request.user, request.GET),
        "statuses": Plan.Status.choices,
        "periods": ReportingPeriod.objects.all(),
        "batch_units": services.batch_units(request.user).exists(),
    }
    return render(request, "reports/index.html", context)


@require_GET
@plan_view
def plan_reports(request, plan):
    """A plan's reports: the period its progress is being recorded for (tasks.progress.default_period)."""
    return redirect("reports:report", plan_pk=plan.pk, period_code=default_period(plan=plan).code)


def _page_context(request, plan, period, report, form=None):
    tally = plan_progress(plan=plan, period=period)
    kpi = kpi_rows(plan=plan, period=period)
    can_write = services.can_write_report(request.user, plan) and not signing.is_sent(report)
    return {
        **_status_context(request, plan, period, report),
        "report": report,
        "label": report.period_label,
        "unit_label": unit_label(plan.unit),
        "periods": ReportingPeriod.objects.all(),
        "tally": tally,
        "rate_text": drafting.rate_text(tally.rate),
        "rate_percent": drafting.percent(tally.rate),
        "kpi_table": [drafting.kpi_cells(row) for row in kpi],
        "kpi_chart": mark_safe(target_vs_actual_svg(kpi, width=640)) if kpi else "",  # escaped by indicators.charts
        "form": form or (ReportForm(instance=report) if can_write else None),
        "cutoff": period.cutoff(plan.year),
        **_signed_context(request, plan, period),
    }


@require_http_methods(["GET", "POST"])
@plan_view
def report_page(request, plan, period_code):
    """The report of a plan for a period: its figures, the narrative to edit, the document job."""
    period = period_or_404(period_code)
    form = None
    if request.method == "POST":
        if not services.can_write_report(request.user, plan):
            raise PermissionDenied(services.denied_message(plan))
        report = services.get_report(plan=plan, period=period)
        form = ReportForm(request.POST, instance=report)
        if form.is_valid():
            services.update_report(report=report, user=request.user, changes=form.cleaned_data)
            messages.success(request, "Đã lưu báo cáo.")
            return redirect("reports:report", plan_pk=plan.pk, period_code=period.code)
        messages.error(request, "Chưa lưu được: hãy sửa các ô được đánh dấu.")
    else:
        report = services.read_report(plan=plan, period=period)  # reading writes nothing
    return render(request, "reports/report_page.html", _page_context(request, plan, period, report, form=form))


@require_POST
@plan_view
def redraft(request, plan, period_code):
    """ "Soạn lại bản nháp": every narrative field written again from the data."""
    period = period_or_404(period_code)
    report = services.get_report(plan=plan, period=period)
    services.regenerate_draft(report=report, user=request.user)  # a refusal is plan_view's 403
    messages.success(request, "Đã soạn lại bản nháp từ số liệu hiện có.")
    return redirect("reports:report", plan_pk=plan.pk, period_code=period.code)


@require_POST
@plan_view
def document_request(request, plan, period_code):
    """ "Tạo báo cáo" / "Tạo lại" / "Thử lại": queue the render of the plan's current version."""
    period = period_or_404(period_code)
    if not services.can_write_report(request.user, plan):
        raise PermissionDenied(services.denied_message(plan))
    services.request_report(plan=plan, period=period, user=request.user, again=True)
    if request.htmx:
        return render(request, "reports/_document_status.html", _status_context(request, plan, period))
    return redirect("reports:report", plan_pk=plan.pk, period_code=period.code)


@require_GET
@plan_view
def document_status(request, plan, period_code):
    period = period_or_404(period_code)
    return render(request, "reports/_document_status.html", _status_context(request, plan, period))


@require_GET
@plan_view
def document_download(request, plan, document_pk, kind):
    if kind not in {"pdf", "xlsx"}:
        raise Http404("Không có loại tệp này.")
    document = get_object_or_404(ReportDocument.objects.select_related("period"), plan=plan, pk=document_pk)
    if not document.is_ready:
        raise Http404("Báo cáo chưa sẵn sàng.")
    stem = f"bao-cao-{plan.unit.slug}-{plan.year}-{document.period.code.lower()}"
    if kind == "pdf":
        return FileResponse(
            document.file_pdf.open("rb"), as_attachment=True, filename=f"{stem}.pdf", content_type="application/pdf"
        )
    if not document.file_xlsx:
        raise Http404("Chưa có tệp Excel.")
    return FileResponse(
        document.file_xlsx.open("rb"), as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


# --- the reviewer's batch ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def batch_index(request):
    units = services.batch_units(request.user)
    if not units.exists():
        return forbidden(request, "Chỉ cán bộ thẩm định của huyện/tỉnh được tạo báo cáo hàng loạt cho các xã.")
    latest_year = Plan.objects.visible_to(request.user).aggregate(year=Max("year"))["year"]
    form = BatchForm(request.POST or None, units=units, latest_year=latest_year)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.request_batch(
                reviewer=request.user,
                unit=form.cleaned_data["unit"],
                period=form.cleaned_data["period"],
                year=form.cleaned_data["year"],
            )
        except PermissionDenied as denied:
            return forbidden(request, str(denied))
        return redirect("reports:batch", pk=batch.pk)
    batches = ReportBatch.objects.filter(unit__in=units).select_related("unit", "period", "requested_by")[:10]
    return render(request, "reports/batch_index.html", {"form": form, "batches": batches})


def _visible_batch(request, pk):
    batch = get_object_or_404(ReportBatch.objects.select_related("unit", "period", "requested_by"), pk=pk)
    if not services.can_request_batch(request.user, batch.unit):
        raise Http404("Không tìm thấy.")
    return batch


def _batch_context(batch):
    documents = list(batch.documents.select_related("plan__unit", "period").order_by("plan__unit__path"))
    return {
        "batch": batch,
        "documents": documents,
        "counts": batch.counts(),
        "label": batch.period.label_for(batch.year),
    }


@require_GET
def batch_detail(request, pk):
    batch = _visible_batch(request, pk)
    return render(request, "reports/batch_detail.html", _batch_context(batch))


@require_GET
def batch_status(request, pk):
    batch = _visible_batch(request, pk)
    return render(request, "reports/_batch_status.html", _batch_context(batch))


@require_POST
def batch_retry(request, pk, document_pk):
    batch = _visible_batch(request, pk)
    document = get_object_or_404(ReportDocument, pk=document_pk, batch=batch)
    services.retry_batch_document(batch=batch, document=document, user=request.user)
    if request.htmx:
        return render(request, "reports/_batch_status.html", _batch_context(batch))
    return redirect("reports:batch", pk=batch.pk)


# --- "Ký và gửi": the report signed and sent (reports.signing) ----------------------------------------


def _signed_context(request, plan, period):
    report = Report.objects.filter(plan=plan, period=period).first()
    job = SignedReport.objects.filter(report=report).select_related("document").first() if report else None
    verification = None
    if job is not None and job.is_ready:
        verification = cached(("report-verification", job.document.sha256), lambda: _verify(job.document))
    return {
        "plan": plan,
        "period": period,
        "signed": job,
        "verification": verification,
        "can_sign": report is not None and signing.can_sign_report(request.user, plan),
    }


def _verify(document):
    report = verify_pdf(document.file.read())
    return {"all_ok": report.all_ok, "count": len(report.signatures)}


@require_POST
@plan_view
def sign_and_send(request, plan, period_code):
    period = period_or_404(period_code)
    report = services.get_report(plan=plan, period=period)
    job = signing.sign_and_send(report=report, user=request.user)  # a refusal is plan_view's 403
    if job.is_failed:
        messages.error(request, job.error)
    if request.htmx:
        return render(request, "reports/_signed_status.html", _signed_context(request, plan, period))
    return redirect("reports:report", plan_pk=plan.pk, period_code=period.code)


@require_POST
@plan_view
def signed_authorise(request, plan, period_code):
    """The signer types the PIN (and OTP) of their remote signing service to sign the held report."""
    period = period_or_404(period_code)
    job = SignedReport.objects.filter(report__plan=plan, report__period=period).first()
    refused = authorise_from_request(request, job)
    context = _signed_context(request, plan, period)
    if refused:
        context["authorise_error"] = refused
    if request.htmx:
        return render(request, "reports/_signed_status.html", context)
    if refused:
        messages.error(request, refused)
    return redirect("reports:report", plan_pk=plan.pk, period_code=period.code)


@require_GET
@plan_view
def signed_status(request, plan, period_code):
    period = period_or_404(period_code)
    return render(request, "reports/_signed_status.html", _signed_context(request, plan, period))


@require_GET
@plan_view
def signed_download(request, plan, period_code):
    period = period_or_404(period_code)
    job = SignedReport.objects.filter(report__plan=plan, report__period=period).select_related("document").first()
    if job is None or not job.is_ready:
        raise Http404("Báo cáo chưa được ký số.")
    data = job.document.file.read()
    if hashlib.sha256(data).hexdigest() != job.document.sha256:
        raise Http404("Tệp lưu trữ không còn khớp với bản đã gửi: hãy báo quản trị hệ thống.")
    return served_pdf(data, f"bao-cao-{job.document.number_text.replace('/', '-')}-{plan.unit.slug}.pdf")
