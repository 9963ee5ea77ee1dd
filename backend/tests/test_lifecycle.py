"""Every action in every state: legal ones change the state as the table says and write one
audit event; illegal ones answer 409 with a clear message and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import CITIZEN, MONDAY, SERVICE, StaffFactory, create, fresh_database
from vss_tickets.app import create_app
from vss_tickets.domain.lifecycle import TRANSITIONS
from vss_tickets.domain.models import STATES
from vss_tickets.infra.clock import FrozenClock
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database

# How to reach each state from "received" with the officer's API calls.
PATHS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "received": [],
    "accepted": [("accept", {})],
    "rejected": [("reject", {"reason": "Đã quá thời hiệu khiếu nại"})],
    "in_progress": [("accept", {}), ("claim", {})],
    "waiting_citizen": [("accept", {}), ("claim", {}), ("request-info", {"body": "Gửi số sổ"})],
    "resolved": [("accept", {}), ("claim", {}), ("resolve", {"resolution": "Đã chi trả"})],
    "closed": [("accept", {}), ("claim", {}), ("resolve", {"resolution": "Xong"}), ("close", {})],
}

# action -> (path, body, uses the service token as the citizen)
CALLS: dict[str, tuple[str, dict[str, Any], bool]] = {
    "accept": ("accept", {}, False),
    "reject": ("reject", {"reason": "Không thuộc thẩm quyền"}, False),
    "claim": ("claim", {}, False),
    "reply": ("reply", {"body": "Chúng tôi đang kiểm tra."}, False),
    "request_info": ("request-info", {"body": "Xin cung cấp mã số BHXH."}, False),
    "resume": ("resume", {}, False),
    "transfer": ("transfer", {"to_unit_code": "vss.si_policy", "reason": "Cần Ban xử lý"}, False),
    "consult": ("consult", {"to_unit_code": "vss.si_policy", "question": "Ý kiến?"}, False),
    "resolve": ("resolve", {"resolution": "Đã giải quyết."}, False),
    "close": ("close", {}, False),
    "reopen": ("reopen", {"reason": "Công dân chưa nhận tiền"}, False),
    "citizen_message": (
        "citizen-messages", {**CITIZEN, "phone_last4": "5678", "body": "Số sổ 012"}, True
    ),
    "rate": ("rating", {**CITIZEN, "phone_last4": "5678", "rating": 5}, True),
}


def test_every_action_has_a_test_call():
    assert set(CALLS) == set(TRANSITIONS) - {"escalate"}


def audit_count(db, code: str) -> int:
    with db.session() as session:
        return session.execute(
            text(
                "SELECT count(*) FROM audit_events a JOIN tickets t ON t.id = a.ticket_id "
                "WHERE t.code = :code"
            ),
            {"code": code},
        ).scalar_one()


def ticket_in(client, officer: dict, state: str) -> str:
    code = create(client)["code"]
    for path, body in PATHS[state]:
        response = client.post(f"/api/v1/tickets/{code}/{path}", json=body, headers=officer)
        assert response.status_code == 200, response.text
    assert client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["state"] == state
    return code


@pytest.fixture(scope="module")
def table_env(backend, tmp_path_factory):
    """One service and database for the whole table: each case works on its own ticket."""
    url = fresh_database(backend, tmp_path_factory.mktemp("table"))
    clock = FrozenClock(MONDAY)
    app = create_app(Settings(database_url=url, escalation_interval=0), clock)
    db = Database(url)
    with TestClient(app) as client:
        yield client, StaffFactory(db, clock)("bhxh.ha-noi"), db
    db.dispose()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(CALLS))
def test_transition_table(table_env, action, state):
    client, officer, db = table_env
    code = ticket_in(client, officer, state)
    before = audit_count(db, code)
    path, body, as_citizen = CALLS[action]
    response = client.post(
        f"/api/v1/tickets/{code}/{path}", json=body, headers=SERVICE if as_citizen else officer
    )
    after = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    if state in TRANSITIONS[action]:
        assert response.status_code in (200, 201), response.text
        assert after["state"] == TRANSITIONS[action][state]
        assert audit_count(db, code) == before + 1
        assert after["audit"][-1]["action"] == action
        assert after["audit"][-1]["from_state"] == state
    else:
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "illegal_transition"
        assert state in response.json()["message"]
        assert after["state"] == state
        assert audit_count(db, code) == before


def test_audit_trail_is_append_only(client, db):
    code = create(client)["code"]
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), db.session(write=True) as session:
            session.execute(text(statement))
    assert audit_count(db, code) == 1


def test_reject_needs_a_reason(client, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client)["code"]
    response = client.post(f"/api/v1/tickets/{code}/reject", json={"reason": " "}, headers=officer)
    assert response.status_code == 422
    assert client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["state"] == "received"


def citizen_view(client: TestClient, code: str, digits: str):
    """The citizen's check of `code` with these phone digits, from the ticket's conversation."""
    body = {**CITIZEN, "phone_last4": digits}
    return client.post(f"/api/v1/tickets/{code}/citizen-view", json=body, headers=SERVICE)


def test_reply_reaches_the_outbox_and_the_citizen_view(client, staff):
    officer = staff("bhxh.ha-noi")
    code = ticket_in(client, officer, "in_progress")
    client.post(f"/api/v1/tickets/{code}/reply", json={"body": "Đã nhận hồ sơ."}, headers=officer)
    view = citizen_view(client, code, "5678")
    assert view.status_code == 200
    assert view.json()["messages"][-1]["body"] == "Đã nhận hồ sơ."
    items = client.get("/api/v1/outbox", headers=SERVICE).json()
    replies = [i for i in items if i["event"] == "staff_reply"]
    assert replies[-1]["payload"]["message"] == "Đã nhận hồ sơ."
    assert replies[-1]["conversation_id"] == "conv-1"


def test_citizen_view_needs_the_right_phone_digits(client):
    code = create(client)["code"]
    assert citizen_view(client, code, "0000").status_code == 404
    assert citizen_view(client, code, "56").status_code == 422


def test_another_officer_cannot_act_on_a_claimed_ticket(client, staff):
    first, second = staff("bhxh.ha-noi"), staff("bhxh.ha-noi")
    code = ticket_in(client, first, "in_progress")
    response = client.post(f"/api/v1/tickets/{code}/reply", json={"body": "x"}, headers=second)
    assert response.status_code == 409
    assert "claimed" in response.json()["message"]


def test_reopen_only_within_the_period(client, staff, clock):
    officer = staff("bhxh.ha-noi")
    code = ticket_in(client, officer, "closed")
    clock.advance(days=31)
    late = client.post(f"/api/v1/tickets/{code}/reopen", json={"reason": "x"}, headers=officer)
    assert late.status_code == 409
    assert "30" in late.json()["message"]


def test_rating_only_once(client, staff):
    officer = staff("bhxh.ha-noi")
    code = ticket_in(client, officer, "resolved")
    body = {**CITIZEN, "phone_last4": "5678", "rating": 4, "comment": "Nhanh"}
    assert client.post(f"/api/v1/tickets/{code}/rating", json=body, headers=SERVICE).is_success
    again = client.post(f"/api/v1/tickets/{code}/rating", json=body, headers=SERVICE)
    assert again.status_code == 409
    assert client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["rating"] == 4


def test_citizen_verification_is_throttled_per_ticket(client, clock):
    code = create(client)["code"]
    for _ in range(3):  # three failures lock the code for this conversation (VERIFY_MAX_FAILURES)
        assert citizen_view(client, code, "0000").status_code == 404
    assert citizen_view(client, code, "5678").status_code == 429
    clock.advance(seconds=901)
    assert citizen_view(client, code, "5678").status_code == 200


def test_unknown_code_and_wrong_digits_get_the_same_reply(client):
    code = create(client)["code"]
    wrong_digits = citizen_view(client, code, "0000")
    unknown = "BHXH-2020-999999"
    unknown_code = citizen_view(client, unknown, "5678")
    assert wrong_digits.status_code == unknown_code.status_code == 404
    assert wrong_digits.json() == unknown_code.json()
    for _ in range(2):  # unknown codes count too: probing cannot tell them apart by the lock
        citizen_view(client, unknown, "5678")
    assert citizen_view(client, unknown, "5678").status_code == 429
