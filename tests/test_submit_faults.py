"""Faults while a citizen submits (issue 6): the real ticket service process behind a
fault-injecting HTTP proxy is down, slow, or answers 500. Afterwards its database holds exactly
one ticket per confirmed submission (rows counted with sqlite3) and the citizen was told the
truth: never a code on failure, always the code that is in the database on success."""

from __future__ import annotations

import http.client
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import bot.tickets
from actions.intake import ActionSubmitTicket, ticket_payload
from tests.stack import Stack, free_port
from tests.test_intake_actions import FORM_SLOTS_FILLED, make_tracker

CREATE = ("POST", "/api/v1/tickets")
# The client's read timeout is shortened for this module so that a "slow" answer costs
# seconds, not the production 10 s; SLOW holds an answer (or a request) well beyond it.
READ_TIMEOUT = 1.5
SLOW = READ_TIMEOUT + 1.0
NOT_SENT = {"vi": "chưa có mã phiếu", "en": "no ticket code yet"}

# What the proxy does with one create request:
#   forward     pass it to the service and relay the answer
#   slow        pass it on at once, hold the answer for SLOW seconds (the client gives up)
#   late        hold the request until a later attempt got the service's answer, then pass
#               it on (a stale request reaching the service after its own retry)
#   500_after   pass it on (the service commits), answer the client 500
#   500_before  answer 500 without passing it on (the service never sees it)
#   drop        pass it on, then close the connection without an answer
#   hold        pass it on, keep the answer until ``release()`` (the client may die meanwhile)
Fault = Literal["forward", "slow", "late", "500_after", "500_before", "drop", "hold"]
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Attempt:
    """One request the proxy received; ``upstream`` is the service's status (None: not sent)."""

    method: str
    path: str
    key: str | None
    fault: Fault
    upstream: int | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on a slow answer is expected here: stay quiet."""


class FaultProxy:
    """An HTTP proxy on a fixed port in front of the real ticket service.

    Creates take their fault from ``plan`` in order (``forward`` once it is empty); every
    other request is forwarded. ``stop()`` closes the port (connection refused), ``start()``
    opens it again. ``settle()`` waits until no request is being handled.
    """

    def __init__(self, upstream: str, port: int) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.port = port
        self.plan: list[Fault] = []
        self.attempts: list[Attempt] = []
        self._busy = 0
        self._idle = threading.Condition()
        self._released = threading.Event()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def creates(self) -> list[Attempt]:
        return [a for a in self.attempts if (a.method, a.path) == CREATE]

    def start(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), self._handler())
        serve = self._server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def release(self) -> None:
        """Let held answers go (to clients that may have gone)."""
        self._released.set()

    def settle(self, timeout: float = 30) -> None:
        """Wait until every request received so far has been dealt with (also held ones)."""
        with self._idle:
            assert self._idle.wait_for(lambda: self._busy == 0, timeout), "proxy still busy"

    def _after_next_attempt(self, attempt: Attempt, timeout: float = 15) -> None:
        """Block until a create sent after ``attempt`` has been answered by the service."""
        def answered() -> bool:
            later = self.creates[self.creates.index(attempt) + 1:]
            return any(a.upstream is not None for a in later)

        with self._idle:
            self._idle.wait_for(answered, timeout)

    def _next_fault(self, method: str, path: str) -> Fault:
        if (method, path) == CREATE and self.plan:
            return self.plan.pop(0)
        return "forward"

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                self._proxy()

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                self._proxy()

            def _proxy(self) -> None:
                with proxy._idle:
                    proxy._busy += 1
                try:
                    self._handle()
                except OSError:
                    pass  # the client gave up on a held answer
                finally:
                    with proxy._idle:
                        proxy._busy -= 1
                        proxy._idle.notify_all()

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                fault = proxy._next_fault(self.command, self.path)
                attempt = Attempt(self.command, self.path, self.headers.get("Idempotency-Key"),
                                  fault)
                proxy.attempts.append(attempt)
                if fault == "500_before":
                    self._answer(500, [("Content-Type", "application/json")],
                                 b'{"error": "proxy"}')
                    return
                if fault == "late":
                    proxy._after_next_attempt(attempt)
                status, upstream_headers, data = proxy._forward(
                    self.command, self.path, headers, body)
                with proxy._idle:
                    attempt.upstream = status
                    proxy._idle.notify_all()
                if fault == "drop":
                    self.close_connection = True
                    return
                if fault == "slow":
                    time.sleep(SLOW)
                if fault == "hold":
                    proxy._released.wait(120)
                if fault == "500_after":
                    status, data = 500, b'{"error": "proxy"}'
                self._answer(status, upstream_headers, data)

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP | {"date", "server"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Only the real ticket service, on a free port with its own SQLite database."""
    stack = Stack.configure(Path(tmp_path_factory.mktemp("tickets")))
    try:
        stack.start_tickets()
        # One create before the tests: a cold service may need longer than READ_TIMEOUT.
        warm_up = requests.post(
            f"{stack.tickets_url}/api/v1/tickets", json=ticket_payload(form("conv-warm-up")),
            headers={"Authorization": f"Bearer {stack.env['TICKETS_SERVICE_TOKEN']}"},
            timeout=60)
        assert warm_up.status_code == 201, warm_up.text
    except Exception:
        print(stack.logs())
        stack.stop_all()
        raise
    yield stack
    stack.stop_all()


@pytest.fixture
def proxy(tickets: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A forwarding proxy the ticket client talks to; the client's read timeout is short."""
    fault_proxy = FaultProxy(tickets.tickets_url, free_port())
    fault_proxy.start()
    monkeypatch.setenv("TICKETS_URL", fault_proxy.url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", tickets.env["TICKETS_SERVICE_TOKEN"])
    # Shortened from (3.05, 10) to keep the slow cases fast (see READ_TIMEOUT).
    monkeypatch.setattr(bot.tickets, "TIMEOUT", (1.0, READ_TIMEOUT))
    yield fault_proxy
    fault_proxy.stop()


def stored_codes(stack: Stack, conversation: str | None = None) -> list[str]:
    """Codes of the tickets in the service's database (of one conversation, or all)."""
    path = stack.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///")
    query = "SELECT code FROM tickets WHERE ? IS NULL OR conversation_id = ?"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return [code for (code,) in db.execute(query, (conversation, conversation))]


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
