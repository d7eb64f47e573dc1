"""The progress sheet: a plan's table with the "Kết quả thực hiện <period>" column, one period at a
time, each leaf row edited inline with htmx. Views are thin: reports.progress_forms reads the input,
tasks.progress validates and stores it, reports.progress counts the tally. A save answers with the
row plus the tally, the period tabs and a status line swapped out of band; a refused save answers
200 with the form again, the user's text kept and the messages next to the fields."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from periods.access import period_or_404
from periods.models import ReportingPeriod
from plans.access import plan_view
from tasks import progress as services
from tasks.models import ProgressEvidence, TaskProgress
from tthc_portal.caching import StateCache

from .progress import plan_progress
from .progress_forms import ProgressForm


def progress_view(*, write):
    """Look the plan up among those the user may see (404 otherwise), and the period by its code;
    with write=True require the right to record progress (a Vietnamese 403 page otherwise)."""

    def decorator(view):
        @wraps(view)
        def with_period(request, plan, period_code=None, **kwargs):
            args = (plan,) if period_code is None else (plan, period_or_404(period_code))
            return view(request, *args, **kwargs)

        return plan_view(
            with_period, require=services.can_record_progress if write else None, denied=services.denied_message
        )

    return decorator


# --- what every rendering needs --------------------------------------------------------------------


def _tally_context(plan, period, sheet):
    tally = plan_progress(plan=plan, period=period, sheet=sheet)
    late_keys = {leaf.key for leaf in tally.late}
    late_rows = [row for row in sheet.leaves if row.key in late_keys]
    return {"tally": tally, "late_keys": late_keys, "late_rows": late_rows, "cutoff": period.cutoff(plan.year)}


def _tabs(plan, period):
    counts = services.period_counts(plan=plan)
    return [
        {
            "period": other,
            "count": counts.get(other.pk, 0),
            "current": other.pk == period.pk,
            "cutoff": other.cutoff(plan.year),
        }
        for other in ReportingPeriod.objects.all()
    ]


def _sheet_context(request, plan, period, **extra):
    sheet = services.period_sheet(plan=plan, period=period)
    context = {
        "plan": plan,
        "period": period,
        "period_label": period.label_for(plan.year),
        "cutoff": period.cutoff(plan.year),
        "sheet": sheet,
        "sections": sheet.sections,
        "leaf_count": len(sheet.leaves),
        "can_edit": services.can_record_progress(request.user, plan),
        "status_choices": TaskProgress.Status.choices,
        "tabs": _tabs(plan, period),
        "carry_source": services.carry_source(plan=plan, period=period),
    }
    context.update(_tally_context(plan, period, sheet))
    context.update(extra)
    return context


def _form(plan, period, task, *args, **kwargs):
    return ProgressForm(*args, result_label=period.label_for(plan.year), auto_id=f"p{task.pk}-%s", **kwargs)


def _row_or_404(sheet, task_pk):
    row = sheet.row(task_pk)
    if row is None:
        raise Http404("Không tìm thấy nội dung này trong kế hoạch.")
    return row


def _leaf_or_404(sheet, task_pk):
    row = _row_or_404(sheet, task_pk)
    if not row.is_leaf:
        raise Http404("Nội dung này có các gạch đầu dòng con: kết quả được ghi cho từng gạch đầu dòng.")
    return row


# --- the page --------------------------------------------------------------------------------------


@require_GET
@progress_view(write=False)
def plan_progress_page(request, plan):
    """/tien-do/<plan>/ opens the period the user most likely wants (see progress.default_period)."""
    period = services.default_period(plan=plan)
    return redirect("progress:sheet", plan_pk=plan.pk, period_code=period.code)


_read_only = StateCache(size=256)  # the sheets as a reader sees them, by database state


@require_GET
@progress_view(write=False)
def sheet(request, plan, period):
    if not services.can_record_progress(request.user, plan):
        # A reader (a reviewer, a signer) sees what every reader sees: rendered once per database state.
        content = _read_only.get(
            (plan.pk, plan.version, period.pk, timezone.localdate()),
            lambda: render_to_string("progress/_sheet_content.html", _sheet_context(request, plan, period)),
        )
        context = {
            "plan": plan,
            "period_label": period.label_for(plan.year),
            "cutoff": period.cutoff(plan.year),
            "content": content,
        }
        return render(request, "progress/sheet.html", context)
    context = _sheet_context(request, plan, period)
    edit_pk = request.GET.get("sua", "")
    if context["can_edit"] and edit_pk.isdigit():  # the inline form without JavaScript
        row = _leaf_or_404(context["sheet"], int(edit_pk))
        form = _form(plan, period, row.task, initial=ProgressForm.initial_for(row.progress))
        form.focus("status")
        context.update(edit_task_pk=row.task.pk, edit_form=form)
    return render(request, "progress/sheet.html", context)


@require_POST
@progress_view(write=True)
def carry_forward(request, plan, period):
    filled = services.carry_forward(plan=plan, period=period, user=request.user)
    if filled:
        notice = (
            f"Đã lấy kết quả kỳ trước cho {filled} dòng còn trống. Hãy xem lại các dòng được đánh dấu “lấy từ "
            f"kỳ trước”."
        )
    else:
        notice = "Không có dòng nào để lấy: các dòng của kỳ này đã có kết quả, hoặc kỳ trước chưa ghi gì."
    if not request.htmx:
        messages.success(request, notice)
        return redirect("progress:sheet", plan_pk=plan.pk, period_code=period.code)
    return render(
        request, "progress/_sheet_body.html", _sheet_context(request, plan, period, notice=notice, oob_tabs=True)
    )


# --- one row ---------------------------------------------------------------------------------------


def _render_row(request, plan, period, task_pk, *, focus=True, notice=""):
    sheet = services.period_sheet(plan=plan, period=period)
    row = _row_or_404(sheet, task_pk)
    context = {
        "plan": plan,
        "period": period,
        "period_label": period.label_for(plan.year),
        "row": row,
        "can_edit": services.can_record_progress(request.user, plan),
        "status_choices": TaskProgress.Status.choices,
        "focus_row": focus,
    }
    context.update(_tally_context(plan, period, sheet))
    if notice:
        context.update(oob=True, notice=notice, tabs=_tabs(plan, period), leaf_count=len(sheet.leaves))
    return render(request, "progress/_row_response.html", context)


def _render_form(request, plan, period, row, form, *, status=200, **extra):
    context = {
        "plan": plan,
        "period": period,
        "period_label": period.label_for(plan.year),
        "row": row,
        "form": form,
        "evidence": list(row.progress.evidence.all()) if row.progress else [],
        **extra,
    }
    return render(request, "progress/_row_form.html", context, status=status)


@require_GET
@progress_view(write=False)
def row(request, plan, period, task_pk):
    """The row as displayed (what "Hủy"/Esc puts back)."""
    if not request.htmx:
        return redirect(reverse("progress:sheet", args=[plan.pk, period.code]) + f"#row-{task_pk}")
    return _render_row(request, plan, period, task_pk)


@require_GET
@progress_view(write=True)
def row_edit(request, plan, period, task_pk):
    if not request.htmx:
        return redirect(reverse("progress:sheet", args=[plan.pk, period.code]) + f"?sua={task_pk}#row-{task_pk}")
    sheet = services.period_sheet(plan=plan, period=period)
    row = _leaf_or_404(sheet, task_pk)
    initial = ProgressForm.initial_for(row.progress)
    chosen = request.GET.get("status")
    if chosen in TaskProgress.Status.values:  # the status picked in the row's select
        initial["status"] = chosen
    form = _form(plan, period, row.task, initial=initial)
    form.focus("result_text" if chosen else "status")
    return _render_form(request, plan, period, row, form)


@require_POST
@progress_view(write=True)
def row_save(request, plan, period, task_pk):
    sheet = services.period_sheet(plan=plan, period=period)
    row = _leaf_or_404(sheet, task_pk)
    form = _form(plan, period, row.task, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_progress(task=row.task, period=period, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        form.focus_first_error()
        refused_file = bool(request.FILES.get("evidence_file"))
        if not request.htmx:
            context = _sheet_context(
                request, plan, period, edit_task_pk=row.task.pk, edit_form=form, refused_file=refused_file
            )
            return render(request, "progress/sheet.html", context)
        return _render_form(request, plan, period, row, form, refused_file=refused_file)
    if not request.htmx:
        messages.success(request, f"Đã lưu kết quả dòng {row.key}.")
        return redirect(reverse("progress:sheet", args=[plan.pk, period.code]) + f"#row-{row.task.pk}")
    if request.POST.get("then") == "more":  # "Lưu và thêm văn bản khác": the form again, emptied
        sheet = services.period_sheet(plan=plan, period=period)
        row = _leaf_or_404(sheet, task_pk)
        form = _form(plan, period, row.task, initial=ProgressForm.initial_for(row.progress))
        form.focus("evidence_number")
        extra = _tally_context(plan, period, sheet)
        extra.update(oob=True, notice=f"Đã lưu dòng {row.key}. Nhập văn bản tiếp theo.", tabs=_tabs(plan, period))
        extra.update(leaf_count=len(sheet.leaves), saved=True)
        return _render_form(request, plan, period, row, form, **extra)
    return _render_row(request, plan, period, row.task.pk, notice=f"Đã lưu kết quả dòng {row.key}.")


# --- evidence --------------------------------------------------------------------------------------


def _evidence_of(plan, evidence_pk):
    return get_object_or_404(
        ProgressEvidence.objects.select_related("progress", "progress__task", "progress__period"),
        pk=evidence_pk,
        progress__task__section__plan=plan,
    )


@require_POST
@progress_view(write=True)
def evidence_remove(request, plan, evidence_pk):
    evidence = _evidence_of(plan, evidence_pk)
    progress = evidence.progress
    services.remove_evidence(evidence=evidence, user=request.user)
    if not request.htmx:
        messages.success(request, f"Đã xóa văn bản {evidence.number}.")
        return redirect(reverse("progress:sheet", args=[plan.pk, progress.period.code]) + f"#row-{progress.task_id}")
    context = {
        "plan": plan,
        "period": progress.period,
        "task_pk": progress.task_id,
        "evidence": list(progress.evidence.all()),
        "notice": f"Đã xóa văn bản {evidence.number}.",
    }
    return render(request, "progress/_evidence_list.html", context)


@require_GET
@progress_view(write=False)
def evidence_file(request, plan, evidence_pk):
    evidence = _evidence_of(plan, evidence_pk)
    if not evidence.file:
        raise Http404("Văn bản này không có tệp đính kèm.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("Không tìm thấy tệp của văn bản này.") from error
    # Shown in the browser only when it is a PDF or an image that passed the content checks; anything
    # else is a download, typed as bytes. Images and downloads are also sandboxed (no script, no
    # same-origin access); Chromium refuses to show a PDF under a sandbox, and a PDF that passed the
    # checks is rendered by the browser's PDF viewer, not as a page of the portal's origin.
    inline = evidence.shown_inline
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.file_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type if inline else "application/octet-stream",
    )
    if evidence.kind != "pdf" or not inline:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
