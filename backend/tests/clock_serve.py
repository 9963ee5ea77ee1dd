"""`python -m vss_tickets.cli serve` with the clock read from a file the test writes.

The file holds an ISO 8601 UTC time; empty means real time. Core's `cli serve` has no clock
option, so this test-only launcher swaps `Clock.now` in its own process and then runs the CLI.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from vss_tickets import cli
from vss_tickets.clock import Clock

CLOCK_FILE = Path(os.environ["TICKETS_TEST_CLOCK_FILE"])
_real_now = Clock.now


def _file_now(self: Clock) -> datetime:
    text = CLOCK_FILE.read_text().strip()
    return datetime.fromisoformat(text) if text else _real_now(self)


if __name__ == "__main__":
    Clock.now = _file_now  # type: ignore[method-assign]
    sys.exit(cli.main(["serve"]))
