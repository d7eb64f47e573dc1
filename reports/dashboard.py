"""The district dashboard (a selector): every commune-level unit below a reviewer's unit, at any
depth, with its plan of the year and what needs the reviewer's attention.

The same few queries whatever the number of communes: the communes, their parents, their plans of the
year (latest revision) read as plain values together with the stored figures (PlanFigures: leaf rows,
overdue rows, KPI targets weaker than the level above gave), and the units directly below that are
not communes (their figures are the communes' summed, UnitRow: how a province or the country drills
down). Figures that are not fresh are computed again first (plan_figures). Filtering and sorting happen
in Python over one row per commune; the page shows 50 of them at a time. The country's dashboard has
no commune rows: PostgreSQL sums the figures per province (_national). A dashboard is computed once
per state of the database (tthc_portal.caching.StateCache) and shown again while nothing was committed.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from indicators.models import Indicator, PlanTarget
from orgs.models import COMMUNE_LEVEL_KINDS, Unit
from periods.workdays import WorkingCalendar
from plans.models import Plan
from reports.models import PlanChange, PlanFigures
from tasks.models import Task, TaskProgress
from tthc_portal.caching import StateCache

NO_PLAN = "none"
NO_PLAN_LABEL = "Chưa có kế hoạch"
# A row has a result when at some period it was done, or nothing arose to do.
RESULT_STATUSES = (TaskProgress.Status.DONE, TaskProgress.Status.NOT_ARISEN)
# The order a reviewer reads statuses in: nothing yet, being written, waiting for me, finished.
STATUS_ORDER = [
    NO_PLAN,
    Plan.Status.DRAFT,
    Plan.Status.RETURNED,
    Plan.Status.SUBMITTED,
    Plan.Status.APPROVED,
    Plan.Status.ISSUED,
]
STATUS_LABELS = {NO_PLAN: NO_PLAN_LABEL, **dict(Plan.Status.choices)}
SORTS = {  # key → the value a row is sorted by (None: the row goes last, whatever the direction)
    "name": lambda row: _fold(row.unit.name),
    "status": lambda row: STATUS_ORDER.index(row.status),
    "waiting": lambda row: row.days_waiting,
    "overdue": lambda row: row.overdue_rows,
    "kpi": lambda row: row.kpi_below,
    "rows": lambda row: row.rows,
}
# Numbers read best biggest first; names and statuses in their natural order.
DESCENDING_BY_DEFAULT = {"waiting", "overdue", "kpi", "rows"}


@dataclass(frozen=True)
class PlanSummary:
    """What the dashboard shows of a commune's plan, read as plain values (no model per plan)."""

    pk: int
    unit_id: int
    revision: int
    status: str
    submitted_at: datetime | None


@dataclass
class CommuneRow:
    unit: Unit
    plan: PlanSummary | None = None
    days_waiting: int | None = None  # working days since submission, while the plan waits for review
    rows: int | None = None  # leaf rows, as the report's tally counts them
    overdue_rows: int | None = None  # leaf rows with a passed due date and no result
    kpi_below: int | None = None  # targets weaker than the higher level's

    @property
    def status(self):
        return self.plan.status if self.plan else NO_PLAN

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def submitted_at(self):
        return self.plan.submitted_at if self.plan else None


@dataclass
class UnitRow:
    """A unit between the reviewer's and the communes (a province under the country, a district under a
    province): the figures of the communes below it, summed. The way to drill down."""

    unit: Unit
    communes: int = 0
    by_status: dict = field(default_factory=dict)  # status → communes
    waiting: int = 0  # plans waiting for review
    rows: int = 0
    overdue_rows: int = 0
    kpi_below: int = 0

    @property
    def planned(self):
        return self.communes - self.by_status.get(NO_PLAN, 0)


@dataclass
class Dashboard:
    unit: Unit
    year: int
    rows: list  # CommuneRow, filtered and sorted
    counts: list  # (status, label, count) over every commune, in STATUS_ORDER
    total: int  # communes below the unit, before filters
    sort: str
    below: list = field(default_factory=list)  # UnitRow of each unit directly below that is not a commune
    summary_only: bool = False  # the country: units below only, no commune rows until one is chosen

    @cached_property
    def shows_parent(self):
        """A province's dashboard names each commune's district, when there is one in between."""
        return any(row.unit.parent_id != self.unit.pk for row in self.rows)


_kept = StateCache(size=128)  # dashboards computed in this process, by database state


def district_dashboard(*, unit, year, status=None, query="", overdue_only=False, sort="name", today=None):
    """The dashboard of `unit` for `year`. `status` is a Plan.Status or "none"; `query` matches unit
    names without regard to case or accents; `sort` is a key of SORTS, "-" in front to reverse.
    Computed once per state of the database (tthc_portal.caching.database_state): while nothing was
    committed since, the same request is answered from what this process computed, never older."""
    today = today or timezone.localdate()
    arguments = (unit.pk, unit.path, unit.kind, year, status, query, overdue_only, sort, today)
    return _kept.get(
        arguments,
        lambda: _dashboard(
            unit=unit, year=year, status=status, query=query, overdue_only=overdue_only, sort=sort, today=today
        ),
    )


def _dashboard(*, unit, year, status, query, overdue_only, sort, today):
    if unit.kind == Unit.Kind.NATION and not (status or query or overdue_only):
        return _national(unit=unit, year=year, today=today, sort=sort)
    communes = list(
        Unit.objects.filter(path__startswith=unit.path, kind__in=COMMUNE_LEVEL_KINDS)
        .exclude(pk=unit.pk)
        .order_by("path")
    )
    # Their parents are the few units above them: read once each, not once per commune.
    parents = Unit.objects.in_bulk({commune.parent_id for commune in communes if commune.parent_id})
    parent_field = Unit._meta.get_field("parent")
    for commune in communes:
        if commune.parent_id:
            parent_field.set_cached_value(commune, parents[commune.parent_id])
    rows = {commune.pk: CommuneRow(unit=commune) for commune in communes}
    _attach_plans(rows, unit=unit, year=year, cutoff=min(today, date(year + 1, 1, 1)))
    waiting = []
    for row in rows.values():
        plan = row.plan
        if plan is not None and plan.status == Plan.Status.SUBMITTED and plan.submitted_at:
            waiting.append((row, timezone.localdate(plan.submitted_at)))
    if waiting:  # in working days (periods.workdays): weekends, public holidays and days off do not count
        calendar = WorkingCalendar(min(min(day for _, day in waiting), today), max(today, date(year, 12, 31)))
        for row, day in waiting:
            row.days_waiting = calendar.between(day, today)

    everything = list(rows.values())
    counts = [(key, STATUS_LABELS[key], sum(1 for row in everything if row.status == key)) for key in STATUS_ORDER]
    chosen = [row for row in everything if _matches(row, status=status, query=query, overdue_only=overdue_only)]
    sort = sort if sort.lstrip("-") in SORTS else "name"
    return Dashboard(
        unit=unit,
        year=year,
        rows=_sorted(chosen, sort),
        counts=counts,
        total=len(everything),
        sort=sort,
        below=_below(unit, everything),
    )


def _national(*, unit, year, today, sort):
    """The country's dashboard: the provinces (the units directly below), each with its communes'
    figures summed — no commune row, so it stays small and fast for 3,321 communes; a reviewer opens a
    province, or searches a commune by name, to see them. The sums are made by PostgreSQL: one row per
    (unit below, status), whatever the number of communes."""
    children = {
        child.pk: UnitRow(unit=child)
        for child in Unit.objects.filter(parent=unit).exclude(kind__in=COMMUNE_LEVEL_KINDS).order_by("name")
    }
    depth = len(unit.path.strip("/").split("/"))
    communes = Unit.objects.filter(path__startswith=unit.path, kind__in=COMMUNE_LEVEL_KINDS).exclude(pk=unit.pk)
    cutoff = min(today, date(year + 1, 1, 1))
    in_scope = _latest_plans(year, unit__path__startswith=unit.path, unit__kind__in=COMMUNE_LEVEL_KINDS)
    sums = _sums_by_child(in_scope, depth=depth, cutoff=cutoff)
    if any(summed["fresh"] != summed["plans"] for summed in sums):
        stale = in_scope.alias(fresh=_fresh(cutoff)).filter(fresh=0).values_list("pk", flat=True)
        plan_figures(list(stale), cutoff=cutoff)
        sums = _sums_by_child(in_scope, depth=depth, cutoff=cutoff)
    by_status = {key: 0 for key in STATUS_ORDER}
    for below, communes_below in (
        communes.annotate(child=_child_id("path", depth)).order_by().values_list("child").annotate(n=Count("pk"))
    ):
        by_status[NO_PLAN] += communes_below
        if below in children:
            children[below].communes += communes_below
            children[below].by_status[NO_PLAN] = communes_below
    for summed in sums:
        status, plans = summed["status"], summed["plans"]
        by_status[status] += plans
        by_status[NO_PLAN] -= plans
        row = children.get(summed["child"])
        if row is None:
            continue
        row.by_status[status] = plans
        row.by_status[NO_PLAN] -= plans
        row.waiting += plans if status == Plan.Status.SUBMITTED else 0
        row.rows += summed["rows"] or 0
        row.overdue_rows += summed["overdue"] or 0
        row.kpi_below += summed["kpi"] or 0
    for row in children.values():
        if not row.by_status.get(NO_PLAN):
            row.by_status.pop(NO_PLAN, None)
    counts = [(key, STATUS_LABELS[key], by_status[key]) for key in STATUS_ORDER]
    sort = sort if sort.lstrip("-") in SORTS else "name"
    return Dashboard(
        unit=unit,
        year=year,
        rows=[],
        counts=counts,
        total=sum(by_status.values()),
        sort=sort,
        below=list(children.values()),
        summary_only=True,
    )


def _latest_plans(year, **units):
    """The plans of `year` of the units `units` selects (a filter on Plan), the latest revision of each
    (an issued plan that was revised is replaced by its new revision); in no particular order."""
    later = Plan.objects.filter(unit=OuterRef("unit"), year=year, revision__gt=OuterRef("revision"))
    return Plan.objects.filter(year=year, **units).exclude(Exists(later)).order_by()


def _fresh(cutoff):
    """1 when a plan's stored figures are those of its current change count and of the day `cutoff`, else
    0 (none stored, the plan changed since, or counted for another day)."""
    current = Q(figures__epoch=Coalesce(F("figures__change__epoch"), 0), figures__overdue_on=cutoff)
    return Case(When(current, then=Value(1)), default=Value(0), output_field=IntegerField())


def _child_id(path_field, depth):
    """The id, in a unit's materialised path ("/1/7/42/"), of its ancestor at the level below a unit at
    `depth` (split_part counts from 1, after the empty part before the leading "/"); a unit directly
    below gives its own id."""
    return Cast(Func(F(path_field), Value("/"), Value(depth + 2), function="split_part"), IntegerField())


def _sums_by_child(plans, *, depth, cutoff):
    """Per (unit below, status): the plans, their stored figures summed, and how many of them are fresh."""
    return list(
        plans.annotate(child=_child_id("unit__path", depth))
        .values("child", "status")
        .annotate(
            plans=Count("pk"),
            fresh=Sum(_fresh(cutoff)),
            rows=Sum("figures__leaf_rows"),
            overdue=Sum("figures__overdue_count"),
            kpi=Sum("figures__kpi_below"),
        )
        .order_by()
    )


def _below(unit, rows):
    """A UnitRow for each unit directly below `unit` that is not a commune, from the commune rows."""
    children = {
        child.pk: UnitRow(unit=child)
        for child in Unit.objects.filter(parent=unit).exclude(kind__in=COMMUNE_LEVEL_KINDS).order_by("name")
    }
    if not children:
        return []
    depth = len(unit.path.strip("/").split("/"))
    for row in rows:
        ids = row.unit.path.strip("/").split("/")
        summed = children.get(int(ids[depth])) if len(ids) > depth + 1 else None
        if summed is None:
            continue
        summed.communes += 1
        summed.by_status[row.status] = summed.by_status.get(row.status, 0) + 1
        summed.waiting += row.status == Plan.Status.SUBMITTED
        summed.rows += row.rows or 0
        summed.overdue_rows += row.overdue_rows or 0
        summed.kpi_below += row.kpi_below or 0
    return list(children.values())


def _attach_plans(rows, *, unit, year, cutoff):
    """The year's plan of every commune (after an issued plan was revised, the latest revision) and its
    figures, read as plain values in one query with the stored figures; those not fresh (_fresh) are
    brought up to date by plan_figures."""
    plans = _latest_plans(year, unit__path__startswith=unit.path, unit__kind__in=COMMUNE_LEVEL_KINDS)
    read = plans.annotate(fresh=_fresh(cutoff)).values_list(
        "pk",
        "unit_id",
        "revision",
        "status",
        "submitted_at",
        "fresh",
        "figures__leaf_rows",
        "figures__overdue_count",
        "figures__kpi_below",
    )
    stale = {}
    for pk, unit_id, revision, status, submitted_at, fresh, leaf_rows, overdue, kpi_below in read:
        row = rows.get(unit_id)
        if row is None:
            continue
        row.plan = PlanSummary(pk=pk, unit_id=unit_id, revision=revision, status=status, submitted_at=submitted_at)
        if fresh:
            row.rows, row.overdue_rows, row.kpi_below = leaf_rows, overdue, kpi_below
        else:
            stale[pk] = row
    if stale:
        for pk, (leaf_rows, overdue, kpi_below) in plan_figures(list(stale), cutoff=cutoff).items():
            stale[pk].rows, stale[pk].overdue_rows, stale[pk].kpi_below = leaf_rows, overdue, kpi_below


def plan_figures(plans, *, cutoff):
    """{plan pk: (leaf rows, overdue rows at `cutoff`, weaker KPI targets)} for `plans` (a list of plan
    pks, or a queryset of them: a country's 3,321 plans go into the SQL as a subquery, not as a list)
    from the stored PlanFigures: those
    whose plan changed since (PlanChange) are computed again, for all of them together, and the
    overdue count is summed again for a new cut-off day (once a day). In the steady state one read of
    small integer columns whatever the number of plans."""
    ids = plans if isinstance(plans, list) else list(plans.values_list("pk", flat=True))
    stored = {
        row[0]: row[1:]
        for row in PlanFigures.objects.filter(plan_id__in=plans).values_list(
            "plan_id", "epoch", "leaf_rows", "kpi_below", "overdue_on", "overdue_count", "change__epoch"
        )
    }
    stale = [pk for pk in ids if pk not in stored or stored[pk][0] != (stored[pk][5] or 0)]
    result = {}
    if stale:
        epochs = dict(PlanChange.objects.filter(plan_id__in=stale).values_list("plan_id", "epoch"))
        for pk, figures in compute_figures(stale, epochs=epochs, cutoff=cutoff).items():
            result[pk] = (figures.leaf_rows, figures.overdue_count, figures.kpi_below)
    other_day = [pk for pk in ids if pk not in result and stored[pk][3] != cutoff]
    if other_day:
        updated = list(PlanFigures.objects.filter(plan_id__in=other_day).only("plan_id", "open_due"))
        for figures in updated:
            figures.overdue_on, figures.overdue_count = cutoff, figures.overdue_rows(cutoff)
        PlanFigures.objects.bulk_update(updated, ["overdue_on", "overdue_count"])
        for figures in updated:
            result[figures.plan_id] = (stored[figures.plan_id][1], figures.overdue_count, stored[figures.plan_id][2])
    for pk in ids:
        if pk not in result:
            _, leaf_rows, kpi_below, _, overdue_count, _ = stored[pk]
            result[pk] = (leaf_rows, overdue_count, kpi_below)
    return result


def compute_figures(plan_ids, *, epochs, cutoff):
    """Compute and store the PlanFigures of these plans (as of their `epochs`, overdue counted at
    `cutoff`); returns them by plan."""
    figures = {
        pk: PlanFigures(plan_id=pk, epoch=epochs.get(pk, 0), leaf_rows=0, open_due={}, kpi_below=0) for pk in plan_ids
    }
    has_result = Exists(TaskProgress.objects.filter(task=OuterRef("pk"), status__in=RESULT_STATUSES))
    leaves = (
        Task.objects.filter(section__plan_id__in=plan_ids)
        .filter(~Exists(Task.objects.filter(parent=OuterRef("pk"))))
        .order_by()  # no default ordering: it would join the plans and units into the aggregate
        .values("section__plan_id", "first_due")
        .annotate(rows=Count("pk"), open=Count("pk", filter=~has_result))
        .values_list("section__plan_id", "first_due", "rows", "open")
    )
    for plan_id, first_due, rows, still_open in leaves:
        figures[plan_id].leaf_rows += rows
        if first_due and still_open:
            figures[plan_id].open_due[first_due] = still_open
    weaker = Q(indicator__direction=Indicator.Direction.HIGHER, value__lt=F("higher_target")) | Q(
        indicator__direction=Indicator.Direction.LOWER, value__gt=F("higher_target")
    )
    counted = (
        PlanTarget.objects.filter(plan_id__in=plan_ids, higher_target__isnull=False)
        .filter(weaker)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    for plan_id, n in counted:
        figures[plan_id].kpi_below = n
    for computed in figures.values():
        computed.overdue_on, computed.overdue_count = cutoff, computed.overdue_rows(cutoff)
    PlanFigures.objects.bulk_create(
        figures.values(),
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["epoch", "leaf_rows", "open_due", "kpi_below", "overdue_on", "overdue_count", "computed_at"],
    )
    return figures


def _sorted(rows, sort):
    """By the column, ties by name; rows without a value (no plan, not waiting) last."""
    key = sort.lstrip("-")
    reverse = (key in DESCENDING_BY_DEFAULT) != sort.startswith("-")
    rows = sorted(rows, key=lambda row: (_fold(row.unit.name), row.unit.path))
    valued = [row for row in rows if SORTS[key](row) is not None]
    valued.sort(key=SORTS[key], reverse=reverse)  # stable, also reversed: ties stay in name order
    return valued + [row for row in rows if SORTS[key](row) is None]


def _matches(row, *, status, query, overdue_only):
    if status and row.status != status:
        return False
    if overdue_only and not row.overdue_rows:
        return False
    if query and _fold(query) not in _fold(row.unit.name):
        return False
    return True


_FOLDED: dict[str, str] = {}  # names seen by this process, folded (a country has ~3,400 units)


def _fold(text):
    """ "Lê Lợi" → "le loi": case and accents do not matter when searching or sorting names."""
    text = text or ""
    folded = _FOLDED.get(text)
    if folded is None:
        plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        folded = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold().strip()
        if len(_FOLDED) < 50_000:
            _FOLDED[text] = folded
    return folded
