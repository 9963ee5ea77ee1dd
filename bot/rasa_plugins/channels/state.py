"""State shared by the channel connectors: seen webhook events and OAuth tokens.

Two stores with the same interface (:class:`ChannelState`), chosen by ``CHANNEL_STATE_URL``
(:func:`open_state`): empty, one SQLite file (``CHANNELS_STATE_DB``, WAL mode, an ``fcntl``
lock), safe for several Rasa processes on one host (``make run``); ``redis://…``, Redis
(``bot/rasa_plugins/channels/redis_state.py``), for replicas on several hosts.
"""

from __future__ import annotations

import asyncio
import fcntl
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.common import clock
from bot.common.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_events (
    channel TEXT NOT NULL, event_id TEXT NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (channel, event_id));
CREATE TABLE IF NOT EXISTS oauth_tokens (
    name TEXT PRIMARY KEY, access_token TEXT NOT NULL, refresh_token TEXT NOT NULL,
    expires_at REAL NOT NULL, seed TEXT NOT NULL);
"""
KEEP_SECONDS = 7 * 24 * 3600  # webhooks are retried for hours, never for a week


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str
    expires_at: float


class ChannelState(Protocol):
    """Where the connectors of every Rasa process keep what they share."""

    async def first_time(self, channel: str, event_id: str) -> bool:
        """Record ``event_id``; True only the first time it is seen (across processes)."""

    async def seed_tokens(self, name: str, tokens: Tokens, seed: str) -> None:
        """Store ``tokens`` unless the tokens stored were seeded from the same ``seed`` (the
        operator's configured tokens): a restart keeps the tokens refreshed since."""

    async def tokens(self, name: str) -> Tokens:
        """The tokens stored under ``name`` (seeded before)."""

    async def save_tokens(self, name: str, tokens: Tokens) -> None:
        """Replace the tokens under ``name`` (after a refresh), keeping their seed."""

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Held by one caller at a time across every process sharing the state."""


def open_state(settings: Settings) -> ChannelState:
    """Redis when ``CHANNEL_STATE_URL`` names a server, else the SQLite file."""
    if settings.channel_state_url:
        from bot.rasa_plugins.channels.redis_state import RedisState

        return RedisState(settings.channel_state_url, settings.channel_state_prefix)
    return SqliteState(settings.channels_state_db)


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) the state database; autocommit, explicit transactions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    return db


class SqliteState:
    """The state in one SQLite file; :meth:`exclusive` is an exclusive lock on a file beside
    it (one host)."""

    def __init__(self, path: Path) -> None:
        self.db = connect(path)
        self.path = path
        self._inserts = 0

    async def first_time(self, channel: str, event_id: str) -> bool:
        now = clock.timestamp()
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events VALUES (?, ?, ?)", (channel, event_id, now)
        )
        self._inserts += 1
        if self._inserts % 500 == 0:
            self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", (now - KEEP_SECONDS,))
        return cursor.rowcount == 1

    async def seed_tokens(self, name: str, tokens: Tokens, seed: str) -> None:
        with _immediate(self.db):
            row = self.db.execute("SELECT seed FROM oauth_tokens WHERE name=?",
                                  (name,)).fetchone()
            if row is None or row[0] != seed:
                self.db.execute("INSERT OR REPLACE INTO oauth_tokens VALUES (?, ?, ?, ?, ?)",
                                (name, tokens.access, tokens.refresh, tokens.expires_at, seed))

    async def tokens(self, name: str) -> Tokens:
        row = self.db.execute(
            "SELECT access_token, refresh_token, expires_at FROM oauth_tokens WHERE name=?",
            (name,),
        ).fetchone()
        return Tokens(*row)

    async def save_tokens(self, name: str, tokens: Tokens) -> None:
        with _immediate(self.db):
            self.db.execute(
                "UPDATE oauth_tokens SET access_token=?, refresh_token=?, expires_at=? "
                "WHERE name=?", (tokens.access, tokens.refresh, tokens.expires_at, name))

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        handle = await asyncio.to_thread(self._lock_file, name)
        try:
            yield
        finally:
            handle.close()

    def _lock_file(self, name: str) -> Any:
        handle = open(self.path.with_name(f"{self.path.name}.{name}.lock"), "a")  # noqa: SIM115 - closed by exclusive()
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, ``ROLLBACK`` on an error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
