"""Reporting periods and their data cut-offs (Nghị định 09/2019/NĐ-CP, art. 12).

A quarter runs from the 15th of the month before it to the 14th of its last month; 6 months from
15/12 of the previous year to 14/06; 9 months 15/12 to 14/09; the year 15/12 to 14/12. The rows
live in the ReportingPeriod table (seeded by a migration from PERIODS below); this module only
turns a row into dates.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodCode(StrEnum):
    """The codes of the reporting periods, as stored and written in addresses ("/bao-cao/12/9M/")."""

    Q1 = "Q1"
    Q2 = "Q2"
    SIX_MONTHS = "6M"
    Q3 = "Q3"
    NINE_MONTHS = "9M"
    Q4 = "Q4"
    YEAR = "Y"


# What communes report on cumulatively, from the year's start (the other periods are single quarters).
CUMULATIVE = (PeriodCode.Q1, PeriodCode.SIX_MONTHS, PeriodCode.NINE_MONTHS, PeriodCode.YEAR)


@dataclass(frozen=True)
class PeriodSpec:
    code: PeriodCode
    name: str
    order: int
    start_month: int
    start_day: int
    start_in_previous_year: bool
    end_month: int
    end_day: int
    label: str  # as in a report's title: "9 tháng đầu năm 2023"


PERIODS = [
    PeriodSpec(PeriodCode.Q1, "Quý I", 1, 12, 15, True, 3, 14, "quý I năm {year}"),
    PeriodSpec(PeriodCode.Q2, "Quý II", 2, 3, 15, False, 6, 14, "quý II năm {year}"),
    PeriodSpec(PeriodCode.SIX_MONTHS, "6 tháng đầu năm", 3, 12, 15, True, 6, 14, "6 tháng đầu năm {year}"),
    PeriodSpec(PeriodCode.Q3, "Quý III", 4, 6, 15, False, 9, 14, "quý III năm {year}"),
    PeriodSpec(PeriodCode.NINE_MONTHS, "9 tháng đầu năm", 5, 12, 15, True, 9, 14, "9 tháng đầu năm {year}"),
    PeriodSpec(PeriodCode.Q4, "Quý IV", 6, 9, 15, False, 12, 14, "quý IV năm {year}"),
    PeriodSpec(PeriodCode.YEAR, "Năm", 7, 12, 15, True, 12, 14, "năm {year}"),
]


def bounds(period, year):
    """(first day, cut-off day) of a period row (anything with the PeriodSpec fields) in a year."""
    start_year = year - 1 if period.start_in_previous_year else year
    return date(start_year, period.start_month, period.start_day), date(year, period.end_month, period.end_day)


def ensure_periods(model):
    """Create or update the period rows from PERIODS (used by the data migration and seed_demo,
    so a flushed database gets them back)."""
    for spec in PERIODS:
        model.objects.update_or_create(
            code=str(spec.code),
            defaults={
                "name": spec.name,
                "order": spec.order,
                "start_month": spec.start_month,
                "start_day": spec.start_day,
                "start_in_previous_year": spec.start_in_previous_year,
                "end_month": spec.end_month,
                "end_day": spec.end_day,
                "label": spec.label,
            },
        )
