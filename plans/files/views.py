"""Excel/Word export and import of a plan's table. Thin: the work is in plans.files.exporting,
plans.files.importing and plans.files.uploads.

Import is upload → preview → confirm (or cancel). The parsed table waits in the user's session under
a random token between preview and confirm; nothing touches the plan before the confirm, and the
confirm writes everything in one transaction or nothing.
"""

import secrets
import time

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans.access import plan_view
from plans.files import exporting
from plans.files.importing import ImportRefused, ParsedTable, import_parsed, parse_plan_file
from plans.files.uploads import MAX_UPLOAD_BYTES, ImportRejected, read_upload
from plans.permissions import can_edit_plan
from tasks.deadlines import parse_deadline

SESSION_KEY = "plan_imports"
PREVIEW_SECONDS = 2 * 3600
MAX_PENDING = 3  # previews kept per session; older ones are dropped


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc Word (.docx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.docx"}),
        error_messages={"required": "Hãy chọn một tệp .xlsx hoặc .docx.", "empty": "Tệp rỗng."},
    )


def _attachment(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@plan_view
def export_xlsx(request, plan):
    return _attachment(exporting.plan_xlsx(plan), exporting.XLSX_CONTENT_TYPE, exporting.export_filename(plan))


@require_GET
@plan_view
def export_csv(request, plan):
    """Flat task rows (django-import-export), for other systems."""
    data, content_type = exporting.export_rows(plan, "csv")
    return _attachment(data, content_type, exporting.export_filename(plan, "csv"))


@require_GET
def template_xlsx(request):
    return _attachment(exporting.template_xlsx(), exporting.XLSX_CONTENT_TYPE, "mau-ke-hoach-kiem-soat-tthc.xlsx")


def import_denied(plan):
    return (
        f"Không thể nhập bảng vào kế hoạch này: chỉ công chức soạn thảo (hoặc quản trị) của {plan.unit} được nhập "
        f"bảng, và chỉ khi kế hoạch đang là dự thảo "
        f"hoặc bị trả lại. Kế hoạch năm {plan.year} hiện ở trạng thái “{plan.get_status_display()}”."
    )


importing_view = plan_view(require=can_edit_plan, denied=import_denied)


def _pending(request):
    """The session's previews still in time (older ones dropped)."""
    now = time.time()
    pending = {
        token: item
        for token, item in request.session.get(SESSION_KEY, {}).items()
        if now - item["created"] < PREVIEW_SECONDS
    }
    return pending


def _save_pending(request, pending):
    request.session[SESSION_KEY] = pending
    request.session.modified = True


@require_http_methods(["GET", "POST"])
@importing_view
def import_upload(request, plan):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_plan_file(name=upload.name, data=read_upload(upload))
        except ImportRejected as error:
            form.add_error("file", str(error))
        else:
            pending = _pending(request)
            for token in sorted(pending, key=lambda t: pending[t]["created"])[: max(0, len(pending) - MAX_PENDING + 1)]:
                del pending[token]
            token = secrets.token_urlsafe(18)
            pending[token] = {
                "plan": plan.pk,
                "version": plan.version,
                "created": time.time(),
                "parsed": parsed.as_dict(),
            }
            _save_pending(request, pending)
            return redirect("plans:import_preview", pk=plan.pk, token=token)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    return render(request, "plans/io/import_form.html", context, status=status)


def _take_pending(request, plan, token):
    item = _pending(request).get(token or "")
    if item is None or item["plan"] != plan.pk:
        return None
    return item


def _preview_rows(sections, year):
    """Sections with their rows flattened in print order, as (row, depth), each with what its
    deadline will be read as (the same parser the plan uses; its `assumed` spellings are shown next
    to the meaning). A row whose lead and partners were split from one cell has `split_from`."""

    def meaning(row):
        return {**row, "meaning": parse_deadline(row["deadline"], year) if row["deadline"] else None}

    def flat(rows, depth):
        for row in rows:
            yield meaning(row), depth
            yield from flat(row["children"], depth + 1)

    return [{**meaning(section), "rows": list(flat(section["tasks"], 0))} for section in sections]


@require_GET
@importing_view
def import_preview(request, plan, token):
    item = _take_pending(request, plan, token)
    if item is None:
        messages.error(request, "Bản xem trước đã hết hạn hoặc không còn. Hãy tải tệp lên lại.")
        return redirect("plans:import", pk=plan.pk)
    parsed = ParsedTable.from_dict(item["parsed"])
    current = plan.sections.count()
    context = {
        "plan": plan,
        "token": token,
        "parsed": parsed,
        "sections": _preview_rows(parsed.sections, plan.year),
        "errors": [problem for problem in parsed.problems if problem.blocking],
        "warnings": [problem for problem in parsed.problems if not problem.blocking],
        "labels": {**plan.column_labels, **parsed.columns},
        "current_sections": current,
        "stale": item["version"] != plan.version,
    }
    return render(request, "plans/io/import_preview.html", context)


@require_POST
@importing_view
def import_confirm(request, plan):
    token = request.POST.get("token", "")
    item = _take_pending(request, plan, token)
    if item is None:
        messages.error(request, "Bản xem trước đã hết hạn hoặc không còn. Hãy tải tệp lên lại.")
        return redirect("plans:import", pk=plan.pk)
    if item["version"] != plan.version:
        messages.error(request, "Kế hoạch đã được sửa sau khi xem trước. Hãy tải tệp lên lại để xem bảng sẽ nhập.")
        return redirect(reverse("plans:import_preview", args=[plan.pk, token]))
    parsed = ParsedTable.from_dict(item["parsed"])
    try:
        import_parsed(plan=plan, parsed=parsed, user=request.user, request=request)
    except ImportRefused as error:
        messages.error(request, str(error))
        return redirect(reverse("plans:import_preview", args=[plan.pk, token]))
    pending = _pending(request)
    pending.pop(token, None)
    _save_pending(request, pending)
    messages.success(
        request,
        f"Đã nhập {len(parsed.sections)} mục, {parsed.task_count} nội dung từ tệp “{parsed.filename}” vào kế hoạch.",
    )
    return redirect("plans:detail", pk=plan.pk)


@require_POST
@plan_view
def import_cancel(request, plan):
    pending = _pending(request)
    if pending.pop(request.POST.get("token", ""), None) is not None:
        _save_pending(request, pending)
    messages.info(request, "Đã hủy nhập tệp; kế hoạch không thay đổi.")
    return redirect("plans:detail", pk=plan.pk)
