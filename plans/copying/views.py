"""New plan from last year's: the page that lists what the copy changes, and the POST that creates
it. The rules live in plans.copying; these views only look the plan up, check the right and show."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plans.access import plan_view
from plans.copying.services import CopyRefused, create_copy, existing_plan, prepare_copy
from plans.copying.years import MAX_YEAR
from plans.permissions import can_create_plan


class CopyYearForm(forms.Form):
    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"] = forms.IntegerField(
            label="Năm của kế hoạch mới",
            min_value=source.year + 1,
            max_value=MAX_YEAR,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
            error_messages={
                "required": "Hãy nhập năm của kế hoạch mới.",
                "invalid": "Năm phải là một số, ví dụ 2025.",
                "min_value": f"Năm của kế hoạch mới phải sau năm {source.year}.",
                "max_value": "Năm không hợp lệ.",
            },
        )


def copy_denied(plan):
    return (
        f"Không có quyền tạo kế hoạch: chỉ công chức soạn thảo hoặc quản trị của {plan.unit} mới tạo được kế hoạch "
        f"năm mới từ kế hoạch năm {plan.year}."
    )


@require_http_methods(["GET", "POST"])
@plan_view(require=lambda user, plan: can_create_plan(user, plan.unit), denied=copy_denied)
def copy_plan(request, source):
    if request.method == "POST":
        return _create(request, source)
    return _review(request, source)


def _review(request, source):
    default = source.year + 1
    form = CopyYearForm(request.GET if "nam" in request.GET else {"nam": default}, source=source)
    year = form.cleaned_data["nam"] if form.is_valid() else default
    proposal = prepare_copy(source_plan=source, year=year)
    notes = sum(1 for w in proposal.warnings if w.is_note)
    return render(
        request,
        "plans/copy/review.html",
        {
            "source": source,
            "year": year,
            "form": form,
            "existing": existing_plan(unit=source.unit, year=year),
            "proposal": proposal,
            "changes": proposal.changes,
            "needs_update_count": sum(1 for c in proposal.changes if c.needs_update),
            "warnings": proposal.warnings,
            "warning_count": len(proposal.warnings) - notes,
            "note_count": notes,
            "source_warnings": proposal.source_warnings,
        },
    )


def _create(request, source):
    form = CopyYearForm(request.POST, source=source)
    review_url = reverse("plans:copy_review", args=[source.pk])
    if not form.is_valid():
        messages.error(request, form.errors["nam"][0])
        return redirect(review_url)
    year = form.cleaned_data["nam"]
    try:
        plan = create_copy(source_plan=source, year=year, user=request.user, request=request)
    except CopyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(f"{review_url}?nam={year}")
    messages.success(
        request,
        f"Đã tạo kế hoạch năm {year} (dự thảo) từ kế hoạch năm {source.year}. "
        "Số và ngày của quyết định để trống: điền khi ban hành.",
    )
    return redirect("plans:detail", pk=plan.pk)
