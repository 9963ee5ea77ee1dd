"""A fault-injecting HTTP proxy in front of the real ticket service (the submit-fault tests,
tests/test_submit_faults.py and tests/security/test_submit_retry.py), and the codes the
service's database holds."""

from __future__ import annotations

import http.client
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

from tests.stack import Stack

CREATE = ("POST", "/api/v1/tickets")
# The client's read timeout is shortened by the tests so that a "slow" answer costs seconds,
# not the production 10 s; SLOW holds an answer (or a request) well beyond it.
READ_TIMEOUT = 1.5
SLOW = READ_TIMEOUT + 1.0

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


def stored_codes(stack: Stack, conversation: str | None = None) -> list[str]:
    """Codes of the tickets in the service's database (of one conversation, or all)."""
    path = stack.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///")
    query = "SELECT code FROM tickets WHERE ? IS NULL OR conversation_id = ?"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return [code for (code,) in db.execute(query, (conversation, conversation))]
