"""Rasa on the production path: conversations stored in PostgreSQL, surviving a restart."""

from __future__ import annotations

import psycopg2
import pytest

from tests.e2e.conftest import Chat
from tests.stack import Stack


def test_conversations_are_stored_in_postgresql(
    stack: Stack, postgres_database: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rasa = Stack.configure(tmp_path_factory.mktemp("pg-rasa"))
    rasa.env.update({key: stack.env[key] for key in ("ACTIONS_PORT", "TICKETS_URL")})
    rasa.env["TRACKER_DB_URL"] = postgres_database
    try:
        rasa.start_rasa()
        chat = Chat(rasa)
        assert "Xin chào" in chat.say_text("xin chào")
        rasa.stop("rasa")
        rasa.start_rasa()
        assert "Hello" in chat.say_text("hello")
    finally:
        rasa.stop_all()

    with psycopg2.connect(postgres_database) as db, db.cursor() as cur:
        cur.execute(
            "SELECT data::json->>'text' FROM events WHERE sender_id = %s AND type_name = 'user'"
            " ORDER BY id",
            (chat.sender,),
        )
        assert [row[0] for row in cur.fetchall()] == ["xin chào", "hello"]
