"""Alembic migrations upgrade an empty database and downgrade it again, on both backends."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from vss_tickets.domain.models import Base
from vss_tickets.infra.db import normalise_url
from vss_tickets.infra.migrate import downgrade, init_db, upgrade


@pytest.fixture
def empty_url(backend, tmp_path):
    """An empty SQLite file, or an empty PostgreSQL schema in the session's test database
    (a schema is much cheaper to create and drop than a database)."""
    kind, url = backend
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = f"migrate_{os.getpid()}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield str(
        make_url(normalise_url(url)).update_query_dict({"options": f"-csearch_path={schema}"})
    )
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(normalise_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def column_names(url: str, table: str) -> set[str]:
    engine = create_engine(normalise_url(url))
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_url):
    upgrade(empty_url)
    assert tables(empty_url) == set(Base.metadata.tables) | {"alembic_version"}
    assert "transcript" in column_names(empty_url, "tickets")
    chat = {"chat_state", "chat_officer", "chat_requested_at", "chat_closed_reason"}
    assert chat <= column_names(empty_url, "tickets")
    assert "receipt_hash" in column_names(empty_url, "tickets")
    assert "last_seen_at" in column_names(empty_url, "staff_sessions")
    assert "chat_relayed_until" in column_names(empty_url, "tickets")
    downgrade(empty_url, "0008")  # undoes 0009
    assert "chat_relayed_until" not in column_names(empty_url, "tickets")
    downgrade(empty_url, "0007")  # undoes 0008
    assert "attachments" not in tables(empty_url)
    downgrade(empty_url, "0006")  # undoes 0007
    assert "failed_attempts" not in tables(empty_url) and "login_failures" in tables(empty_url)
    assert "receipt_hash" not in column_names(empty_url, "tickets")
    assert "last_seen_at" not in column_names(empty_url, "staff_sessions")
    downgrade(empty_url, "0005")  # undoes 0006
    assert not chat & column_names(empty_url, "tickets")
    assert "transcript" in column_names(empty_url, "tickets")
    downgrade(empty_url, "0004")  # undoes 0005
    assert "transcript" not in column_names(empty_url, "tickets")
    downgrade(empty_url, "0001")  # undoes 0003 and 0002
    engine = create_engine(normalise_url(empty_url))
    columns = {c["name"] for c in inspect(engine).get_columns("consultations")}
    engine.dispose()
    assert "overdue_reported_at" not in columns
    downgrade(empty_url, "base")
    assert tables(empty_url) <= {"alembic_version"}
    written, stale = init_db(empty_url, "current")
    assert written > 34 and stale == 0
    assert init_db(empty_url, "current") == (written, 0)  # idempotent


def test_switching_structure_deactivates_units_not_in_it(empty_url):
    current, _ = init_db(empty_url, "current")
    pre2025, stale = init_db(empty_url, "pre2025")
    assert pre2025 > 63 and stale > 0


def test_open_sessions_count_as_seen_when_they_were_opened(empty_url):
    """0007 on a database with staff sessions: each one's last activity is its creation."""
    upgrade(empty_url, "0006")
    opened = "2026-03-02 02:00:00"
    engine = create_engine(normalise_url(empty_url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (code, name_vi, name_en, level, functions, active) "
                          "VALUES ('vss', 'BHXH', 'VSS', 'central', '[]', true)"))
        conn.execute(text("INSERT INTO staff (id, username, full_name, password_hash, role, "
                          "unit_code, active, created_at) VALUES (1, 'an', 'An', 'x', 'officer', "
                          "'vss', true, :at)"), {"at": opened})
        conn.execute(text("INSERT INTO staff_sessions (token_hash, staff_id, created_at, "
                          "expires_at) VALUES ('t', 1, :at, :at)"), {"at": opened})
    upgrade(empty_url)
    with engine.connect() as conn:
        seen, created = conn.execute(
            text("SELECT last_seen_at, created_at FROM staff_sessions")
        ).one()
    engine.dispose()
    assert seen == created
