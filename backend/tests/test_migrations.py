"""Alembic migrations upgrade an empty database and downgrade it again, on both backends."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, inspect

from tests.conftest import pg_server_or_skip
from vss_tickets.db import normalise_url
from vss_tickets.migrate import downgrade, init_db, upgrade
from vss_tickets.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = pg_server_or_skip(f"vss_tickets_migrate_{os.getpid()}")
    yield server.url
    server.drop()


def tables(url: str) -> set[str]:
    engine = create_engine(normalise_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_url):
    upgrade(empty_url)
    assert tables(empty_url) == set(Base.metadata.tables) | {"alembic_version"}
    downgrade(empty_url, "0001")
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
