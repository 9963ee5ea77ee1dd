"""Faults while a citizen submits (issue 6): the real ticket service process behind a
fault-injecting HTTP proxy is down, slow, or answers 500. Afterwards its database holds exactly
one ticket per confirmed submission (rows counted with sqlite3) and the citizen was told the
truth: never a code on failure, always the code that is in the database on success."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import bot.common.tickets
from actions.intake import ActionSubmitTicket, ticket_payload
from tests.fault_proxy import READ_TIMEOUT, Fault, FaultProxy, stored_codes
from tests.stack import Stack, free_port
from tests.trackers import FORM_SLOTS_FILLED, make_tracker

NOT_SENT = {"vi": "chưa có mã phiếu", "en": "no ticket code yet"}

@pytest.fixture(scope="module", autouse=True)
def warm_up(tickets: Stack) -> None:
    """One create before the tests: a cold service may need longer than READ_TIMEOUT."""
    warm_up = requests.post(
        f"{tickets.tickets_url}/api/v1/tickets", json=ticket_payload(form("conv-warm-up")),
        headers={"Authorization": f"Bearer {tickets.env['TICKETS_SERVICE_TOKEN']}"}, timeout=60)
    assert warm_up.status_code == 201, warm_up.text


@pytest.fixture
def proxy(tickets: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A forwarding proxy the ticket client talks to; the client's read timeout is short."""
    fault_proxy = FaultProxy(tickets.tickets_url, free_port())
    fault_proxy.start()
    monkeypatch.setenv("TICKETS_URL", fault_proxy.url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", tickets.env["TICKETS_SERVICE_TOKEN"])
    # Shortened from (3.05, 10) to keep the slow cases fast (see READ_TIMEOUT).
    monkeypatch.setattr(bot.common.tickets, "TIMEOUT", (1.0, READ_TIMEOUT))
    yield fault_proxy
    fault_proxy.stop()


def form(conversation: str, language: str = "vi") -> Tracker:
    """A conversation whose intake form is filled and confirmed."""
    tracker = make_tracker(FORM_SLOTS_FILLED, language=language)
    tracker.sender_id = conversation
    return tracker


def submit(tracker: Tracker) -> tuple[str, list[dict[str, Any]]]:
    """Run the submit action; returns the one message the citizen got and the events."""
    dispatcher = CollectingDispatcher()
    events = ActionSubmitTicket().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    return message["text"], events


def assert_not_sent(text: str, events: list[dict[str, Any]], language: str = "vi") -> None:
    assert NOT_SENT[language] in text
    assert "BHXH-" not in text
    # What the citizen entered is kept for "try again", with the request's language and channel.
    assert [e["event"] for e in events] == ["slot"] and events[0]["name"] == "submission"


def assert_sent(text: str, events: list[dict[str, Any]], codes: list[str]) -> None:
    """Exactly one ticket exists and the citizen was given its code."""
    (code,) = codes
    assert code in text and not any(words in text for words in NOT_SENT.values())
    assert SlotSet("ticket_code", code) in events


def assert_created_once(proxy: FaultProxy, *faults: Fault) -> None:
    """The creates began with ``faults`` and all carried one Idempotency-Key; of those that
    reached the service one created the ticket (201) and the others were replays (200).

    Exact attempt counts are not asserted where a loaded machine could add a read-timeout
    retry; such a retry is one more replay."""
    creates = proxy.creates
    assert [a.fault for a in creates[: len(faults)]] == list(faults), creates
    keys = {a.key for a in creates}
    assert len(keys) == 1 and next(iter(keys), "").startswith("rasa-"), keys
    upstream = [a.upstream for a in creates if a.upstream is not None]
    assert upstream.count(201) == 1 and set(upstream) <= {200, 201}, creates


def test_service_down_then_back(proxy: FaultProxy, tickets: Stack) -> None:
    """Connection refused for the whole submission: not sent, no row; "try again" files one."""
    tracker, before = form("conv-fault-down"), len(stored_codes(tickets))
    proxy.stop()
    started = time.monotonic()
    assert_not_sent(*submit(tracker))
    assert time.monotonic() - started < 15  # retried with back-off, then gave up
    assert proxy.attempts == [] and stored_codes(tickets, "conv-fault-down") == []

    proxy.start()
    text, events = submit(tracker)
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-down"))
    assert_created_once(proxy, "forward")
    assert len(stored_codes(tickets)) == before + 1


def test_slow_answer_is_retried_with_the_same_key(proxy: FaultProxy, tickets: Stack) -> None:
    """The first answer comes after the read timeout: the retry gets the same ticket."""
    proxy.plan = ["slow"]
    text, events = submit(form("conv-fault-slow"))
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-slow"))
    assert_created_once(proxy, "slow", "forward")
    assert proxy.creates[0].upstream == 201  # created by the attempt the client gave up on


def test_request_arriving_after_its_retry_is_a_replay(proxy: FaultProxy, tickets: Stack) -> None:
    """The first request reaches the service only after its retry was answered: one row."""
    proxy.plan = ["late"]
    text, events = submit(form("conv-fault-late"))
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-late"))
    assert_created_once(proxy, "late", "forward")
    assert proxy.creates[0].upstream == 200  # it came last: a replay


def test_slow_every_time_then_try_again(proxy: FaultProxy, tickets: Stack) -> None:
    """Every attempt times out: told not sent, though the service has one ticket (it got the
    requests); "try again" returns that ticket and its code."""
    proxy.plan = ["slow"] * 4  # more than the client's attempts
    tracker = form("conv-fault-slow-all")
    assert_not_sent(*submit(tracker))
    proxy.settle()
    assert len(proxy.creates) >= 2 and proxy.plan != []
    assert len(stored_codes(tickets, "conv-fault-slow-all")) == 1

    proxy.plan = []
    text, events = submit(tracker)
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-slow-all"))
    assert_created_once(proxy, "slow", "slow")
    assert proxy.creates[-1].fault == "forward"


def test_500_after_commit_is_retried_to_the_same_ticket(
    proxy: FaultProxy, tickets: Stack
) -> None:
    """The service created the ticket but the client saw 500: the retry returns that ticket."""
    proxy.plan = ["500_after"]
    text, events = submit(form("conv-fault-500-once"))
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-500-once"))
    assert_created_once(proxy, "500_after", "forward")
    assert proxy.creates[0].upstream == 201


def test_500_after_commit_every_time_then_try_again(proxy: FaultProxy, tickets: Stack) -> None:
    """Always 500 though the service committed: not sent, one row; the retry gives its code."""
    proxy.plan = ["500_after"] * 5  # more than the client's attempts (1 + 3 retries)
    tracker, before = form("conv-fault-500-always"), len(stored_codes(tickets))
    assert_not_sent(*submit(tracker))
    proxy.settle()
    assert len(proxy.creates) >= 3 and proxy.plan != []
    assert len(stored_codes(tickets, "conv-fault-500-always")) == 1

    proxy.plan = []
    text, events = submit(tracker)
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-500-always"))
    assert_created_once(proxy, "500_after", "500_after", "500_after")
    assert proxy.creates[-1].fault == "forward"
    assert len(stored_codes(tickets)) == before + 1


def test_500_before_the_service_then_try_again(proxy: FaultProxy, tickets: Stack) -> None:
    """500 from in front of the service: not sent, zero rows; the retry files exactly one.
    (An English conversation: both answers are in the citizen's language.)"""
    proxy.plan = ["500_before"] * 5
    tracker = form("conv-fault-500-front", language="en")
    assert_not_sent(*submit(tracker), language="en")
    proxy.settle()
    assert len(proxy.creates) >= 3 and stored_codes(tickets, "conv-fault-500-front") == []

    proxy.plan = []
    text, events = submit(tracker)
    proxy.settle()
    assert "Ticket code:" in text
    assert_sent(text, events, stored_codes(tickets, "conv-fault-500-front"))
    assert_created_once(proxy, "500_before", "500_before", "500_before")


def test_connection_dropped_after_commit_is_retried(proxy: FaultProxy, tickets: Stack) -> None:
    """The connection closes without an answer after the commit: the retry gets the ticket."""
    proxy.plan = ["drop"]
    text, events = submit(form("conv-fault-drop"))
    proxy.settle()
    assert_sent(text, events, stored_codes(tickets, "conv-fault-drop"))
    assert_created_once(proxy, "drop", "forward")
    assert proxy.creates[0].upstream == 201


def test_try_again_after_a_language_switch_gets_the_same_ticket(
    proxy: FaultProxy, tickets: Stack
) -> None:
    """The service committed, the client saw 500; the citizen says "try again" in English."""
    proxy.plan = ["500_after"] * 5
    tracker = form("conv-fault-switch")
    text, events = submit(tracker)
    assert_not_sent(text, events)
    tracker.slots.update({e["name"]: e["value"] for e in events})  # as Rasa applies them
    proxy.settle()
    assert len(stored_codes(tickets, "conv-fault-switch")) == 1

    proxy.plan = []
    tracker.slots["language"] = "en"
    text, events = submit(tracker)
    proxy.settle()
    assert len(stored_codes(tickets, "conv-fault-switch")) == 1
    assert_sent(text, events, stored_codes(tickets, "conv-fault-switch"))
