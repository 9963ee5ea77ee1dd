"""#16 item 6, login: failed logins are limited per (username, address) and per address, with a
longer per-account limit only as a backstop, so one address cannot try many usernames and a
stranger cannot lock an officer out; the password is verified outside any database
transaction, so bad logins do not hold up ticket creation (on SQLite, the one writer lock)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, SERVICE, ticket_body
from tests.test_console import Console
from vss_tickets.app import create_app

WRONG = "guess-guess-guess"


@pytest.fixture
def app(settings, clock) -> FastAPI:
    """The service with the test settings: 3 failures per (username, address), the defaults
    otherwise (20 per address, 50 per account a day)."""
    return create_app(settings, clock)


def at(app: FastAPI, address: str) -> TestClient:
    """A client calling from `address`."""
    return TestClient(app, client=(address, 40000))


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    body = {"username": username, "password": password}
    return client.post("/api/v1/auth/login", json=body).status_code


def test_one_address_cannot_try_many_usernames(app, staff):
    for i in range(25):
        staff("bhxh.hue", username=f"officer{i}")
    with at(app, "203.0.113.9") as attacker:
        answers = [login(attacker, f"officer{i}", WRONG) for i in range(25)]
        assert answers == [401] * 20 + [429] * 5  # TICKETS_LOGIN_ADDRESS_MAX_FAILURES
        assert login(attacker, "officer24") == 429  # even with the right password
    with at(app, "192.0.2.24") as office:
        assert login(office, "officer24") == 200


def test_a_stranger_cannot_lock_an_officer_out(app, staff, clock):
    staff("bhxh.hue", username="off.hue")
    with at(app, "203.0.113.9") as stranger:
        assert [login(stranger, "off.hue", WRONG) for _ in range(4)] == [401, 401, 401, 429]
        assert login(stranger, "off.hue") == 429
    with at(app, "192.0.2.10") as office:
        assert login(office, "off.hue", WRONG) == 401  # the officer's own typo
        assert login(office, "off.hue") == 200
    clock.advance(seconds=901)
    with at(app, "203.0.113.9") as stranger:
        assert login(stranger, "off.hue", WRONG) == 401  # the window is over


def test_the_account_backstop_stops_a_guess_from_many_addresses(settings, clock, staff):
    app = create_app(replace(settings, login_account_max_failures=6), clock)
    staff("bhxh.hue", username="off.hue")
    for i in range(6):
        with at(app, f"198.51.100.{i}") as bot:
            assert login(bot, "off.hue", WRONG) == 401
    with at(app, "192.0.2.10") as office:
        assert login(office, "off.hue") == 429
    clock.advance(seconds=settings.login_account_window_seconds + 1)
    with at(app, "192.0.2.10") as office:
        assert login(office, "off.hue") == 200


def test_the_password_is_verified_outside_any_transaction(app, staff, monkeypatch):
    staff("bhxh.hue", username="off.hue")
    db = app.state.services.db
    seen: list[tuple[int, bool]] = []
    real = PasswordHasher.verify

    def watched(self: PasswordHasher, password_hash: str, password: str) -> bool:
        seen.append((db.engine.pool.checkedout(), db._write_lock.locked()))
        return real(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", watched)
    with TestClient(app) as client:
        assert login(client, "off.hue", WRONG) == 401
        assert login(client, "nobody", WRONG) == 401
        assert login(client, "off.hue") == 200
    assert seen == [(0, False)] * 3  # no connection held, no writer waiting on the lock


def test_a_ticket_is_created_while_a_bad_login_is_verified(app, staff, monkeypatch):
    staff("bhxh.hue", username="off.hue")
    verifying, done = threading.Event(), threading.Event()
    real = PasswordHasher.verify

    def slow(self: PasswordHasher, password_hash: str, password: str) -> bool:
        verifying.set()
        done.wait(30)  # argon2 stretched until the ticket below is created
        return real(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", slow)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=2) as pool:
        bad_login = pool.submit(login, client, "off.hue", WRONG)
        assert verifying.wait(30)
        created = pool.submit(client.post, "/api/v1/tickets", json=ticket_body(), headers=SERVICE)
        try:
            assert created.result(timeout=10).status_code == 201
        finally:
            done.set()
        assert bad_login.result(timeout=30) == 401


def test_a_console_username_longer_than_any_account_is_a_wrong_login(app):
    with TestClient(app) as client:
        console = Console(client)
        refused = console.login("x" * 200)
        assert refused.status_code == 401 and "Wrong username or password" in refused.text
