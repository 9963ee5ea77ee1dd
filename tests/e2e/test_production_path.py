"""Rasa on the production path: conversations stored in PostgreSQL, surviving a restart."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg2
import pytest

from tests.e2e.conftest import Chat
from tests.stack import Stack

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def tracker_database() -> Iterator[str]:
    """A throw-away PostgreSQL database; the test skips when the server is not there."""
    try:
        admin = psycopg2.connect(PG_ADMIN, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}".strip())
    admin.autocommit = True
    name = f"vss_e2e_tracker_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_conversations_are_stored_in_postgresql(
    stack: Stack, tracker_database: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rasa = Stack.configure(tmp_path_factory.mktemp("pg-rasa"))
    rasa.env.update({key: stack.env[key] for key in ("ACTIONS_PORT", "TICKETS_URL")})
    rasa.env["TRACKER_DB_URL"] = tracker_database
    try:
        rasa.start_rasa()
        chat = Chat(rasa)
        assert "Xin chào" in chat.say_text("xin chào")
        rasa.stop("rasa")
        rasa.start_rasa()
        assert "Hello" in chat.say_text("hello")
    finally:
        rasa.stop_all()

    with psycopg2.connect(tracker_database) as db, db.cursor() as cur:
        cur.execute(
            "SELECT data::json->>'text' FROM events WHERE sender_id = %s AND type_name = 'user'"
            " ORDER BY id",
            (chat.sender,),
        )
        assert [row[0] for row in cur.fetchall()] == ["xin chào", "hello"]
