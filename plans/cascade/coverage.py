"""How far a higher plan reached the plans below it, counted from the links (Task.source) alone:
for each of its rows, which communes below took it into their plan of the year (with their deadline,
flagged when later than the row's), and which did not. The communes below are those of the tree as it
stood on 1 January of the plan's year (orgs.Unit.communes_below_as_of), so a 2024 province plan counts
its 2024 communes even after the 2025 reorganisation."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.db.models.functions import Coalesce

from orgs.models import Unit
from plans.models import Plan
from tasks.models import Task
from tasks.selectors import plan_table

from .services import offer_rows


def later_than_source(row, source):
    """The derived row's last due date is after its source row's last one (both must have dates)."""
    return bool(row.due_dates and source.due_dates and max(row.due_dates) > max(source.due_dates))


@dataclass
class Taker:
    unit: Unit
    plan: Plan
    row: Task
    late: bool


@dataclass
class RowCoverage:
    row: Task
    takers: list[Taker] = field(default_factory=list)
    missing: list[Unit] = field(default_factory=list)
    is_group: bool = False  # a heading over sub-items counted one by one (plans.cascade.services.offer_rows)

    @property
    def late_count(self):
        return sum(taker.late for taker in self.takers)


@dataclass
class Coverage:
    plan: Plan
    communes: list[Unit]
    sections: list  # [(section, [RowCoverage])]

    @property
    def rows(self):
        """The rows counted (group headings left out)."""
        return [item for _, items in self.sections for item in items if not item.is_group]


def _lineage(plan):
    """{row id of `plan`: ids of the rows it was copied from within the same unit and year} — a row
    of a new revision still counts the links made to the revision before it."""
    rows = list(Task.objects.filter(section__plan=plan).values_list("pk", "origin_id"))
    lineage = {pk: {pk} for pk, _ in rows}
    frontier = {pk: origin for pk, origin in rows if origin}
    same_plans = set(Plan.objects.filter(unit_id=plan.unit_id, year=plan.year).values_list("pk", flat=True))
    while frontier:
        origins = {
            item["pk"]: item
            for item in Task.objects.filter(pk__in=set(frontier.values()), section__plan_id__in=same_plans).values(
                "pk", "origin_id"
            )
        }
        next_frontier = {}
        for pk, origin in frontier.items():
            if origin in origins and origin not in lineage[pk]:
                lineage[pk].add(origin)
                if origins[origin]["origin_id"]:
                    next_frontier[pk] = origins[origin]["origin_id"]
        frontier = next_frontier
    return lineage


def coverage_of(plan):
    """Coverage of each top-level row of `plan` among the communes below its unit (that year's tree)."""
    communes = list(Unit.objects.filter(pk__in=plan.unit.communes_below_as_of(date(plan.year, 1, 1))).order_by("name"))
    lineage = _lineage(plan)
    owner = {source: pk for pk, sources in lineage.items() for source in sources}
    derived = (
        Task.objects.filter(source_id__in=owner, section__plan__year=plan.year)
        .select_related("section__plan__unit")
        .order_by("section__plan__unit__name", "-section__plan__revision")
    )
    derived = [task for task in derived if task.section.plan.unit_id in {commune.pk for commune in communes}]
    # Each commune's current plan of the year only (its latest revision): a row a later revision dropped
    # does not count.
    latest = {}
    for unit_id, pk in (
        Plan.objects.filter(unit_id__in={task.section.plan.unit_id for task in derived}, year=plan.year)
        .order_by("unit_id", "-revision")
        .values_list("unit_id", "pk")
    ):
        latest.setdefault(unit_id, pk)
    by_row: dict[int, dict[int, Taker]] = {}
    for task in derived:
        unit = task.section.plan.unit
        if latest.get(unit.pk) != task.section.plan_id:
            continue
        takers = by_row.setdefault(owner[task.source_id], {})
        takers.setdefault(unit.pk, Taker(unit=unit, plan=task.section.plan, row=task, late=False))
    sections = []
    for section in plan_table(plan):
        items = []
        for row, is_group in offer_rows(section):
            if is_group:
                items.append(RowCoverage(row=row, is_group=True))
                continue
            takers = list(by_row.get(row.pk, {}).values())
            for taker in takers:
                taker.late = later_than_source(taker.row, row)
            took = {taker.unit.pk for taker in takers}
            items.append(RowCoverage(row=row, takers=takers, missing=[c for c in communes if c.pk not in took]))
        sections.append((section, items))
    return Coverage(plan=plan, communes=communes, sections=sections)


@dataclass
class Derived:
    """A row of a plan taken from a higher plan, as the plan page shows it."""

    row: Task
    source: Task
    late: bool

    @property
    def source_plan(self):
        return self.source.section.plan

    @property
    def source_key(self):
        return row_key(self.source)

    @property
    def key(self):
        return row_key(self.row)


def row_key(row):
    """ "II.1.2" for sub-item 1.2 (or "1.2." / "-") of row 1 in section II; "I.3" for a top-level row."""
    number = row.number.strip().rstrip(".")
    if row.parent_id is None:
        return f"{row.section.number}.{number}" if number else row.section.number
    parent = row.parent.number.strip().rstrip(".")
    if number.startswith(parent + "."):
        return f"{row.section.number}.{number}"
    return f"{row.section.number}.{parent} {number}".rstrip()


def derived_rows(plan):
    """The plan's rows taken from a higher plan (sub-items too), in the plan's order, each with its
    source and whether its deadline is later than the source's."""
    rows = (
        Task.objects.filter(section__plan=plan, source__isnull=False)
        .select_related("section", "parent", "source__section__plan__unit", "source__parent")
        .order_by(
            "section__order", Coalesce("parent__order", "order"), F("parent_id").asc(nulls_first=True), "order", "pk"
        )
    )
    return [Derived(row=row, source=row.source, late=later_than_source(row, row.source)) for row in rows]
