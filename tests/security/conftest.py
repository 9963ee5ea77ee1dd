"""Fixtures of the security tests: throw-away SQL databases for the conversation store, and
the channel harness with its fake Zalo and Graph API (tests/channels/conftest.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from tests.channels.conftest import fake_graph, fake_zalo, harness, harness_env  # noqa: F401

# The PostgreSQL server of the test machine (trust authentication), as for the ticket service.
PG_ADMIN_URL = os.environ.get("TRACKER_TEST_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin(statement: str) -> None:
    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for the conversation store: an SQLite file, or a PostgreSQL database
    dropped after the test (the test is skipped when the server cannot be reached)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    name = f"vss_tracker_test_{uuid.uuid4().hex[:12]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}".splitlines()[0])
    yield str(make_url(PG_ADMIN_URL).set(database=name))
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
