"""Two `deliver` processes on one ticket service (PostgreSQL): every notification reaches its
conversation exactly once, whichever process claimed it."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import requests

from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack

TICKETS = 24
SERVICE = {"Authorization": f"Bearer {TICKETS_TOKEN}"}


def file_ticket(stack: Stack, conversation: str) -> str:
    body = {
        "kind": "complaint", "topic": "pension", "channel": "rest", "language": "vi",
        "conversation_id": conversation, "province": "Hà Nội", "commune": None, "consent": True,
        "description": "Lương hưu tháng này chưa được chi trả.",
        "citizen": {"name": "Nguyễn Văn A", "phone": "0912345678", "cccd": None,
                    "bhxh_code": None},
    }
    answer = requests.post(f"{stack.tickets_url}/api/v1/tickets", json=body, timeout=30,
                           headers={**SERVICE, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def delivered_ids(stack: Stack, conversation: str) -> list[int]:
    """The outbox ids of the bot messages in the conversation, as Rasa stored them."""
    tracker = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=10).json()
    return [e["metadata"]["outbox_id"] for e in tracker["events"]
            if e["event"] == "bot" and "outbox_id" in (e.get("metadata") or {})]


def test_two_deliverers_send_each_notification_once(
    stack: Stack, postgres_database: str, tmp_path_factory
) -> None:
    service = Stack.configure(tmp_path_factory.mktemp("two-deliverers"))
    service.env.update({"RASA_PORT": stack.env["RASA_PORT"],
                        "TICKETS_DATABASE_URL": postgres_database, "OUTBOX_POLL_SECONDS": "0.2"})
    try:
        service.start_tickets()
        for name in ("deliver-a", "deliver-b"):
            service.start_delivery(name)
        officer = service.staff_session("bhxh.ha-noi", "officer.outbox", "Mat-khau-e2e-2026")
        conversations = {f"e2e-out-{uuid.uuid4().hex[:10]}": "" for _ in range(TICKETS)}
        for conversation in conversations:
            code = conversations[conversation] = file_ticket(service, conversation)
            accepted = officer.post(f"{service.tickets_url}/api/v1/tickets/{code}/accept",
                                    timeout=30)
            assert accepted.status_code == 200, accepted.text

        deadline = time.monotonic() + 90
        while True:
            states = Counter(
                n["state"]
                for code in conversations.values()
                for n in requests.get(f"{service.tickets_url}/api/v1/tickets/{code}/outbox",
                                      headers=SERVICE, timeout=10).json()
            )
            if states == {"delivered": TICKETS}:
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.5)
        time.sleep(1.0)  # a double send would land after the first acknowledgement

        sent = Counter(i for conversation in conversations
                       for i in delivered_ids(stack, conversation))
        assert len(sent) == TICKETS and set(sent.values()) == {1}, sent
    finally:
        service.stop_all()
