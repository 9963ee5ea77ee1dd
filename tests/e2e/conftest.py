"""End-to-end tests (marked ``e2e``): a citizen talking to the running stack."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.stack import Stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _logs_on_failure(stack_logs_on_failure: None) -> None:
    """Every end-to-end test prints the processes' logs when it fails."""


class Chat:
    """One citizen talking to the bot through Rasa's REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        # the conversation id: the REST channel's namespace (bot/conversation_ids.py)
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
