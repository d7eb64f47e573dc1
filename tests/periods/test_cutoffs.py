from datetime import date

import pytest

from periods.cutoffs import PERIODS, bounds
from periods.models import ReportingPeriod

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Q1": (date(2023, 12, 15), date(2024, 3, 14)),
    "Q2": (date(2024, 3, 15), date(2024, 6, 14)),
    "Q3": (date(2024, 6, 15), date(2024, 9, 14)),
    "Q4": (date(2024, 9, 15), date(2024, 12, 14)),
    "6M": (date(2023, 12, 15), date(2024, 6, 14)),
    "9M": (date(2023, 12, 15), date(2024, 9, 14)),
    "Y": (date(2023, 12, 15), date(2024, 12, 14)),
}


@pytest.mark.parametrize("code", EXPECTED)
def test_each_period_runs_between_the_decree_09_2019_cutoffs(code):
    assert ReportingPeriod.objects.get(code=code).bounds(2024) == EXPECTED[code]


def test_the_periods_are_rows_seeded_from_one_table():
    assert list(ReportingPeriod.objects.values_list("code", flat=True)) == [spec.code for spec in PERIODS]


def test_the_quarters_cover_the_reporting_year_without_gaps():
    quarters = [bounds(spec, 2024) for spec in PERIODS if spec.code.startswith("Q")]
    for (_, end), (start, _) in zip(quarters, quarters[1:], strict=False):
        assert (start - end).days == 1


def test_a_period_label_reads_as_in_a_report_title():
    assert ReportingPeriod.objects.get(code="9M").label_for(2023) == "9 tháng đầu năm 2023"
