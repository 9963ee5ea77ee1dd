"""A session-wide running stack for the end-to-end tests (marked ``e2e``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from bot.model import model_path
from tests.stack import Stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not model_path().exists():
        pytest.fail(f"no trained model {model_path().name}: run `make train` first")
    running = Stack.configure(tmp_path_factory.mktemp("stack"))
    try:
        running.start()
    except Exception:
        running.stop_all()
        print(running.logs())
        raise
    yield running
    running.stop_all()


@pytest.fixture(autouse=True)
def _logs_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


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
