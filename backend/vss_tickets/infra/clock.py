"""Time source of the service; tests replace it to freeze time.

Outside production, ``VSS_CLOCK_FILE`` may name a clock file shared with the assistant's
processes (``bot/common/clock.py`` writes and reads the same format): a line ``<ISO 8601 instant>
<Unix time>`` meaning the clock read the instant when the real clock read the Unix time, and
runs on from there. Empty or missing: real time. Production refuses the setting (config.py).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Vietnam has no daylight saving time
CLOCK_FILE_VARIABLE = "VSS_CLOCK_FILE"


def write_clock_file(path: Path, instant: datetime | None) -> None:
    """Set the clock in ``path`` to ``instant`` from now on (None: real time)."""
    path.write_text(f"{instant.isoformat()} {time.time()!r}\n" if instant else "")


class Clock:
    """Current time in UTC and the current date in Vietnam."""

    def __init__(self, clock_file: Path | None = None) -> None:
        self.clock_file = clock_file

    @classmethod
    def from_env(cls) -> Clock:
        """Real time, or the clock file named by VSS_CLOCK_FILE (not in production)."""
        setting = os.environ.get(CLOCK_FILE_VARIABLE)
        if not setting or os.environ.get("APP_ENV") == "production":
            return cls()
        return cls(Path(setting))

    def now(self) -> datetime:
        real = datetime.now(UTC)
        if self.clock_file is None or not self.clock_file.exists():
            return real
        line = self.clock_file.read_text().strip()
        if not line:
            return real
        instant, set_at = line.split()
        return real + (datetime.fromisoformat(instant) - datetime.fromtimestamp(float(set_at), UTC))

    def today(self) -> date:
        return self.now().astimezone(VIETNAM).date()


class FrozenClock(Clock):
    """A clock that stays at a set moment until moved."""

    def __init__(self, moment: datetime) -> None:
        super().__init__()
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
