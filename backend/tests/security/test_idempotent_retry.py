"""#16 item 3 (the ticket service's part): a retry of one submission under its Idempotency-Key
answers the ticket the first try created, even when the transcript grew between the tries (the
chat went on: "no code yet", "try again"); any other difference is still refused. The retry's
answer carries a new receipt, and the first one (never shown to the citizen) stops working."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import MONDAY, SERVICE, ticket_body
from vss_tickets.domain.models import IdempotencyKey, Ticket


def turn(author: str, text: str, minutes: int) -> dict[str, str]:
    return {"author": author, "text": text, "at": (MONDAY + timedelta(minutes=minutes)).isoformat()}


FIRST_TRY = [
    turn("citizen", "Tôi muốn khiếu nại về lương hưu", 0),
    turn("assistant", "Vui lòng xác nhận gửi yêu cầu.", 1),
]
SECOND_TRY = [  # the same chat, two turns later
    *FIRST_TRY,
    turn("assistant", "Chưa gửi được yêu cầu, bạn thử lại nhé.", 2),
    turn("citizen", "Thử lại", 3),
]


def post(client, key: str, **overrides):
    headers = {**SERVICE, "Idempotency-Key": key}
    return client.post("/api/v1/tickets", json=ticket_body(**overrides), headers=headers)


def view(client, code: str, receipt: str) -> int:
    body = {"conversation_id": "conv-1", "receipt": receipt}
    answer = client.post(f"/api/v1/tickets/{code}/citizen-view", json=body, headers=SERVICE)
    return answer.status_code


def test_a_retry_with_a_longer_transcript_answers_the_first_ticket(client, db, staff):
    first = post(client, "rasa-retry-1", transcript=FIRST_TRY)
    again = post(client, "rasa-retry-1", transcript=SECOND_TRY)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert first.json()["code"] == again.json()["code"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    officer = staff("bhxh.ha-noi")
    code = first.json()["code"]
    kept = client.get(f"/api/v1/tickets/{code}", headers=officer).json()["transcript"]
    assert [t["text"] for t in kept] == [t["text"] for t in FIRST_TRY]  # the first try's
    without = post(client, "rasa-retry-1")  # a retry that lost its transcript altogether
    assert (without.status_code, without.json()["code"]) == (200, code)


def test_the_retry_carries_a_new_receipt_and_the_first_stops_working(client):
    first = post(client, "rasa-retry-2", transcript=FIRST_TRY).json()
    again = post(client, "rasa-retry-2", transcript=SECOND_TRY).json()
    assert again["receipt"] != first["receipt"]
    assert view(client, again["code"], again["receipt"]) == 200
    assert view(client, first["code"], first["receipt"]) == 404


def test_any_other_difference_under_the_same_key_is_still_refused(client, db):
    assert post(client, "rasa-retry-3", transcript=FIRST_TRY).status_code == 201
    for other in (
        {"description": "Một yêu cầu khác"},
        {"kind": "denunciation"},
        {"citizen": {"name": "Trần Thị B", "phone": "0987654321"}},
        {"handoff": True},
    ):
        refused = post(client, "rasa-retry-3", transcript=SECOND_TRY, **other)
        assert refused.status_code == 422, other
        assert refused.json()["error"] == "idempotency_key_reused"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
