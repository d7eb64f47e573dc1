import hashlib
import io
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orgs.models import Membership
from orgs.scoping import own_roles
from plans.access import plan_view
from plans.cascade.coverage import derived_rows
from plans.copying.services import plan_year_warnings
from plans.files.exporting import export_filename
from plans.models import Plan, PlanPdf, SignedPlan
from plans.pdf import services
from plans.pdf.documents import plan_document_context
from plans.pdf.signing import accept_signed_upload, request_signed_plan, unsigned_final_pdf
from plans.pdf.word import DOCX_CONTENT_TYPE, plan_docx
from plans.permissions import can_create_plan, can_edit_plan, ended_message
from plans.selectors import creatable_units, plan_page
from plans.workflow.views import fill_comment_slots
from signing.views import MAX_PDF_BYTES, authorise_from_request, served_pdf
from tthc_portal.caching import StateCache, cached, plan_key


def _current_pdf(plan):
    return PlanPdf.objects.filter(plan=plan, plan_version=plan.version).first()


_listings = StateCache(size=256)


@require_GET
def plan_list(request):
    """The plans the user sees, a page at a time, filtered by year, status and unit name."""
    user = request.user
    # What one user's list shows is the same while nothing was committed: kept per database state.
    listing, can_create = _listings.get(
        (
            user.pk,
            user.is_superuser,
            user.is_active,
            tuple((name, tuple(values)) for name, values in sorted(request.GET.lists())),
            timezone.localdate(),
        ),
        lambda: (plan_page(user, request.GET), creatable_units(user).exists()),
    )
    context = {"listing": listing, "statuses": Plan.Status.choices, "can_create": can_create}
    return render(request, "plans/plan_list.html", context)


def plan_document_fragment(plan):
    """The plan as issued (templates/plans/_document.html), rendered once per plan version and kept:
    the same for every viewer but for the rows' comments, which are slots (fill_comment_slots)."""
    return cached(
        ("plan-document", *plan_key(plan)),
        lambda: render_to_string("plans/_document.html", plan_document_context(plan)),
    )


@require_GET
@plan_view
def plan_detail(request, plan):
    decision = getattr(plan, "decision", None)
    context = {"plan": plan, "decision": decision}
    context["document"] = fill_comment_slots(
        plan_document_fragment(plan), user=request.user, plan=plan, csrf_token=get_token(request)
    )
    context["pdf"] = _current_pdf(plan)
    context.update(_signed_context(request, plan))
    context["can_edit"] = can_edit_plan(request.user, plan)
    context["can_create"] = can_create_plan(request.user, plan.unit)
    context["can_take_from_above"] = context["can_edit"] and plan.unit.parent_id is not None
    context["has_communes_below"] = not plan.unit.is_commune_level
    context["derived"] = derived_rows(plan)
    context["late_derived"] = sum(item.late for item in context["derived"])
    context["year_warnings"] = (
        cached(("year-warnings", *plan_key(plan)), lambda: plan_year_warnings(plan)) if context["decision"] else []
    )
    # The units above as they were when the plan was issued (or in its year): a 2024 commune plan stays
    # under the district that printed it, after the 2025 reorganisation dissolved that district.
    day = decision.issued_on if decision and decision.issued_on else date(plan.year, 12, 31)
    context["unit_chain"] = plan.unit.chain_labels_as_of(min(day, timezone.localdate()))
    today = plan.unit.chain_labels_as_of(timezone.localdate())
    changed = today != context["unit_chain"]
    context["chain_note"] = "theo đơn vị hành chính khi ban hành; nay: " + ", ".join(today) if changed else ""
    context["unit_ended"] = ended_message(plan.unit) if plan.unit.has_ended() else ""
    return render(request, "plans/plan_detail.html", context)


@require_POST
@plan_view
def pdf_request(request, plan):
    job = services.request_plan_pdf(plan=plan, user=request.user)
    if request.htmx:
        return render(request, "plans/_pdf_status.html", {"plan": plan, "pdf": job})
    if job.is_failed:
        messages.error(request, job.error)
    return redirect("plans:detail", pk=plan.pk)


@require_GET
@plan_view
def pdf_status(request, plan):
    return render(request, "plans/_pdf_status.html", {"plan": plan, "pdf": _current_pdf(plan)})


@require_GET
@plan_view
def pdf_download(request, plan, job_pk):
    job = get_object_or_404(PlanPdf, plan=plan, pk=job_pk)
    if not job.is_ready:
        raise Http404("Bản PDF chưa sẵn sàng.")
    filename = f"ke-hoach-{plan.unit.slug}-{plan.year}.pdf"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@require_GET
@plan_view
def word_download(request, plan):
    """The same decision, plan and appendices as a Word file, for whoever may download the PDF; made on
    the spot (a tenth of a second for a seed plan), so no job."""
    return FileResponse(
        io.BytesIO(plan_docx(plan)),
        as_attachment=True,
        filename=export_filename(plan, "docx"),
        content_type=DOCX_CONTENT_TYPE,
    )


# --- the issued plan, signed (plans.pdf.signing) -----------------------------------------------------


def _signed(plan):
    return SignedPlan.objects.filter(plan=plan).select_related("document").first()


def _signed_context(request, plan):
    return {
        "plan": plan,
        "signed": _signed(plan),
        "can_retry_signing": Membership.Role.SIGNER in own_roles(request.user, plan.unit),
    }


@require_GET
@plan_view
def signed_status(request, plan):
    return render(request, "plans/_signed_status.html", _signed_context(request, plan))


def _require_signer(request, plan):
    if Membership.Role.SIGNER not in own_roles(request.user, plan.unit):
        raise PermissionDenied(f"Chỉ người ký của {plan.unit} được ký số văn bản này.")
    if plan.status != Plan.Status.ISSUED:
        raise PermissionDenied("Chỉ ký số kế hoạch đã ban hành.")


@require_POST
@plan_view
def signed_retry(request, plan):
    """The signer of the plan's unit signs again a plan whose signing failed (same number, same code)."""
    _require_signer(request, plan)
    job = _signed(plan)
    request_signed_plan(plan=plan, user=job.signer if job and job.signer else request.user)
    if request.htmx:
        return render(request, "plans/_signed_status.html", _signed_context(request, plan))
    return redirect("plans:detail", pk=plan.pk)


@require_POST
@plan_view
def signed_authorise(request, plan):
    """The signer types the PIN (and OTP) of their remote signing service to sign the held decision."""
    _require_signer(request, plan)
    refused = authorise_from_request(request, _signed(plan))
    context = _signed_context(request, plan)
    if refused:
        context["authorise_error"] = refused
    if request.htmx:
        return render(request, "plans/_signed_status.html", context)
    if refused:
        messages.error(request, refused)
    return redirect("plans:detail", pk=plan.pk)


@require_GET
@plan_view
def signed_download(request, plan):
    """The signed file exactly as issued: the stored bytes, checked against their SHA-256."""
    job = _signed(plan)
    if job is None or not job.is_ready:
        raise Http404("Kế hoạch chưa có văn bản đã ký số.")
    data = job.document.file.read()
    if hashlib.sha256(data).hexdigest() != job.document.sha256:
        raise Http404("Tệp lưu trữ không còn khớp với bản đã phát hành: hãy báo quản trị hệ thống.")
    return served_pdf(data, f"quyet-dinh-{job.document.number_text.replace('/', '-')}-{plan.unit.slug}-{plan.year}.pdf")


@require_GET
@plan_view
def signed_unsigned(request, plan):
    """The final unsigned PDF, for the signer to sign with their own software and USB token."""
    if plan.status != Plan.Status.ISSUED:
        raise Http404("Kế hoạch chưa ban hành.")
    _require_signer(request, plan)
    try:
        data = unsigned_final_pdf(plan=plan, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("plans:detail", pk=plan.pk)
    return served_pdf(data, f"chua-ky-{plan.unit.slug}-{plan.year}.pdf")


@require_POST
@plan_view
def signed_upload(request, plan):
    """The file signed outside the portal, taken as the issued document when every check passes."""
    _require_signer(request, plan)
    uploaded = request.FILES.get("file")
    try:
        if uploaded is None:
            raise ValidationError("Hãy chọn tệp PDF đã ký.")
        if uploaded.size > MAX_PDF_BYTES:
            raise ValidationError("Tệp lớn hơn 20 MB.")
        accept_signed_upload(plan=plan, data=uploaded.read(), user=request.user)
    except ValidationError as refused:
        messages.error(request, "Chưa nhận tệp đã ký: " + " ".join(refused.messages))
    else:
        messages.success(request, "Đã nhận văn bản đã ký số: chữ ký hợp lệ, nội dung đúng bản Cổng đã phát hành.")
    return redirect("plans:detail", pk=plan.pk)
