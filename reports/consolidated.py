"""The báo cáo tổng hợp: what a reviewer's unit reports on the communes below it for a period.

The communes below are those of the tree on 1 January of the year (orgs.Unit.communes_below_as_of).
A commune counts in the figures only when its plan of the year is issued and its báo cáo of the period
was signed and sent ("Ký và gửi", reports.signing); every other commune is listed as missing, never
counted as zero. The figures of a submitted commune are its tally at the period's cut-off (the same
rule as its own report, reports.tally) and its KPI counts; they are summed exactly (integers, rates
computed once from the sums). The rows of the unit's own plan show their coverage below
(plans.cascade) and, among the submitted communes that took a row, how many carried it out.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from indicators.models import Indicator, Measurement, PlanTarget
from indicators.selectors import is_met, percent_text, rate
from orgs.models import Unit
from plans.cascade.coverage import coverage_of
from plans.cascade.services import plan_of
from plans.models import Plan
from tasks.models import Task, TaskProgress
from tasks.statuses import CARRIED_OUT

from .models import SignedReport
from .progress import plan_tallies
from .tally import DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED, Tally


def exact_rate(done, total):
    """done / total in per cent, exact (90.625), as the commune tally writes it; 0 without contents."""
    if not total:
        return Decimal(0)
    value = Decimal(done) * 100 / Decimal(total)
    return Decimal(format(value.normalize(), "f"))


@dataclass
class CommuneLine:
    unit: Unit
    plan: Plan | None  # the issued plan of the year
    submitted: bool  # its báo cáo of the period was signed and sent
    tally: Tally | None = None  # when submitted

    @property
    def missing_reason(self):
        if self.plan is None:
            return "Chưa ban hành kế hoạch năm"
        return "Chưa gửi báo cáo kỳ này"


@dataclass
class KpiSum:
    indicator: Indicator
    numerator: int
    denominator: int
    reporting: int  # communes whose counts are summed
    target: PlanTarget | None  # the reviewer unit's own target
    below: list[Unit] = field(default_factory=list)  # communes whose own rate misses that target

    @property
    def rate(self):
        return rate(self.numerator, self.denominator)

    @property
    def rate_text(self):
        return percent_text(self.rate)

    @property
    def met(self):
        if self.target is None:
            return None
        return is_met(
            numerator=self.numerator,
            denominator=self.denominator,
            target=self.target.value,
            qualifier=self.target.qualifier,
            direction=self.indicator.direction,
        )

    @property
    def target_text(self):
        return "" if self.target is None else percent_text(self.target.value)


@dataclass
class OwnRow:
    row: object  # tasks.Task of the unit's own plan
    is_group: bool
    took: int  # communes below that took it into their plan
    communes: int
    reporting: int  # of those, communes that submitted the period's report
    carried: int  # of those, communes whose row is carried out at the cut-off

    @property
    def share(self):
        return exact_rate(self.carried, self.reporting) if self.reporting else None


@dataclass
class Consolidated:
    unit: Unit
    year: int
    period: object  # periods.ReportingPeriod
    lines: list[CommuneLine]
    kpis: list[KpiSum]
    own_plan: Plan | None
    own_rows: list[tuple[object, list[OwnRow]]]  # (section, rows)

    @property
    def communes(self):
        return len(self.lines)

    @property
    def with_plan(self):
        return sum(line.plan is not None for line in self.lines)

    @property
    def submitted(self):
        return [line for line in self.lines if line.submitted]

    @property
    def missing(self):
        return [line for line in self.lines if not line.submitted]

    @property
    def total(self):
        return sum(line.tally.total for line in self.submitted)

    @property
    def done(self):
        return sum(line.tally.done for line in self.submitted)

    @property
    def rate(self):
        return exact_rate(self.done, self.total)

    @property
    def by_status(self):
        sums = {status: 0 for status in (DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED)}
        for line in self.submitted:
            for status, count in line.tally.by_status.items():
                sums[status] += count
        return sums

    @property
    def late(self):
        return sum(len(line.tally.late) for line in self.submitted)

    @property
    def ranked(self):
        """The submitted communes, highest completion rate first (then by name)."""
        return sorted(self.submitted, key=lambda line: (-line.tally.rate, line.unit.name))

    @property
    def cutoff(self):
        return self.period.cutoff(self.year)

    @property
    def period_label(self):
        return self.period.label_for(self.year)


def _issued_plans(units, year):
    plans = {}
    for plan in (
        Plan.objects.filter(unit__in=units, year=year, status=Plan.Status.ISSUED)
        .select_related("unit")
        .order_by("unit_id", "-revision")
    ):
        plans.setdefault(plan.unit_id, plan)
    return plans


def consolidate(*, unit, year, period):
    """The Consolidated report of `unit` for `year` and `period` (a periods.ReportingPeriod)."""
    communes = list(Unit.objects.filter(pk__in=unit.communes_below_as_of(date(year, 1, 1))).order_by("name"))
    plans = _issued_plans(communes, year)
    sent = set(
        SignedReport.objects.filter(
            report__plan__in=plans.values(), report__period=period, state="done", document__isnull=False
        ).values_list("report__plan_id", flat=True)
    )
    tallies = plan_tallies(plans=[plan for plan in plans.values() if plan.pk in sent], period=period)
    lines = []
    for commune in communes:
        plan = plans.get(commune.pk)
        submitted = plan is not None and plan.pk in sent
        lines.append(
            CommuneLine(unit=commune, plan=plan, submitted=submitted, tally=tallies.get(plan.pk) if plan else None)
        )
    own_plan = plan_of(unit, year)
    return Consolidated(
        unit=unit,
        year=year,
        period=period,
        lines=lines,
        kpis=_kpis(lines, own_plan, period),
        own_plan=own_plan,
        own_rows=_own_rows(own_plan, lines, period) if own_plan is not None else [],
    )


def _kpis(lines, own_plan, period):
    submitted = {line.plan.pk: line for line in lines if line.submitted}
    targets = (
        {t.indicator_id: t for t in PlanTarget.objects.filter(plan=own_plan).select_related("indicator")}
        if own_plan
        else {}
    )
    sums: dict[int, KpiSum] = {}
    measurements = (
        Measurement.objects.filter(plan_id__in=submitted, period=period)
        .select_related("indicator")
        .order_by("indicator__name", "plan__unit__name")
    )
    for measurement in measurements:
        item = sums.get(measurement.indicator_id)
        if item is None:
            item = sums[measurement.indicator_id] = KpiSum(
                indicator=measurement.indicator,
                numerator=0,
                denominator=0,
                reporting=0,
                target=targets.get(measurement.indicator_id),
            )
        item.numerator += measurement.numerator
        item.denominator += measurement.denominator
        item.reporting += 1
        target = item.target
        if target is not None and not is_met(
            numerator=measurement.numerator,
            denominator=measurement.denominator,
            target=target.value,
            qualifier=target.qualifier,
            direction=measurement.indicator.direction,
        ):
            item.below.append(submitted[measurement.plan_id].unit)
    order = list(targets)  # the unit's own targets first, in its plan's order, then the others by name

    def position(item):
        pk = item.indicator.pk
        return (order.index(pk) if pk in order else len(order), item.indicator.name)

    return sorted(sums.values(), key=position)


def _own_rows(own_plan, lines, period):
    coverage = coverage_of(own_plan)
    submitted = {line.unit.pk for line in lines if line.submitted}
    derived_ids = [taker.row.pk for item in coverage.rows for taker in item.takers if taker.unit.pk in submitted]
    statuses = dict(
        TaskProgress.objects.filter(task_id__in=derived_ids, period=period).values_list("task_id", "status")
    )
    # A derived row with sub-items is carried out when every one of them is.
    children: dict[int, list[str]] = {}
    for parent_id, status in TaskProgress.objects.filter(task__parent_id__in=derived_ids, period=period).values_list(
        "task__parent_id", "status"
    ):
        children.setdefault(parent_id, []).append(status)
    child_counts = dict(
        Task.objects.filter(parent_id__in=derived_ids)
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )

    def carried_out(task_id):
        if child_counts.get(task_id):
            recorded = children.get(task_id, [])
            return len(recorded) == child_counts[task_id] and all(status in CARRIED_OUT for status in recorded)
        return statuses.get(task_id) in CARRIED_OUT

    sections = []
    for section, items in coverage.sections:
        rows = []
        for item in items:
            if item.is_group:
                rows.append(OwnRow(row=item.row, is_group=True, took=0, communes=0, reporting=0, carried=0))
                continue
            reporting = [taker for taker in item.takers if taker.unit.pk in submitted]
            rows.append(
                OwnRow(
                    row=item.row,
                    is_group=False,
                    took=len(item.takers),
                    communes=len(coverage.communes),
                    reporting=len(reporting),
                    carried=sum(carried_out(taker.row.pk) for taker in reporting),
                )
            )
        sections.append((section, rows))
    return sections
