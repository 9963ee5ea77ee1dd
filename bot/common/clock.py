"""The assistant's one time source (actions, channels, ``deliver``).

Real time, unless ``VSS_CLOCK_FILE`` names a clock file and ``APP_ENV`` is not ``production``:
the file's line ``<ISO 8601 instant> <Unix time>`` says that the clock read the instant when the
real clock read the Unix time, and the clock runs on from there. The ticket service reads the
same file the same way (``backend/vss_tickets/infra/clock.py``), so a test moves every process at
once (``tests/stack.py``). An empty or missing file means real time.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Vietnam has no daylight saving time
CLOCK_FILE = "VSS_CLOCK_FILE"


def write_clock_file(path: Path, instant: datetime | None) -> None:
    """Set the clock in ``path`` to ``instant`` from now on (None: real time)."""
    path.write_text(f"{instant.isoformat()} {time.time()!r}\n" if instant else "")


def shift_seconds(path: Path) -> float:
    """Seconds to add to real time according to the clock file at ``path``."""
    try:
        line = path.read_text().strip()
    except FileNotFoundError:
        return 0.0
    if not line:
        return 0.0
    instant, real = line.split()
    return datetime.fromisoformat(instant).timestamp() - float(real)


def _shift() -> float:
    setting = os.environ.get(CLOCK_FILE)
    if not setting or os.environ.get("APP_ENV") == "production":
        return 0.0
    return shift_seconds(Path(setting))


def timestamp(clock_file: Path | None = None) -> float:
    """Unix time of the clock (of the clock file ``clock_file`` when given: another
    process's clock, as the test harness reads its stack's)."""
    return time.time() + (shift_seconds(clock_file) if clock_file else _shift())


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.fromtimestamp(timestamp(), timezone.utc)


def today() -> date:
    """Today's date in Vietnam."""
    return now().astimezone(VIETNAM).date()
