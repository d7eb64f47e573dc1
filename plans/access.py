"""How a view that works on one plan finds it and refuses: one place for the 404 and the 403.

- A plan the user may not see answers 404, exactly as a plan that does not exist, so its existence
  does not leak; the refusal is written to the audit log (orgs.audit.record_refused).
- A plan the user sees but may not change answers 403 with the reason in Vietnamese: the page
  `forbidden.html`, or for an htmx request the fragment `_forbidden.html` that the page shows in place.
  A service that refuses (PermissionDenied) answers the same way, whoever called it.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from orgs.audit import record_refused
from plans.models import Plan


def visible_plan_or_404(request, pk):
    """The plan `pk` if the user may see it (with its unit and decision loaded); Http404 otherwise."""
    try:
        return Plan.objects.visible_to(request.user).select_related("unit", "decision").get(pk=pk)
    except Plan.DoesNotExist:
        hidden = Plan.objects.filter(pk=pk).select_related("unit").first()
        if hidden is not None:
            record_refused(request, hidden)
        raise Http404("Không tìm thấy kế hoạch.") from None


def forbidden(request, message, *, plan=None):
    """The 403 answer: the page, or the fragment an htmx request puts in place."""
    template = "_forbidden.html" if request.htmx else "forbidden.html"
    return render(request, template, {"message": message, "plan": plan}, status=403)


def plan_view(view=None, *, require=None, denied=None):
    """Decorator for a view of one plan (the URL's `pk` or `plan_pk`): the view is called as
    view(request, plan, **other URL arguments) for a plan the user may see (404 otherwise).

    `require(user, plan)`: a right the view needs (403 with `denied(plan)` when it is missing). A
    PermissionDenied raised by the view — a service refusing — answers 403 with its message."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            pk = kwargs.pop("pk") if "pk" in kwargs else kwargs.pop("plan_pk")
            plan = visible_plan_or_404(request, pk)
            try:
                if require is not None and not require(request.user, plan):
                    raise PermissionDenied(denied(plan) if denied else "")
                return view(request, plan, *args, **kwargs)
            except PermissionDenied as refusal:
                return forbidden(request, str(refusal) or (denied(plan) if denied else ""), plan=plan)

        return wrapper

    return decorator(view) if view is not None else decorator
