"""The login and lookup throttles hold across ticket-service instances (issue #18): two apps
running at once on one database (SQLite and PostgreSQL, conftest.py) count each other's
failures, also when their attempts race. The clock of both stands at MONDAY (2026-03-02 02:00
UTC), so every attempt falls in one window."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, SERVICE, create
from vss_tickets.app import create_app

WRONG = "not-the-password"


@pytest.fixture
def instances(settings, clock) -> Iterator[list[TestClient]]:
    """Two ticket-service apps (two workers or hosts) on the same database and clock."""
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(settings, clock))) for _ in range(2)]


def login(client: TestClient, username: str, password: str) -> int:
    body = {"username": username, "password": password}
    return client.post("/api/v1/auth/login", json=body).status_code


def lookup(client: TestClient, code: str, digits: str) -> int:
    body = {"conversation_id": "conv-racer", "phone_last4": digits}
    return client.post(f"/api/v1/tickets/{code}/citizen-view", json=body,
                       headers=SERVICE).status_code


def test_failed_logins_on_two_instances_count_together(instances, staff):
    staff("bhxh.hue", username="off.hue")
    first, second = instances
    # the test settings allow 3 failures: two on one instance, one on the other
    assert [login(first, "off.hue", WRONG), login(second, "off.hue", WRONG),
            login(first, "off.hue", WRONG)] == [401, 401, 401]
    assert login(second, "off.hue", PASSWORD) == 429
    assert login(first, "off.hue", PASSWORD) == 429


def test_racing_lookups_on_two_instances_pass_the_limit_at_most_three_times(instances):
    code = create(instances[0])["code"]
    guesses = [f"{i:04d}" for i in range(16)]  # the right digits are 5678: all wrong
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lookup, instances * 8, [code] * 16, guesses))
    assert answers.count(404) <= 3 and answers.count(404) + answers.count(429) == 16
    # Attempts that all record themselves before any counts are all refused and forgotten (they
    # tested nothing), so the race may test fewer than three; wrong guesses after it fill the
    # three and no more, on either instance.
    answers += [lookup(instances[i % 2], code, f"{100 + i:04d}") for i in range(5)]
    assert answers.count(404) == 3
    assert lookup(instances[1], code, "5678") == 429
