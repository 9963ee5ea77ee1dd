"""A local stand-in for the ticket service over real HTTP, recording every request."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TICKET = {
    "code": "BHXH-2026-000042",
    "state": "received",
    "kind": "complaint",
    "unit": {"code": "bhxh.ha-noi", "name_vi": "Bảo hiểm xã hội thành phố Hà Nội",
             "name_en": "Hà Nội City Social Security"},
    "deadlines": {"acceptance": "2026-12-07", "first_response": None, "resolution": "2027-01-06"},
}


@dataclass
class FakeTicketService:
    """Answers ``create`` with ``status``; unknown provinces get 422 from the preview;
    ``office_hours`` is the office-hours answer."""

    status: int = 201
    office_hours: dict[str, Any] | None = None  # answer of GET /api/v1/office-hours (else 404)
    # While set and not yet released, every request waits for it (a slow ticket service).
    hold: threading.Event | None = None
    delay: float = 0.0  # seconds every answer takes (a slow ticket service)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTicketService:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                record = {"path": self.path, "headers": dict(self.headers), "body": body}
                fake.requests.append(record)
                fake.wait()
                if self.path == "/api/v1/routing/preview":
                    # as the real rules: no place routes only what goes to a central unit
                    place = body["province"]
                    known = (place.lower() != "atlantis" if place is not None
                             else body["topic"] == "digital_services"
                             or body.get("about_unit_code") == "vss")
                    self._answer(200 if known else 422, {"unit": TICKET["unit"], "reasons": []}
                                 if known else {"error": "invalid", "message": "unknown province"})
                else:
                    self._answer(fake.status, TICKET if fake.status < 400 else {"error": "boom"})

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                fake.requests.append({"path": self.path, "headers": dict(self.headers)})
                fake.wait()
                if self.path == "/api/v1/office-hours" and fake.office_hours is not None:
                    self._answer(200, fake.office_hours)
                else:
                    self._answer(404, {"error": "not_found"})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def wait(self) -> None:
        """Hold a request until released, then take ``delay`` seconds."""
        if self.hold is not None:
            self.hold.wait(60)
        time.sleep(self.delay)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def creates(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/api/v1/tickets"]
