"""Fixtures: every API test runs on SQLite and on PostgreSQL (127.0.0.1:5432, or the server
named by TICKETS_TEST_DATABASE_URL), each on a freshly migrated database with the units loaded."""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from vss_tickets.app import create_app
from vss_tickets.domain.auth import token_digest
from vss_tickets.domain.models import Staff, StaffSession
from vss_tickets.infra.clock import CLOCK_FILE_VARIABLE, FrozenClock, write_clock_file
from vss_tickets.infra.config import DEV_SERVICE_TOKEN, Settings
from vss_tickets.infra.db import Database, normalise_url
from vss_tickets.infra.migrate import init_db

PG_ADMIN_URL = os.environ.get(
    "TICKETS_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SERVICE = {"Authorization": f"Bearer {DEV_SERVICE_TOKEN}"}
CITIZEN = {"conversation_id": "conv-1"}  # who asks in a citizen check (the ticket's conversation)
PASSWORD = "correct-horse-battery"  # test-only password of the accounts made below
# Monday 2 March 2026, 09:00 in Vietnam (02:00 UTC): a plain working week.
MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

TABLES = (
    "attachments, outbox, idempotency_keys, audit_events, consultations, messages, tickets, "
    "ticket_code_counters, staff_sessions, failed_attempts, staff"
)


def pytest_configure() -> None:
    """`VSS_CLOCK_START=<ISO 8601 instant>` runs the suite's real-time parts (server processes,
    the service's default clock) from that instant; tests of time-dependent rules freeze their
    own clock (`clock` below) whatever it says."""
    start = os.environ.get("VSS_CLOCK_START")
    if start:
        path = Path(tempfile.mkdtemp(prefix="vss-clock-")) / "clock"
        write_clock_file(path, datetime.fromisoformat(start))
        os.environ[CLOCK_FILE_VARIABLE] = str(path)


def _pg_conninfo(url: str) -> str:
    return normalise_url(url).replace("postgresql+psycopg://", "postgresql://")


@dataclass
class PgServer:
    """A throw-away database on the PostgreSQL server, dropped at the end of the session."""

    admin_url: str
    name: str

    @property
    def url(self) -> str:
        return str(make_url(normalise_url(self.admin_url)).set(database=self.name))

    def create(self) -> None:
        with psycopg.connect(_pg_conninfo(self.admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
            # A throw-away database: commits need not wait for the disk (tests run faster).
            conn.execute(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')

    def drop(self) -> None:
        with psycopg.connect(_pg_conninfo(self.admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def pg_server_or_skip(name: str) -> PgServer:
    server = PgServer(PG_ADMIN_URL, name)
    try:
        server.create()
    except psycopg.OperationalError as exc:
        where = make_url(normalise_url(PG_ADMIN_URL)).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL server {where} unreachable: {exc}".splitlines()[0])
    return server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(kind, URL) of a migrated database with the reference units, shared by the session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{path}"
        init_db(url, "current")
        yield "sqlite", url
        return
    server = pg_server_or_skip(f"vss_tickets_test_{os.getpid()}")
    init_db(server.url, "current")
    yield "postgresql", server.url
    server.drop()


def fresh_database(backend: tuple[str, str], directory: Path) -> str:
    """A clean database: a copy of the SQLite template, or the PostgreSQL tables emptied."""
    kind, url = backend
    if kind == "sqlite":
        template = Path(make_url(url).database or "")
        copy = directory / "tickets.db"
        shutil.copy(template, copy)
        return f"sqlite:///{copy}"
    db = Database(url)
    with db.session(write=True) as session:
        session.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def db_url(backend: tuple[str, str], tmp_path: Path) -> str:
    """A clean database for one test."""
    return fresh_database(backend, tmp_path)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


# Tests move the clock by days between one officer's actions; the idle timeout of staff sessions
# has its own tests (tests/security/test_staff_sessions.py).
A_YEAR_IN_MINUTES = 365 * 24 * 60


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        escalation_interval=0,
        login_max_failures=3,
        session_idle_minutes=A_YEAR_IN_MINUTES,
    )


@pytest.fixture
def client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(settings, clock)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "topic": "pension",
        "description": "Tôi chưa nhận được lương hưu tháng 2.",
        "channel": "rest",
        "conversation_id": "conv-1",
        "language": "vi",
        "citizen": {"name": "Nguyễn Văn A", "phone": "0912345678", "cccd": None, "bhxh_code": None},
        "province": "Hà Nội",
        "commune": None,
        "consent": True,
    }
    body.update(overrides)
    return body


def create(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/tickets", json=ticket_body(**overrides), headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


@functools.cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD for the whole run (hashing costs ~0.3 s)."""
    return PasswordHasher().hash(PASSWORD)


@dataclass
class StaffFactory:
    db: Database
    clock: FrozenClock

    def __call__(self, unit: str, role: str = "officer", username: str | None = None) -> dict:
        """Create a staff account with an open session; returns its Authorization header.
        (Logging in through the API is tested in test_auth.py.)"""
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        token = secrets.token_urlsafe(32)
        with self.db.session(write=True) as session:
            account = Staff(
                username=username,
                full_name=username.title(),
                password_hash=password_hash(),
                role=role,
                unit_code=unit,
                created_at=self.clock.now(),
            )
            session.add(account)
            session.flush()
            session.add(
                StaffSession(
                    token_hash=token_digest(token),
                    staff_id=account.id,
                    created_at=self.clock.now(),
                    expires_at=self.clock.now() + timedelta(days=365),
                    last_seen_at=self.clock.now(),
                )
            )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff(db: Database, clock: FrozenClock) -> StaffFactory:
    return StaffFactory(db, clock)
