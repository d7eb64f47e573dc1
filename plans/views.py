from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from orgs.audit import record_refused
from orgs.scoping import units_visible_to

from plans.pdf import services
from plans.pdf.documents import plan_document_context
from plans.models import Plan, PlanPdf
from plans.copying.services import plan_year_warnings
from plans.editing.forms import creatable_units
from plans.permissions import can_create_plan, can_edit_plan


def _visible_plan(request, pk):
    """404 for a plan the user may not see, so its existence does not leak (the refusal is audited)."""
    try:
        return Plan.objects.visible_to(request.user).select_related("unit", "decision").get(pk=pk)
    except Plan.DoesNotExist:
        hidden = Plan.objects.filter(pk=pk).select_related("unit").first()
        if hidden is not None:
            record_refused(request, hidden)
        raise Http404("Không tìm thấy kế hoạch.") from None


def _current_pdf(plan):
    return PlanPdf.objects.filter(plan=plan, plan_version=plan.version).first()


@require_GET
def plan_list(request):
    plans = Plan.objects.visible_to(request.user).select_related("unit", "unit__parent").order_by("-year", "unit__path")
    units = units_visible_to(request.user).select_related("parent")
    context = {"plans": plans, "units": units, "can_create": creatable_units(request.user).exists()}
    return render(request, "plans/plan_list.html", context)


@require_GET
def plan_detail(request, pk):
    plan = _visible_plan(request, pk)
    context = plan_document_context(plan)
    context["pdf"] = _current_pdf(plan)
    context["can_edit"] = can_edit_plan(request.user, plan)
    context["can_create"] = can_create_plan(request.user, plan.unit)
    context["year_warnings"] = plan_year_warnings(plan) if context["decision"] else []
    return render(request, "plans/plan_detail.html", context)


@require_POST
def pdf_request(request, pk):
    plan = _visible_plan(request, pk)
    job = services.request_plan_pdf(plan=plan, user=request.user)
    if request.htmx:
        return render(request, "plans/_pdf_status.html", {"plan": plan, "pdf": job})
    if job.state == "failed":
        messages.error(request, job.error)
    return redirect("plans:detail", pk=plan.pk)


@require_GET
def pdf_status(request, pk):
    plan = _visible_plan(request, pk)
    return render(request, "plans/_pdf_status.html", {"plan": plan, "pdf": _current_pdf(plan)})


@require_GET
def pdf_download(request, pk, job_pk):
    plan = _visible_plan(request, pk)
    job = get_object_or_404(PlanPdf, plan=plan, pk=job_pk)
    if not job.is_ready:
        raise Http404("Bản PDF chưa sẵn sàng.")
    filename = f"ke-hoach-{plan.unit.slug}-{plan.year}.pdf"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
