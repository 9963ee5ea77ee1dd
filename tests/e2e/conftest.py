"""End-to-end tests (marked ``e2e``): a citizen talking to the running stack."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import psycopg2
import pytest
import requests

from tests.channels.credentials import (
    FB_PAGE_TOKEN,
    ZALO_ACCESS_TOKEN,
    ZALO_APP_ID,
    ZALO_APP_SECRET,
    ZALO_REFRESH_TOKEN,
)
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
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

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


def _port(url: str) -> int:
    return int(urlparse(url).port or 0)


# The fakes live as long as the stack, as Zalo and Meta outlive a conversation: Rasa keeps the
# Zalo tokens it rotated (CHANNELS_STATE_DB), which a fresh fake would not know.
@pytest.fixture(scope="session")
def fake_zalo(stack: Stack) -> Iterator[FakeZalo]:
    server = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN,
                      port=_port(stack.env["ZALO_API_BASE"])).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_graph(stack: Stack) -> Iterator[FakeGraph]:
    server = FakeGraph(FB_PAGE_TOKEN, port=_port(stack.env["GRAPH_API_BASE"])).start()
    yield server
    server.stop()
