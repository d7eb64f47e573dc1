"""Reading a plan's KPIs: its targets side by side with what was counted in a reporting period.

`kpi_rows(plan=…, period=…)` is what the KPI page, the báo cáo PDF and the Excel export show; it
runs two queries (the plan's targets, the period's measurements) whatever the number of rows.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from periods.cutoffs import PeriodCode

from .models import Indicator, Measurement, PlanTarget
from .targets import Proposal, propose_target, target_problem

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")

QUALIFIER_WORDS: dict[str, str] = {
    PlanTarget.Qualifier.MIN: "tối thiểu",
    PlanTarget.Qualifier.ABOVE: "trên",
    PlanTarget.Qualifier.EXACT: "đạt",
}


def rate(numerator, denominator):
    """numerator / denominator in per cent, rounded half up to 2 decimals; None without a count."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENTS, rounding=ROUND_HALF_UP)


def is_met(*, numerator, denominator, target, qualifier, direction=Indicator.Direction.HIGHER):
    """Whether the counted rate reaches the target, compared exactly (not the rounded rate).

    "tối thiểu" (min) and "đạt" (exact) are reached at the target or beyond it in the indicator's good
    direction; "trên" (above) needs strictly beyond. None when nothing was counted or no target set.
    """
    if numerator is None or not denominator or target is None:
        return None
    # numerator / denominator * 100 compared with target, without division.
    actual, wanted = Decimal(numerator) * HUNDRED, Decimal(target) * Decimal(denominator)
    if direction == Indicator.Direction.LOWER:
        actual, wanted = -actual, -wanted
    if qualifier == PlanTarget.Qualifier.ABOVE:
        return actual > wanted
    return actual >= wanted


@dataclass(frozen=True)
class KpiRow:
    """One indicator of a plan in one period.

    `target` / `measurement` are the model rows (None when absent); the other fields are copied out so
    a template or a PDF never needs another query. `rate` is in per cent (2 decimals); `gap` is how
    many points the rate is beyond (+) or short of (−) the target in the indicator's good direction.
    """

    indicator: Indicator
    target: PlanTarget | None
    measurement: Measurement | None
    target_value: Decimal | None
    qualifier: str | None
    numerator: int | None
    denominator: int | None
    rate: Decimal | None
    met: bool | None
    gap: Decimal | None

    @property
    def qualifier_label(self):
        """ "Tối thiểu", "Trên", "Đạt" (the choice's label), "" without a target."""
        return PlanTarget.Qualifier(self.qualifier).label if self.qualifier else ""

    @property
    def target_text(self):
        """The target as a plan writes it: "tối thiểu 50%", "trên 60%", "đạt 100%"; "" without one."""
        if self.target_value is None:
            return ""
        return f"{QUALIFIER_WORDS[self.qualifier or '']} {percent_text(self.target_value)}"

    @property
    def rate_text(self):
        return percent_text(self.rate)

    @property
    def gap_text(self):
        """ "vượt 2,5 điểm", "thiếu 1,46 điểm", "" (no verdict or right on target)."""
        if not self.gap:
            return ""
        points = percent_text(abs(self.gap)).removesuffix("%")
        return f"vượt {points} điểm" if self.gap > 0 else f"thiếu {points} điểm"

    @property
    def measured(self):
        return self.measurement is not None

    @property
    def status_text(self):
        if self.met is None:
            return "Chưa có số liệu" if not self.measured else "Chưa giao chỉ tiêu"
        return "Đạt" if self.met else "Chưa đạt"


def percent_text(value):
    """Decimal → "98,54%", "50%" (Vietnamese decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    text = format(Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP).normalize(), "f")
    return text.replace(".", ",") + "%"


def _row(indicator, target, measurement):
    target_value = target.value if target else None
    qualifier = target.qualifier if target else None
    numerator = measurement.numerator if measurement else None
    denominator = measurement.denominator if measurement else None
    row_rate = rate(numerator, denominator)
    gap = None
    if row_rate is not None and target_value is not None:
        gap = row_rate - target_value
        if indicator.direction == Indicator.Direction.LOWER:
            gap = -gap
    return KpiRow(
        indicator=indicator,
        target=target,
        measurement=measurement,
        target_value=target_value,
        qualifier=qualifier,
        numerator=numerator,
        denominator=denominator,
        rate=row_rate,
        met=is_met(
            numerator=numerator,
            denominator=denominator,
            target=target_value,
            qualifier=qualifier,
            direction=indicator.direction,
        ),
        gap=gap,
    )


def kpi_rows(*, plan, period) -> list[KpiRow]:
    """The plan's targets in the order the plan gives them, each with its measurement in `period`
    (a ReportingPeriod or its code), then any indicator measured without a target, by name."""
    period_filter = {"period__code": period} if isinstance(period, str) else {"period": period}
    targets = list(PlanTarget.objects.filter(plan=plan).select_related("indicator").order_by("pk"))
    measurements = {
        m.indicator_id: m
        for m in Measurement.objects.filter(plan=plan, **period_filter).select_related("indicator", "updated_by")
    }
    rows = [_row(t.indicator, t, measurements.pop(t.indicator_id, None)) for t in targets]
    extra = sorted(measurements.values(), key=lambda m: m.indicator.name)
    rows.extend(_row(m.indicator, None, m) for m in extra)
    return rows


def target_rows(*, plan) -> list[KpiRow]:
    """The plan's targets as KpiRows without figures (one query): for the targets table alone."""
    targets = PlanTarget.objects.filter(plan=plan).select_related("indicator").order_by("pk")
    return [_row(t.indicator, t, None) for t in targets]


@dataclass(frozen=True)
class TargetLine:
    """A target as the targets table shows it: with the rule's proposal, and the rule's objection
    when the stored value breaks it (a target entered before the higher level's was known)."""

    row: KpiRow
    proposal: Proposal
    problem: str | None

    @property
    def target(self):
        return self.row.target

    @property
    def value_text(self):
        return percent_text(self.target.value)

    @property
    def higher_text(self):
        return percent_text(self.target.higher_target)

    @property
    def last_year_text(self):
        return percent_text(self.target.last_year_result)

    @property
    def proposal_text(self):
        return percent_text(self.proposal.value)

    @property
    def below_proposal(self):
        return self.proposal.value is not None and self.target.value < self.proposal.value


def target_lines(rows):
    """The rows that carry a target, each with the target rule's proposal (no query)."""
    lines = []
    for row in rows:
        if row.target is None:
            continue
        target = row.target
        lines.append(
            TargetLine(
                row=row,
                proposal=propose_target(higher_target=target.higher_target, last_year_result=target.last_year_result),
                problem=target_problem(value=target.value, higher_target=target.higher_target)
                if row.indicator.direction == Indicator.Direction.HIGHER
                else None,
            )
        )
    return lines


def default_period(*, plan, periods, today):
    """The period a user most likely reports on: in the plan's year, the latest one whose cut-off
    has passed (the cumulative one when two end together); the year for a past plan; the first
    period for a future one or before the first cut-off."""
    periods = sorted(periods, key=lambda p: p.order)
    if not periods:
        return None
    if plan.year < today.year:
        return next((p for p in periods if p.code == PeriodCode.YEAR), periods[-1])
    passed = [p for p in periods if plan.year == today.year and p.cutoff(plan.year) <= today]
    return max(passed, key=lambda p: (p.cutoff(plan.year), p.order)) if passed else periods[0]
