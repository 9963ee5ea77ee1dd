"""Waiting for the citizen pauses the clock; overdue tickets escalate up the hierarchy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CITIZEN, SERVICE, create
from vss_tickets.app import create_app
from vss_tickets.domain.escalation import only_host, run_escalation
from vss_tickets.domain.reference import extend_deadline
from vss_tickets.infra.db import Database

BACKEND = Path(__file__).resolve().parents[1]


def test_waiting_for_the_citizen_pauses_the_clock(client, staff, clock):
    officer = staff("bhxh.ha-noi")
    code = create(client, kind="recommendation", topic="contributions")["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    due = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["deadlines"]
    client.post(f"/api/v1/tickets/{code}/request-info", json={"body": "Số sổ?"}, headers=officer)
    paused = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert paused["state"] == "waiting_citizen" and paused["paused_since"] == "2026-03-02"
    clock.advance(days=3)  # Thursday 5/3: three working days paused
    reply = client.post(
        f"/api/v1/tickets/{code}/citizen-messages",
        json={**CITIZEN, "phone_last4": "5678", "body": "Số sổ 0123456789"},
        headers=SERVICE,
    )
    assert reply.status_code == 201
    resumed = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert resumed["state"] == "in_progress" and resumed["paused_since"] is None
    assert resumed["audit"][-1]["details"]["paused_working_days"] == 3
    # the resolution deadline moves by the three working days paused
    expected = extend_deadline(date.fromisoformat(due["resolution"]), 3)
    assert resumed["deadlines"]["resolution"] == expected.isoformat()


def test_pause_over_a_weekend_counts_working_days_only(client, staff, clock):
    officer = staff("bhxh.ha-noi")
    code = create(client, kind="enquiry", topic="contributions")["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    client.post(f"/api/v1/tickets/{code}/request-info", json={"body": "?"}, headers=officer)
    clock.advance(days=7)  # Monday to Monday: 5 working days
    client.post(f"/api/v1/tickets/{code}/resume", headers=officer)
    audit = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["audit"]
    assert audit[-1]["action"] == "resume"
    assert audit[-1]["details"]["paused_working_days"] == 5


def test_overdue_ticket_escalates_once_per_missed_deadline(client, db, clock):
    body = create(client)
    code = body["code"]
    assert run_escalation(db, clock).tickets == []
    clock.advance(days=16)  # past the acceptance deadline (16/3) but not the resolution
    assert run_escalation(db, clock).tickets == [(code, "vss")]
    assert run_escalation(db, clock).tickets == []  # not again for the same deadline
    ticket = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert ticket["escalation_level"] == 1 and ticket["escalated_to"] == "vss"
    event = ticket["audit"][-1]
    assert event["action"] == "escalate" and event["actor"] == "system"
    assert event["details"]["missed_deadline"] == "acceptance"


def test_supervisor_of_the_parent_sees_escalated_tickets(client, db, clock, staff):
    code = create(client)["code"]
    head = staff("vss", "supervisor")
    clock.advance(days=16)
    run_escalation(db, clock)
    listed = client.get("/api/v1/staff/tickets?escalated=true", headers=head).json()
    assert [t["code"] for t in listed["items"]] == [code]


def test_paused_ticket_does_not_escalate(client, db, clock, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client, kind="enquiry", topic="contributions")["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    client.post(f"/api/v1/tickets/{code}/request-info", json={"body": "?"}, headers=officer)
    clock.advance(days=30)
    assert run_escalation(db, clock).tickets == []


def test_cli_escalate_runs_for_cron(client, settings):
    code = create(client)["code"]  # received 2/3/2026 on the frozen clock
    env = {**os.environ, "TICKETS_DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "vss_tickets.cli", "escalate"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # The command uses the real date, long after the acceptance deadline of 16/3/2026.
    assert f"escalated {code} to vss" in result.stdout
    assert "1 tickets escalated" in result.stdout


def test_the_service_runs_the_escalation_job_itself(settings, clock, client):
    code = create(client)["code"]
    clock.advance(days=16)
    app = create_app(replace(settings, escalation_interval=1), clock)
    with TestClient(app) as periodic:  # the job starts with the app
        deadline = time.monotonic() + 30
        while (
            periodic.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["escalated_to"] is None
        ):
            assert time.monotonic() < deadline, "the in-process job did not escalate in 30 s"
            time.sleep(0.2)
        ticket = periodic.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert ticket["escalation_level"] == 1 and ticket["escalated_to"] == "vss"


def test_one_host_escalates_at_a_time(client, db, clock, settings, backend):
    """While another host holds the escalation lock a run escalates nothing; then it does."""
    if backend[0] != "postgresql":
        pytest.skip("SQLite serves one host: no lock between hosts to test")
    code = create(client)["code"]
    clock.advance(days=16)  # past the acceptance deadline
    other_host = Database(settings.database_url)
    try:
        with only_host(other_host) as got:
            assert got
            held = run_escalation(db, clock)
            assert held.skipped and held.tickets == []
    finally:
        other_host.dispose()
    assert run_escalation(db, clock).tickets == [(code, "vss")]
