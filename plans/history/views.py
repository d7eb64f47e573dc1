"""A plan's change history: what changed since the last submission (row by row) and the full log of
changes (who, when, what), for anyone who may see the plan. Reading only."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plans.access import plan_view
from plans.history.diff import change_log, changes_since_last_submission

ENTRIES_PER_PAGE = 30


@require_GET
@plan_view
def plan_history(request, plan):
    page = Paginator(change_log(plan), ENTRIES_PER_PAGE).get_page(request.GET.get("trang"))
    context = {"plan": plan, "diff": changes_since_last_submission(plan), "page": page, "always": True}
    return render(request, "plans/history/page.html", context)
