""" "Was this helpful?" votes, kept in SQLite for content review."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from bot.action_lib.knowledge.store import REPO_ROOT
from bot.common import clock

DB_ENV = "KNOWLEDGE_FEEDBACK_DB"
DEFAULT_DB = REPO_ROOT / "var" / "knowledge_feedback.db"
_LONG_NUMBER = re.compile(r"\d{6,}")  # phone, CCCD and SI numbers must not be stored
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    kb_entry TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    language TEXT,
    channel TEXT,
    question TEXT
)
"""


def mask_numbers(text: str) -> str:
    """Replace runs of six or more digits by ``*``."""
    return _LONG_NUMBER.sub(lambda m: "*" * len(m.group(0)), text)


def db_path() -> Path:
    """Where feedback goes: ``$KNOWLEDGE_FEEDBACK_DB`` or ``var/knowledge_feedback.db``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def record_feedback(
    kb_entry: str,
    helpful: bool,
    *,
    language: str | None = None,
    channel: str | None = None,
    question: str | None = None,
    path: Path | None = None,
) -> int:
    """Store one vote and return its row id. The question is stored with long numbers masked."""
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute(_SCHEMA)
        cursor = conn.execute(
            "INSERT INTO feedback (created_at, kb_entry, helpful, language, channel, question)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                clock.now().isoformat(timespec="seconds"),
                kb_entry,
                int(helpful),
                language,
                channel,
                mask_numbers(question) if question else None,
            ),
        )
    conn.close()
    return int(cursor.lastrowid or 0)
