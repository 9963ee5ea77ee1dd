"""Liveness, readiness, Prometheus metrics and JSON logs of the ticket service (issue #18)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from tests.conftest import MONDAY, SERVICE, create
from tests.test_server_process import BACKEND, free_port
from vss_tickets.app import create_app
from vss_tickets.domain.models import Ticket
from vss_tickets.domain.outbox import notify
from vss_tickets.infra.clock import FrozenClock
from vss_tickets.infra.config import ConfigError, Settings
from vss_tickets.infra.db import Database


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_live_and_ready(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert client.get("/health").json() == ready.json()  # the old path answers the same


def test_not_ready_before_the_migrations(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", escalation_interval=0)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health/live").status_code == 200
        ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["database"] == "not migrated" and ready.json()["revision"] is None


def test_metrics_after_a_ticket_and_with_one_overdue(client: TestClient, clock: FrozenClock,
                                                     db: Database) -> None:
    """At MONDAY (2026-03-02 09:00 Vietnam) one complaint is filed and its status change
    queued; 100 days later it is past its resolution deadline and the notification 100 days
    old."""
    ticket = create(client)
    assert client.get(f"/api/v1/tickets/{ticket['code']}", headers=SERVICE).status_code == 200
    with db.session(write=True) as session:
        row = session.scalars(select(Ticket).where(Ticket.code == ticket["code"])).one()
        notify(session, row, "status_changed", clock.now(), state="received")
    before = samples(client.get("/metrics").text)
    assert before[("vss_tickets_created_total", (("kind", "complaint"),))] == 1
    assert before[("vss_tickets_overdue", ())] == 0
    assert before[("vss_outbox_pending", ())] == 1
    assert before[("vss_outbox_lag_seconds", ())] == 0
    route = (("handler", "/api/v1/tickets/{code}"), ("method", "GET"), ("status", "2xx"))
    assert before[("http_requests_total", route)] == 1
    clock.advance(days=100)
    text = client.get("/metrics").text
    after = samples(text)
    assert after[("vss_tickets_overdue", ())] == 1
    assert after[("vss_outbox_lag_seconds", ())] == timedelta(days=100).total_seconds()
    assert ticket["code"] not in text and "0912345678" not in text  # labels are templates
    assert ("process_open_fds", ()) in after


def test_metrics_token(settings: Settings, clock: FrozenClock) -> None:
    token = secrets.token_urlsafe(24)  # made per run, never a fixed secret
    with TestClient(create_app(replace(settings, metrics_token=token), clock)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and "vss_tickets_overdue" in answer.text


def test_metrics_are_off_in_production_without_a_token(settings: Settings) -> None:
    production = replace(settings, app_env="production", service_token="s" * 12 + "t" * 12,
                         allow_sqlite_in_production=True)
    with TestClient(create_app(production, FrozenClock(MONDAY))) as client:
        assert client.get("/metrics").status_code == 404


def serve(env: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    """`cli serve` on a free port with ``env``, once it answers /health/live."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "vss_tickets.cli", "serve"], cwd=BACKEND, stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TICKETS_PORT": str(port), "TICKETS_ESCALATION_INTERVAL": "0",
                 **env})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "server did not start in 120 s"
        time.sleep(0.2)


@pytest.fixture
def stopping() -> Iterator[list[subprocess.Popen]]:
    processes: list[subprocess.Popen] = []
    yield processes
    for process in processes:
        process.terminate()
        process.wait(timeout=15)


def test_ready_503_when_the_database_is_unreachable(tmp_path: Path,
                                                    stopping: list[subprocess.Popen]) -> None:
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    base, process = serve({"TICKETS_DATABASE_URL": closed}, tmp_path / "serve.log")
    stopping.append(process)
    assert httpx.get(f"{base}/health/live", timeout=10).status_code == 200
    ready = httpx.get(f"{base}/health/ready", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["database"] == "unreachable", ready.json()


def test_json_log_lines_parse_and_mask_personal_numbers(
    db_url: str, tmp_path: Path, stopping: list[subprocess.Popen]
) -> None:
    log = tmp_path / "serve.log"
    base, process = serve({"TICKETS_DATABASE_URL": db_url, "LOG_FORMAT": "json"}, log)
    stopping.append(process)
    httpx.get(f"{base}/api/v1/tickets/0912345678", headers=SERVICE, timeout=10)
    httpx.get(f"{base}/api/v1/tickets/001099012345", headers=SERVICE, timeout=10)
    time.sleep(0.3)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(lines[-1])
    access = [e for e in lines if e["logger"] == "uvicorn.access"]
    assert any("GET /api/v1/tickets/********78" in e["message"] for e in access), access
    assert "0912345678" not in text and "001099012345" not in text


def test_operations_settings_are_checked(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        replace(settings, log_format="xml").check_safe()
    production = replace(settings, app_env="production", service_token="s" * 12 + "t" * 12,
                         allow_sqlite_in_production=True)
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        replace(production, metrics_token="short").check_safe()
    replace(production, metrics_token="m" * 12 + "n" * 12).check_safe()
