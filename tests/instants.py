"""Named instants (Vietnam time) that tests of time-dependent behaviour run at.

The default office hours are 07:30-11:30 and 13:00-16:30 on working days; the 2027 Tết holiday
runs from Thursday 4 to Wednesday 10 February 2027 (the `holidays` package, backend calendar).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN = timezone(timedelta(hours=7))

WORKING_MORNING = datetime(2026, 12, 7, 9, 0, tzinfo=VN)  # Monday
LUNCH_BREAK = datetime(2026, 12, 9, 12, 0, tzinfo=VN)  # Wednesday
SUNDAY_NIGHT = datetime(2026, 12, 6, 22, 0, tzinfo=VN)
NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 58, tzinfo=VN)  # Thursday; 1 January is a holiday
DAY_BEFORE_TET = datetime(2027, 2, 3, 17, 0, tzinfo=VN)  # Wednesday, after closing time
