"""The real service process (`cli serve`) over HTTP: retries, masking in logs, production guard."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import SERVICE, ticket_body

BACKEND = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Base URL and log file of a running `python -m vss_tickets.cli serve`."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "TICKETS_DATABASE_URL": db_url,
        "TICKETS_PORT": str(port),
        "TICKETS_ESCALATION_INTERVAL": "0",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "vss_tickets.cli", "serve"],
            cwd=BACKEND,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start in 120 s"
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_served_over_http(server):
    """Concurrent retries with one key make one ticket; personal numbers never reach the log."""
    base, log = server
    headers = {**SERVICE, "Idempotency-Key": "conv-1:submit:1"}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{base}/api/v1/tickets", json=ticket_body(), headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(post, range(16)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1 and statuses.count(200) == 15
    assert len({r.json()["code"] for r in responses}) == 1
    other = httpx.post(f"{base}/api/v1/tickets", json=ticket_body(), headers=SERVICE, timeout=30)
    assert other.json()["code"].endswith("000002")  # the retries used no extra number

    httpx.get(f"{base}/api/v1/tickets/0912345678", headers=SERVICE, timeout=10)
    httpx.get(f"{base}/api/v1/tickets/001099012345", headers=SERVICE, timeout=10)
    time.sleep(0.3)
    text = log.read_text()
    assert "GET /api/v1/tickets/" in text
    assert "0912345678" not in text and "001099012345" not in text
    assert "********78" in text


def test_production_refuses_the_development_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TICKETS_SERVICE_TOKEN"}
    env.update(APP_ENV="production", TICKETS_DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    result = subprocess.run(
        [sys.executable, "-m", "vss_tickets.cli", "serve"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TICKETS_SERVICE_TOKEN" in result.stderr


def test_create_staff_cli_reads_the_password_from_the_environment(db_url, client):
    env = {**os.environ, "TICKETS_DATABASE_URL": db_url}
    command = [sys.executable, "-m", "vss_tickets.cli", "create-staff", "--unit", "bhxh.hue",
               "--role", "supervisor", "--username", "giam.doc.hue"]  # fmt: skip
    short = subprocess.run(
        command, cwd=BACKEND, env={**env, "TICKETS_STAFF_PASSWORD": "short"},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert short.returncode == 2 and "12" in short.stderr
    secret = "a-long-enough-passphrase"
    made = subprocess.run(
        command, cwd=BACKEND, env={**env, "TICKETS_STAFF_PASSWORD": secret},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert secret not in made.stdout + made.stderr
    login = client.post("/api/v1/auth/login", json={"username": "giam.doc.hue", "password": secret})
    assert login.status_code == 200 and login.json()["staff"]["role"] == "supervisor"
