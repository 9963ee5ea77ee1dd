"""In-process limit on failed attempts per key (citizen verification by phone digits)."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta


class FailureWindow:
    """At most `limit` failures per key within `seconds`; per process, kept in memory."""

    def __init__(self, limit: int, seconds: int) -> None:
        self.limit, self.window = limit, timedelta(seconds=seconds)
        self._failures: defaultdict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, key: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent(key, now)) >= self.limit

    def fail(self, key: str, now: datetime) -> None:
        with self._lock:
            self._recent(key, now).append(now)
