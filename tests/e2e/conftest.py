"""End-to-end tests (marked ``e2e``): a citizen talking to the running stack."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
import requests

from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.stack import Stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards; skips the test when the server is not
    there."""
    try:
        admin = psycopg2.connect(PG_ADMIN, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}".strip())
    admin.autocommit = True
    name = f"vss_e2e_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for one test."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(autouse=True)
def _logs_on_failure(stack_logs_on_failure: None) -> None:
    """Every end-to-end test prints the processes' logs when it fails."""


class Chat:
    """One citizen talking to the bot through Rasa's REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        # the conversation id: the REST channel's namespace (bot/common/conversation_ids.py)
        self.sender = f"rest:e2e-{uuid.uuid4().hex[:12]}"

    def say(self, message: str) -> list[dict]:
        response = requests.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def say_text(self, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(message))


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack)


@pytest.fixture
def fake_zalo(stack_fake_zalo: FakeZalo) -> FakeZalo:
    """The Zalo API fake the stack's Zalo channel calls."""
    return stack_fake_zalo


@pytest.fixture
def fake_graph(stack_fake_graph: FakeGraph) -> FakeGraph:
    """The Graph API fake the stack's Messenger channel calls."""
    return stack_fake_graph
