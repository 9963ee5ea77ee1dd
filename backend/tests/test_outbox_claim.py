"""Several `deliver` processes share one outbox: each notification is claimed by one of them,
for a lease, and offered again only when the lease runs out without an answer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import MONDAY, SERVICE, create
from vss_tickets.domain import outbox
from vss_tickets.infra.db import Database


def claim(client, limit: int = 50) -> list[int]:
    answer = client.post(f"/api/v1/outbox/claim?limit={limit}", headers=SERVICE)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()]


def accepted_tickets(client, staff, count: int) -> None:
    """`count` tickets, each with one `status_changed` notification."""
    officer = staff("bhxh.ha-noi")
    for _ in range(count):
        code = create(client)["code"]
        assert client.post(f"/api/v1/tickets/{code}/accept", headers=officer).status_code == 200


def test_a_claimed_notification_is_not_offered_again_until_its_lease_runs_out(
    client, staff, clock
):
    accepted_tickets(client, staff, 3)
    first = claim(client, limit=2)
    assert len(first) == 2
    rest = claim(client)
    assert len(rest) == 1 and not set(rest) & set(first)
    assert claim(client) == []
    client.post(f"/api/v1/outbox/{first[0]}/ack", headers=SERVICE)
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)  # the others' deliverer died
    assert sorted(claim(client)) == sorted([first[1], *rest])  # the acknowledged one never
    assert client.post("/api/v1/outbox/claim").status_code == 401


def test_a_failure_ends_the_lease_with_the_back_off(client, staff, clock):
    accepted_tickets(client, staff, 1)
    (item,) = claim(client)
    client.post(f"/api/v1/outbox/{item}/fail", json={"error": "Rasa answered 503"}, headers=SERVICE)
    clock.advance(seconds=outbox.FIRST_RETRY.total_seconds() + 1)  # shorter than the lease
    assert claim(client) == [item]


def test_concurrent_claimers_share_the_rows_without_overlap(client, staff, settings):
    """Four deliverers, each with its own engine (as separate processes), claim in a race."""
    accepted_tickets(client, staff, 40)
    engines = [Database(settings.database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))

    def deliverer(db: Database) -> list[int]:
        start.wait()
        taken: list[int] = []
        while True:
            with db.session(write=True) as session:
                batch = [n.id for n, _ in outbox.claim(session, 3, MONDAY)]
            if not batch:
                return taken
            taken += batch

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            shares = list(pool.map(deliverer, engines))
    finally:
        for db in engines:
            db.dispose()
    claimed = [i for share in shares for i in share]
    assert len(claimed) == 40 and len(set(claimed)) == 40


def test_postgresql_skips_rows_another_transaction_is_claiming(client, staff, settings, backend):
    """A claim does not wait for, nor take, the rows of a claim still in its transaction."""
    if backend[0] != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second claim waits for the first")
    accepted_tickets(client, staff, 5)
    first, second = Database(settings.database_url), Database(settings.database_url)
    pool = ThreadPoolExecutor(1)  # another connection, while the first transaction is open
    try:
        with first.session(write=True) as holding:
            held = [n.id for n, _ in outbox.claim(holding, 2, MONDAY)]
            other = pool.submit(_claim_all, second).result(timeout=10)
        assert len(held) == 2 and len(other) == 3 and not set(held) & set(other)
    finally:
        pool.shutdown()
        first.dispose()
        second.dispose()


def _claim_all(db: Database) -> list[int]:
    with db.session(write=True) as session:
        return [n.id for n, _ in outbox.claim(session, 50, MONDAY)]
