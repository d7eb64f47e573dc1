"""Working days in Vietnam: Monday to Friday, minus the public holidays (the `holidays` package's
Vietnam calendar: Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, with the days off it already knows to
move), plus what the administrator records (periods.CalendarDay): a compensatory day off, or a Saturday
made a working day to make up for one. Everything that counts "working days" — how long a plan waits
for review, the reminders — counts them here.

`WorkingCalendar(first, last)` reads the recorded days of that range once and answers in O(1) after:
a dashboard of 3,321 communes asks it once per row."""

from bisect import bisect_right
from datetime import date, timedelta

import holidays

from .models import CalendarDay


def public_holidays(years):
    return holidays.country_holidays("VN", years=list(years))


class WorkingCalendar:
    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        off = public_holidays(range(first.year, last.year + 1))
        recorded = dict(CalendarDay.objects.filter(day__range=(first, last)).values_list("day", "is_working"))
        self._working = []  # the working days of the range, in order
        day = first
        while day <= last:
            working = recorded[day] if day in recorded else (day.weekday() < 5 and day not in off)
            if working:
                self._working.append(day)
            day += timedelta(days=1)

    @classmethod
    def around(cls, day: date, *, years_back=2, years_ahead=1):
        return cls(date(day.year - years_back, 1, 1), date(day.year + years_ahead, 12, 31))

    def _check(self, day):
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the calendar's range {self.first} – {self.last}")

    def is_working(self, day: date) -> bool:
        self._check(day)
        index = bisect_right(self._working, day)
        return index > 0 and self._working[index - 1] == day

    def between(self, start: date, end: date) -> int:
        """The working days after `start` up to and including `end` (0 when end ≤ start): how many
        working days something submitted on `start` has waited by `end`."""
        if end <= start:
            return 0
        self._check(start)
        self._check(end)
        return bisect_right(self._working, end) - bisect_right(self._working, start)

    def add(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (`start` itself when days is 0)."""
        if days <= 0:
            return start
        self._check(start)
        index = bisect_right(self._working, start) + days - 1
        if index >= len(self._working):
            raise ValueError("beyond the calendar's range")
        return self._working[index]
