"""Reading plans for a user: which plans a list shows (a page at a time, filtered), and which units
they may start a plan for. The same few queries for a commune and for the whole country."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone

from orgs.models import COMMUNE_LEVEL_KINDS, Unit
from orgs.scoping import MANAGING_ROLES
from plans.models import Plan


def listed_plans(user):
    """The plans a user sees, newest year first and in the unit tree's order, with their units and
    decisions (one query for a page, whatever the number of units)."""
    return (
        Plan.objects.visible_to(user)
        .select_related("unit", "unit__parent", "decision")
        .order_by("-year", "unit__path", "revision")
    )


def creatable_units(user):
    """Commune-level units the user may write a plan for: those they manage themselves
    (orgs.scoping.manages_unit), in one query."""
    today = timezone.localdate()
    units = (
        Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        .select_related("parent")
        .order_by("path")
    )
    if not user.is_authenticated or not user.is_active:
        return units.none()
    if user.is_superuser:
        return units
    current = Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gt=today)
    return units.filter(current, memberships__user=user, memberships__role__in=MANAGING_ROLES).distinct()


PAGE_SIZE = 50


@dataclass
class PlanPage:
    page: Page
    params: str  # the query string without the page number, for the page links
    years: list[int]  # the years the user has plans of, newest first
    year: int | None
    status: str
    query: str

    @property
    def filtered(self):
        return bool(self.year or self.status or self.query)


def plan_page(user, params, *, per_page=PAGE_SIZE):
    """One page of the plans `user` sees, filtered by the request's `nam` (year), `trang_thai`
    (status) and `q` (unit or parent unit name); `trang` is the page number."""
    plans = listed_plans(user)
    # The years and how many plans each: the year choices, and the page count without a COUNT query
    # when no filter but the year is set.
    per_year = dict(plans.order_by().values_list("year").annotate(n=Count("pk")))
    years = sorted(per_year, reverse=True)
    year = _year(params.get("nam"))
    status = params.get("trang_thai", "")
    status = status if status in Plan.Status.values else ""
    query = params.get("q", "").strip()[:100]
    if year:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(unit__name__icontains=query) | Q(unit__parent__name__icontains=query))
    rest = params.copy()
    rest.pop("trang", None)
    # The page's plans are chosen on narrow rows (the sort reads the year and the unit's path), then
    # read whole with their units and decisions: a country's 3,321 plans are not joined and sorted wide.
    paginator = Paginator(plans.values_list("pk", flat=True), per_page)
    if not (status or query):
        paginator.count = per_year.get(year, 0) if year else sum(per_year.values())
    page = paginator.get_page(params.get("trang"))
    chosen = Plan.objects.select_related("unit", "unit__parent", "decision").in_bulk(list(page.object_list))
    page.object_list = [chosen[pk] for pk in page.object_list if pk in chosen]
    return PlanPage(page=page, params=rest.urlencode(), years=years, year=year, status=status, query=query)


def _year(text):
    text = str(text or "")
    return int(text) if text.isdigit() and len(text) == 4 else None
