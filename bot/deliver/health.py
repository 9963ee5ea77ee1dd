"""The health and metrics port of ``deliver`` (``DELIVER_METRICS_PORT``, on
``DELIVER_METRICS_HOST``, 127.0.0.1 by default; 0: none).

``/health/live``: the process answers. ``/health/ready``: the last pass of the loop read the
ticket service's outbox (503 with the reason otherwise, and before the first pass).
``/metrics`` (bot/common/metrics.py's rule, ``METRICS_TOKEN``): notifications delivered and failed
by channel, the seconds since the loop last finished a pass.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import Counter, Gauge

from bot.common.metrics import scrape
from bot.common.settings import Settings

NOTIFICATIONS = Counter("vss_deliver_notifications", "Outbox notifications handled, by channel "
                        "and outcome (delivered, failed)", ["channel", "outcome"])


@dataclass
class LoopState:
    """What the delivery loop last did (monotonic time)."""

    last_pass: float | None = None
    problem: str | None = "no pass yet"

    def passed(self, problem: str | None) -> None:
        self.last_pass, self.problem = time.monotonic(), problem

    def lag(self) -> float:
        """Seconds since the last finished pass (0 before the first)."""
        return 0.0 if self.last_pass is None else time.monotonic() - self.last_pass


STATE = LoopState()
Gauge("vss_deliver_loop_lag_seconds", "Seconds since the delivery loop last finished a pass"
      ).set_function(STATE.lag)


def handler(settings: Settings, state: LoopState) -> type[BaseHTTPRequestHandler]:
    """The request handler of the port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's API
            if self.path == "/health/live":
                self._send(200, b'{"status": "ok"}')
            elif self.path == "/health/ready":
                ok = state.problem is None
                body = {"status": "ok"} if ok else {"status": "error", "reason": state.problem}
                self._send(200 if ok else 503, json.dumps(body).encode())
            elif self.path == "/metrics":
                answer = scrape(self.headers.get("authorization"), settings.metrics_token,
                                settings.app_env == "production")
                self._send(answer.status, answer.body, answer.content_type)
            else:
                self._send(404, b'{"error": "not_found"}')

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Scrapes and probes are not logged."""

    return Handler


def serve_health(settings: Settings, state: LoopState = STATE) -> ThreadingHTTPServer:
    """Serve the port in a daemon thread; returns the server."""
    server = ThreadingHTTPServer((settings.deliver_metrics_host, settings.deliver_metrics_port),
                                 handler(settings, state))
    threading.Thread(target=server.serve_forever, name="deliver-health", daemon=True).start()
    return server
