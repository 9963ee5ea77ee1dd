"""Small SQLite state shared by the channel connectors: seen events and OAuth tokens.

One file (``CHANNELS_STATE_DB``) in WAL mode, safe for several Rasa processes on one host.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot import clock

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_events (
    channel TEXT NOT NULL, event_id TEXT NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (channel, event_id));
CREATE TABLE IF NOT EXISTS oauth_tokens (
    name TEXT PRIMARY KEY, access_token TEXT NOT NULL, refresh_token TEXT NOT NULL,
    expires_at REAL NOT NULL, seed TEXT NOT NULL);
"""
KEEP_SECONDS = 7 * 24 * 3600  # webhooks are retried for hours, never for a week


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) the state database; autocommit, explicit transactions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    return db


class SeenEvents:
    """Remembers delivered event ids so a redelivered webhook is processed once."""

    def __init__(self, path: Path, channel: str) -> None:
        self.db = connect(path)
        self.channel = channel
        self._inserts = 0

    def first_time(self, event_id: str) -> bool:
        """Record ``event_id``; True only the first time it is seen (across processes)."""
        now = clock.timestamp()
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events VALUES (?, ?, ?)", (self.channel, event_id, now)
        )
        self._inserts += 1
        if self._inserts % 500 == 0:
            self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", (now - KEEP_SECONDS,))
        return cursor.rowcount == 1
