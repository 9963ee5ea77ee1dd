"""Browser fixtures: a real service process (`cli serve`, movable clock) on a temporary SQLite
database with staff accounts, and headless Debian Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import A_YEAR_IN_MINUTES, MONDAY, PASSWORD, SERVICE, ticket_body
from tests.test_server_process import BACKEND, free_port
from vss_tickets.domain.accounts import create_staff
from vss_tickets.domain.passwords import NewPassword
from vss_tickets.infra.clock import CLOCK_FILE_VARIABLE, write_clock_file
from vss_tickets.infra.db import Database
from vss_tickets.infra.migrate import init_db

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = BACKEND / "tests" / "artifacts"
# `VSS_DOC_SCREENSHOTS=1` also writes the screenshots named "console-*" into docs/img/.
DOC_IMAGES = BACKEND.parent / "docs" / "img"
ACCOUNTS = {  # username: (unit, role)
    "can.bo.hn": ("bhxh.ha-noi", "officer"),
    "lanh.dao.hn": ("bhxh.ha-noi", "supervisor"),
    "can.bo.hue": ("bhxh.hue", "officer"),
    "khoa.thu": ("bhxh.ha-noi", "officer"),
    "dong.nghiep.hn": ("bhxh.ha-noi", "officer"),
    "vu.chinh.sach": ("vss.si_policy", "officer"),
    "lanh.dao.vss": ("vss", "supervisor"),
}
MAX_FAILURES = 3


@dataclass
class Server:
    """A running ticket service and the file its clock reads."""

    base: str
    clock_file: Path
    log: Path

    def set_now(self, moment: datetime) -> None:
        write_clock_file(self.clock_file, moment)

    def file_ticket(self, **overrides: object) -> dict:
        """Create a ticket exactly as the assistant's submit action does."""
        body = ticket_body(**overrides)
        headers = {**SERVICE, "Idempotency-Key": f"{body['conversation_id']}:submit:{time.time()}"}
        response = httpx.post(f"{self.base}/api/v1/tickets", json=body, headers=headers, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()

    def ticket(self, code: str) -> dict:
        return httpx.get(f"{self.base}/api/v1/tickets/{code}", headers=SERVICE, timeout=30).json()

    def say(self, code: str, conversation_id: str, body: str) -> None:
        """The citizen writes in the live chat, as the assistant passes it on."""
        response = httpx.post(
            f"{self.base}/api/v1/tickets/{code}/chat-messages",
            json={"conversation_id": conversation_id, "body": body},
            headers=SERVICE,
            timeout=30,
        )
        assert response.status_code == 201, response.text


def _wait_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "server did not start in 120 s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium)")
    tmp = tmp_path_factory.mktemp("console")
    db_url = f"sqlite:///{tmp / 'tickets.db'}"
    init_db(db_url, "current")
    port = free_port()
    env = {
        **os.environ,
        "TICKETS_DATABASE_URL": db_url,
        "TICKETS_PORT": str(port),
        "TICKETS_ESCALATION_INTERVAL": "0",
        "TICKETS_LOGIN_MAX_FAILURES": str(MAX_FAILURES),
        "TICKETS_SESSION_IDLE_MINUTES": str(A_YEAR_IN_MINUTES),  # the clock moves by days
        CLOCK_FILE_VARIABLE: str(tmp / "now.txt"),
        "PYTHONPATH": str(BACKEND),
    }
    db = Database(db_url)
    with db.session(write=True) as session:  # core's account creation, as `cli create-staff`
        for username, (unit, role) in ACCOUNTS.items():
            create_staff(session, username, username.title(), NewPassword.of(PASSWORD, username),
                         role, unit, actor="cli", now=MONDAY)  # fmt: skip
    db.dispose()
    srv = Server(f"http://127.0.0.1:{port}", tmp / "now.txt", tmp / "serve.log")
    srv.set_now(MONDAY)
    with srv.log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "vss_tickets.cli", "serve"],
            cwd=BACKEND, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_healthy(srv.base, process, srv.log)
        yield srv
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--autoplay-policy=no-user-gesture-required",  # the chime without a click
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    """A fresh browser context (no cookies); refuses any request to another host."""
    yield from _guarded_page(browser, server)


@pytest.fixture
def plain_page(browser, server: Server) -> Iterator[object]:
    """The same with JavaScript switched off: the console as plain HTML."""
    yield from _guarded_page(browser, server, java_script_enabled=False)


def _guarded_page(browser, server: Server, **options: object) -> Iterator[object]:
    context = browser.new_context(base_url=server.base, locale="vi-VN", **options)
    outside: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(server.base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    yield pg
    context.close()
    assert outside == [], f"the console tried to load external resources: {outside}"


@pytest.fixture
def moved_clock(server: Server) -> Iterator[Server]:
    """The server, with its clock put back to the start after the test."""
    yield server
    server.set_now(MONDAY)


def shot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if name.startswith("console-") and os.environ.get("VSS_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOC_IMAGES / path.name).write_bytes(path.read_bytes())
    return path


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in afresh (the cookies of an earlier login, and its language, are dropped)."""
    page.context.clear_cookies()
    page.goto("/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def later(days: int) -> datetime:
    return MONDAY + timedelta(days=days)
