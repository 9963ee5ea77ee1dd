"""#16 item 6, sessions: a staff session unused for the idle timeout (TICKETS_SESSION_IDLE_MINUTES,
default 30) ends, through the service's clock, for the API's bearer token and the console's
cookie alike; using it keeps it alive up to its lifetime (TICKETS_SESSION_HOURS)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD
from tests.test_console import Console
from vss_tickets.app import create_app
from vss_tickets.infra.config import ConfigError, Settings


@pytest.fixture
def idle_client(settings, clock):
    """The service with the default idle timeout (the shared test settings lift it)."""
    with TestClient(create_app(replace(settings, session_idle_minutes=30), clock)) as client:
        yield client


def test_the_default_idle_timeout_is_30_minutes(monkeypatch):
    assert Settings().session_idle_minutes == 30
    monkeypatch.setenv("TICKETS_SESSION_IDLE_MINUTES", "10")
    assert Settings.from_env().session_idle_minutes == 10


def test_an_idle_api_session_ends_and_a_used_one_lives_on(idle_client, staff, clock):
    staff("bhxh.hue", username="off.hue")
    login = {"username": "off.hue", "password": PASSWORD}
    token = idle_client.post("/api/v1/auth/login", json=login).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(4):  # used every 29 minutes: two hours without a new login
        clock.advance(minutes=29)
        assert idle_client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert idle_client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_an_idle_console_session_goes_back_to_the_login_page(idle_client, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    console = Console(idle_client)
    assert console.login("can.bo.hn").status_code == 303
    clock.advance(minutes=29)
    assert idle_client.get("/console/", follow_redirects=False).status_code == 200
    clock.advance(minutes=30, seconds=1)
    gone = idle_client.get("/console/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/console/login"


def test_the_setting_is_checked(settings, clock):
    with pytest.raises(ConfigError, match="TICKETS_SESSION_IDLE_MINUTES"):
        create_app(replace(settings, session_idle_minutes=0), clock)
