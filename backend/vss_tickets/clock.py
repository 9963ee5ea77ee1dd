"""Time source of the service; tests replace it to freeze time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Vietnam has no daylight saving time


class Clock:
    """Current time in UTC and the current date in Vietnam."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(VIETNAM).date()


class FrozenClock(Clock):
    """A clock that stays at a set moment until moved."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
