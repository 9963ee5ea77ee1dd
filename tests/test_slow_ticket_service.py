"""A slow ticket service delays only the conversations waiting for it: the real action server
answers a knowledge question while other conversations' ticket submissions hang (issue #18)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fake_tickets import FakeTicketService
from tests.trackers import FORM_SLOTS_FILLED, action_call

TOKEN = secrets.token_urlsafe(24)  # made per run, never a fixed secret


def call(action: str, sender: str, text: str, slots: dict) -> dict:
    """What Rasa POSTs to the action server for ``action`` in conversation ``sender``."""
    return action_call(action, sender, {"language": "vi", **slots}, text=text,
                       intent="ask_question", channel="rest", latest_action="action_listen")


@pytest.fixture
def slow_service() -> Iterator[FakeTicketService]:
    fake = FakeTicketService(hold=threading.Event()).start()
    yield fake
    fake.hold.set()
    fake.stop()


@pytest.fixture
def action_server(slow_service: FakeTicketService, tmp_path: Path,
                  start_action_server: Any) -> Iterator[str]:
    with start_action_server(slow_service.url, TOKEN, tmp_path / "actions.log") as url:
        yield url


def test_a_knowledge_answer_does_not_wait_for_a_hanging_ticket_service(
    action_server: str, slow_service: FakeTicketService
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def post(body: dict, timeout: float) -> requests.Response:
        return requests.post(f"{action_server}/webhook", json=body, headers=headers,
                             timeout=timeout)

    with ThreadPoolExecutor(3) as pool:
        submits = [pool.submit(post, call("action_submit_ticket", f"rest:slow-{i}", "/affirm",
                                          FORM_SLOTS_FILLED), 120) for i in range(3)]
        while not slow_service.creates():  # a submission is hanging in the ticket service
            assert not any(s.done() for s in submits)
        question = call("action_answer_question", "rest:asker", "rút bảo hiểm xã hội một lần", {})
        # The ticket client waits 10 s for an answer, three times over: an action server that
        # runs actions on its event loop could not answer this before those 10 s.
        answer = post(question, timeout=8)
        assert answer.status_code == 200
        assert answer.json()["responses"], answer.json()
        assert not slow_service.hold.is_set() and not any(s.done() for s in submits)
        slow_service.hold.set()
        results = [s.result() for s in submits]
    assert all(r.status_code == 200 for r in results)
