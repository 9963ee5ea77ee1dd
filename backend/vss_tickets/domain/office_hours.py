"""When staff are at work: daily opening periods (`TICKETS_OFFICE_HOURS`) on the working days of
the Vietnamese public-office calendar (weekends, Tết and public holidays off, make-up days on).

The default periods are a project default, not an official VSS schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from vss_tickets.infra.clock import VIETNAM

if TYPE_CHECKING:
    from vss_tickets.domain.calendar import WorkingCalendar

DEFAULT_OFFICE_HOURS = "07:30-11:30,13:00-16:30"
_PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

Period = tuple[time, time]


def parse_office_hours(raw: str) -> tuple[Period, ...]:
    """`"07:30-11:30,13:00-16:30"` → ((07:30, 11:30), (13:00, 16:30)).

    Periods are `HH:MM-HH:MM` (24-hour clock, Vietnam time), separated by commas, each ending
    after it starts, in ascending order without overlaps. Raises ValueError saying what is wrong."""
    parts = [part.strip() for part in raw.split(",")]
    if not raw.strip():
        raise ValueError("no opening period given")
    periods: list[Period] = []
    for part in parts:
        match = _PERIOD.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not a period HH:MM-HH:MM (24-hour clock)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValueError(f"{part!r} ends before it starts")
        if periods and start < periods[-1][1]:
            raise ValueError(f"{part!r} overlaps or precedes the period before it")
        periods.append((start, end))
    return tuple(periods)


def format_office_hours(periods: tuple[Period, ...]) -> str:
    return ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)


@dataclass(frozen=True)
class OfficeStatus:
    open: bool
    now: datetime  # in Vietnam time
    next_open: datetime | None  # start of the next opening period; None while open
    closes_at: datetime | None  # end of the current period; None while closed


def office_status(
    now: datetime, periods: tuple[Period, ...], calendar: WorkingCalendar
) -> OfficeStatus:
    """Open or closed at `now` (any time zone); when closed, the next opening in Vietnam time."""
    local = now.astimezone(VIETNAM)
    today, clock = local.date(), local.time()

    def at(day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=VIETNAM)

    if calendar.is_working_day(today):
        for start, end in periods:
            if start <= clock < end:
                return OfficeStatus(True, local, None, at(today, end))
            if clock < start:
                return OfficeStatus(False, local, at(today, start), None)
    day = calendar.next_working_day(today + timedelta(days=1))
    return OfficeStatus(False, local, at(day, periods[0][0]), None)
