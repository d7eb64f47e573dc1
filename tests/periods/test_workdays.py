"""Working days: weekends and Vietnam's public holidays off (Tết, 30/4–1/5 with their moved day off),
and the days the administrator records (a compensatory day off, a Saturday made a working day)."""

from datetime import date

import pytest

from periods.models import CalendarDay
from periods.workdays import WorkingCalendar

pytestmark = pytest.mark.django_db


def calendar():
    return WorkingCalendar(date(2023, 1, 1), date(2025, 12, 31))


def test_tet_2024_is_not_counted():
    # Submitted Wednesday 7/2/2024; Tết holidays Thursday 8/2 to Wednesday 14/2; back on Thursday 15/2.
    assert calendar().between(date(2024, 2, 7), date(2024, 2, 15)) == 1
    assert not calendar().is_working(date(2024, 2, 12))


def test_30_4_and_1_5_with_the_moved_day_off_are_not_counted():
    # Friday 26/4 → Thursday 2/5/2024: Monday 29/4 (moved day off), 30/4 and 1/5 are off.
    assert calendar().between(date(2024, 4, 26), date(2024, 5, 2)) == 1


def test_a_saturday_made_a_working_day_counts():
    assert calendar().between(date(2024, 5, 2), date(2024, 5, 6)) == 2  # Friday 3/5, Monday 6/5
    CalendarDay.objects.create(day=date(2024, 5, 4), is_working=True, note="Làm bù cho ngày 29/4/2024")
    assert calendar().between(date(2024, 5, 2), date(2024, 5, 6)) == 3
    assert calendar().is_working(date(2024, 5, 4))


def test_a_compensatory_day_off_does_not_count():
    CalendarDay.objects.create(day=date(2024, 3, 8), is_working=False, note="Nghỉ bù")
    assert not calendar().is_working(date(2024, 3, 8))
    assert calendar().between(date(2024, 3, 7), date(2024, 3, 11)) == 1  # Monday 11/3 only


def test_adding_working_days_skips_tet():
    assert calendar().add(date(2024, 2, 7), 5) == date(2024, 2, 21)


def test_nothing_waited_before_or_on_the_day_itself():
    assert calendar().between(date(2024, 6, 3), date(2024, 6, 3)) == 0
    assert calendar().between(date(2024, 6, 5), date(2024, 6, 3)) == 0
