"""The plan above and the plans below: "Lấy từ kế hoạch cấp trên" on a draft plan, and the coverage of
a higher plan's rows among the communes below (page and .xlsx). The rules live in plans.cascade."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from plans.access import plan_view
from plans.editing.services import denied_message
from plans.permissions import can_edit_plan, is_locked

from .coverage import coverage_of
from .exporting import coverage_workbook
from .services import offers_for, take_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can_take(user, plan):
    return not is_locked(plan) and can_edit_plan(user, plan)


@require_http_methods(["GET", "POST"])
@plan_view(require=_can_take, denied=denied_message)
def take_from_above(request, plan):
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("row") if value.isdigit()]
        if not ids:
            messages.error(request, "Hãy chọn ít nhất một nội dung để lấy vào kế hoạch.")
            return redirect("plans:take_from_above", pk=plan.pk)
        try:
            taken = take_rows(plan=plan, row_ids=ids, user=request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("plans:take_from_above", pk=plan.pk)
        _tell(request, taken)
        return redirect("plans:detail", pk=plan.pk)
    higher = offers_for(plan)
    return render(
        request,
        "plans/cascade/take.html",
        {"plan": plan, "higher": higher, "any_plan": any(item.plan for item in higher)},
    )


def _tell(request, taken):
    parts = [f"Đã thêm {len(taken.added)} nội dung đã chọn từ kế hoạch cấp trên"]
    if taken.created > len(taken.added):
        parts[0] += f" ({taken.created} dòng, kể cả các ý con và dòng mục lớn chứa chúng)"
    if taken.already:
        parts.append(f"{len(taken.already)} nội dung đã có trong kế hoạch nên không thêm lại")
    messages.success(request, "; ".join(parts) + ". Hãy sửa nội dung, chủ trì và thời hạn cho phù hợp với đơn vị.")
    for text in taken.cited:
        messages.info(request, f"Đã thêm căn cứ: {text}")
    for higher in taken.not_cited:
        messages.warning(
            request,
            f"Kế hoạch năm {higher.year} của {higher.unit} chưa ban hành (chưa có số, ngày): hãy thêm căn cứ khi có.",
        )


FILTERS = {
    "": "Tất cả nội dung",
    "chua-du": "Còn xã chưa lấy",
    "tre-han": "Có xã đặt thời hạn muộn hơn",
}


@require_GET
@plan_view
def coverage(request, plan):
    chosen = request.GET.get("loc", "")
    query = " ".join(request.GET.get("q", "").split()).lower()
    found = coverage_of(plan)
    sections = []
    for section, items in found.sections:
        kept = [
            item
            for item in items
            if not item.is_group
            and (chosen != "chua-du" or item.missing)
            and (chosen != "tre-han" or item.late_count)
            and (not query or query in item.row.content.lower())
        ]
        if not chosen and not query:
            kept = items  # unfiltered: the headings too
        if kept:
            sections.append((section, kept))
    return render(
        request,
        "plans/cascade/coverage.html",
        {
            "plan": plan,
            "coverage": found,
            "sections": sections,
            "filters": FILTERS,
            "chosen": chosen,
            "query": request.GET.get("q", ""),
        },
    )


@require_GET
@plan_view
def coverage_xlsx(request, plan):
    data = coverage_workbook(coverage_of(plan))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="do-phu-{plan.unit.slug}-{plan.year}.xlsx"'
    return response
