"""Vietnamese working-day calendar: `holidays` (VN) plus official swapped days from data."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

from vss_tickets.refdata import read_yaml

_SATURDAY = 5


class WorkingCalendar:
    """Working days of a Vietnamese public office: Monday-Friday, minus public holidays
    (incl. lunar Tết and Hùng Kings' day), with swapped days applied."""

    def __init__(
        self, swaps: list[dict[str, date]] | None = None, not_holidays: list[date] | None = None
    ) -> None:
        data = read_yaml("calendar.yaml")
        swaps = data["swaps"] if swaps is None else swaps
        if not_holidays is None:
            not_holidays = [entry["date"] for entry in data["not_holidays"]]
        self._holidays = holidays.country_holidays("VN")
        self._extra_off = {s["day_off"] for s in swaps}
        self._extra_work = {s["work_on"] for s in swaps}
        self._not_holidays = set(not_holidays)

    def is_working_day(self, d: date) -> bool:
        """True when public offices work on this date."""
        if d in self._extra_work:
            return True
        if d in self._extra_off or self.holiday_name(d) is not None:
            return False
        return d.weekday() < _SATURDAY or d in self._holidays.weekend_workdays

    def holiday_name(self, d: date) -> str | None:
        """Name of the public holiday on this date, if any (Vietnamese)."""
        name = self._holidays.get(d)  # also loads that year's swapped weekend workdays
        return None if d in self._not_holidays else name

    def next_working_day(self, d: date) -> date:
        """This date if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted); n=0 returns start."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a. Inverse of add_working_days."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def add_calendar_days(self, start: date, n: int) -> date:
        """`start` + n days; an end on a weekend or holiday moves to the next working day
        (Civil Code 2015 Art. 147-148)."""
        return self.next_working_day(start + timedelta(days=n))
