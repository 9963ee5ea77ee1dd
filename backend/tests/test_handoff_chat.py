"""Live chat with an officer (human handoff): create with `handoff`, take and release by staff,
expiry at the assistant's sweep, the citizen's chat messages, audit, outbox and console page."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.conftest import MONDAY, PASSWORD, SERVICE, create, ticket_body
from vss_tickets.domain.intake import request_hash
from vss_tickets.domain.models import Message, OutboxNotification, Ticket
from vss_tickets.domain.schemas import TicketCreate

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def chat_ticket(client, **overrides) -> str:
    return create(client, handoff=True, **overrides)["code"]


def detail(client, code: str) -> dict:
    return client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()


def events(db, code: str) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxNotification.event)
                .join(Ticket, Ticket.id == OutboxNotification.ticket_id)
                .where(Ticket.code == code)
                .order_by(OutboxNotification.id)
            )
        )


def sweep(client) -> list[dict]:
    response = client.post("/api/v1/chats/sweep", headers=SERVICE)
    assert response.status_code == 200, response.text
    return response.json()


def say(client, code: str, body: str, conversation_id: str = "conv-1"):
    return client.post(
        f"/api/v1/tickets/{code}/chat-messages",
        json={"conversation_id": conversation_id, "body": body},
        headers=SERVICE,
    )


def test_create_with_handoff_waits_for_an_officer(client, db):
    body = create(client, handoff=True)
    assert body["chat_state"] == "waiting" and body["chat_officer"] is None
    assert datetime.fromisoformat(body["chat_requested_at"]) == MONDAY
    assert body["chat_closed_reason"] is None
    plain = create(client, conversation_id="conv-2")
    assert plain["chat_state"] is None and plain["chat_requested_at"] is None
    created = detail(client, body["code"])["audit"][0]
    assert created["action"] == "created" and created["details"]["handoff"] is True
    assert "handoff" not in detail(client, plain["code"])["audit"][0]["details"]
    assert events(db, body["code"]) == []  # asking for a chat queues nothing


def test_handoff_is_hashed_only_when_true():
    plain = TicketCreate.model_validate(ticket_body())
    old = plain.model_dump(mode="json")
    del old["transcript"], old["handoff"]
    canonical = json.dumps(old, sort_keys=True, ensure_ascii=False)
    assert request_hash(plain) == hashlib.sha256(canonical.encode()).hexdigest()
    assert request_hash(TicketCreate.model_validate(ticket_body(handoff=False))) == request_hash(
        plain
    )
    assert request_hash(TicketCreate.model_validate(ticket_body(handoff=True))) != request_hash(
        plain
    )


def test_idempotent_replay_of_a_handoff_create(client):
    headers = {**SERVICE, "Idempotency-Key": "handoff-1"}
    first = client.post("/api/v1/tickets", json=ticket_body(handoff=True), headers=headers)
    again = client.post("/api/v1/tickets", json=ticket_body(handoff=True), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    assert again.json()["chat_state"] == "waiting"
    other = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


def test_take_then_release_with_audit_and_outbox(client, staff, db, clock):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    code = chat_ticket(client)
    clock.advance(seconds=30)
    taken = client.post(f"/api/v1/tickets/{code}/take-chat", headers=officer)
    assert taken.status_code == 200, taken.text
    assert taken.json()["chat_state"] == "held" and taken.json()["chat_officer"] == "can.bo.hn"
    # taking the chat accepts the ticket and claims it, so the officer can reply at once
    assert taken.json()["state"] == "in_progress"
    assert taken.json()["assignee"] == "can.bo.hn"
    again = client.post(f"/api/v1/tickets/{code}/take-chat", headers=officer)
    assert again.status_code == 409 and again.json()["error"] == "chat_not_waiting"
    assert events(db, code) == ["status_changed", "chat_taken"]

    released = client.post(f"/api/v1/tickets/{code}/release-chat", headers=officer)
    assert released.status_code == 200, released.text
    body = released.json()
    assert body["chat_state"] == "closed" and body["chat_closed_reason"] == "released"
    assert body["chat_officer"] == "can.bo.hn"
    twice = client.post(f"/api/v1/tickets/{code}/release-chat", headers=officer)
    assert twice.status_code == 409 and twice.json()["error"] == "chat_not_held"
    late = client.post(f"/api/v1/tickets/{code}/take-chat", headers=officer)
    assert late.status_code == 409

    audit = [(e["action"], e["actor"], e["details"]) for e in body["audit"]]
    assert [a[0] for a in audit[1:3]] == ["accept", "claim"]
    assert audit[3] == (
        "chat_taken", "staff:can.bo.hn",
        {"chat_from": "waiting", "chat_to": "held", "officer": "can.bo.hn"},
    )  # fmt: skip
    assert audit[4] == (
        "chat_released", "staff:can.bo.hn",
        {"chat_from": "held", "chat_to": "closed", "officer": "can.bo.hn"},
    )  # fmt: skip
    assert events(db, code) == ["status_changed", "chat_taken", "chat_released"]
    item = client.get("/api/v1/outbox", headers=SERVICE).json()[-1]
    assert item["event"] == "chat_released" and item["conversation_id"] == "conv-1"
    payload = item["payload"]
    assert payload["chat_state"] == "closed" and payload["reason"] == "released"
    assert payload["code"] == code and payload["officer"] == "can.bo.hn"
    assert "text_vi" not in payload and "text_en" not in payload  # worded by the assistant


def test_chat_actions_on_a_ticket_without_chat_are_409(client, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client)["code"]
    for action, error in (("take-chat", "chat_not_waiting"), ("release-chat", "chat_not_held")):
        response = client.post(f"/api/v1/tickets/{code}/{action}", headers=officer)
        assert response.status_code == 409 and response.json()["error"] == error


def test_scope_other_province_404_other_officer_403_supervisor_may_release(client, staff, db):
    holder = staff("bhxh.ha-noi", username="holder")
    colleague = staff("bhxh.ha-noi", username="colleague")
    elsewhere = staff("bhxh.hue", username="hue.officer")
    admin = staff("vss", "admin")
    code = chat_ticket(client)
    for action in ("take-chat", "release-chat"):
        response = client.post(f"/api/v1/tickets/{code}/{action}", headers=elsewhere)
        assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.post(f"/api/v1/tickets/{code}/take-chat", headers=SERVICE).status_code == 403
    assert client.post(f"/api/v1/tickets/{code}/take-chat", headers=holder).status_code == 200
    refused = client.post(f"/api/v1/tickets/{code}/release-chat", headers=colleague)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert detail(client, code)["chat_state"] == "held"
    assert events(db, code) == ["status_changed", "chat_taken"]
    done = client.post(f"/api/v1/tickets/{code}/release-chat", headers=admin)
    assert done.status_code == 200 and done.json()["chat_closed_reason"] == "released"
    assert done.json()["audit"][-1]["actor"].startswith("staff:admin-")
    assert events(db, code) == ["status_changed", "chat_taken", "chat_released"]


def test_sweep_expires_after_the_wait_not_before(client, staff, db, clock):
    first = chat_ticket(client)
    clock.advance(seconds=60)
    second = chat_ticket(client, conversation_id="conv-2", channel="zalo", language="en")
    create(client, conversation_id="conv-3")  # no chat
    clock.advance(seconds=239)  # first: 299 s
    chats = sweep(client)
    assert [c["code"] for c in chats] == [first, second]  # oldest first
    assert chats[1] == {
        "code": second, "conversation_id": "conv-2", "channel": "zalo", "language": "en",
        "state": "waiting", "officer": None, "requested_at": chats[1]["requested_at"],
        "relayed_until": None,
    }  # fmt: skip
    assert datetime.fromisoformat(chats[0]["requested_at"]) == MONDAY
    assert events(db, first) == []

    clock.advance(seconds=1)  # first: 300 s, the wait is over
    chats = sweep(client)
    assert [c["code"] for c in chats] == [second]
    gone = detail(client, first)
    assert gone["chat_state"] == "closed" and gone["chat_closed_reason"] == "expired"
    assert gone["state"] == "received"
    expired = gone["audit"][-1]
    assert (expired["action"], expired["actor"]) == ("chat_expired", "system")
    assert expired["details"]["chat_from"] == "waiting"
    assert events(db, first) == ["chat_expired"]
    assert sweep(client) == chats and events(db, first) == ["chat_expired"]  # once only

    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    assert client.post(f"/api/v1/tickets/{second}/take-chat", headers=officer).status_code == 200
    clock.advance(hours=1)
    chats = sweep(client)  # a held chat never expires
    assert [(c["code"], c["state"], c["officer"]) for c in chats] == [
        (second, "held", "can.bo.hn")
    ]
    assert events(db, second) == ["status_changed", "chat_taken"]
    late = client.post(f"/api/v1/tickets/{first}/take-chat", headers=officer)
    assert late.status_code == 409


def test_wait_setting_is_used(settings, clock, db):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from vss_tickets.app import create_app

    with TestClient(create_app(replace(settings, handoff_wait_seconds=10), clock)) as c:
        code = chat_ticket(c)
        clock.advance(seconds=9)
        assert [x["code"] for x in sweep(c)] == [code]
        clock.advance(seconds=1)
        assert sweep(c) == [] and events(db, code) == ["chat_expired"]


def test_sweep_and_chat_messages_need_the_service_token(client, staff):
    officer = staff("bhxh.ha-noi")
    code = chat_ticket(client)
    assert client.post("/api/v1/chats/sweep").status_code == 401
    assert client.post("/api/v1/chats/sweep", headers=officer).status_code == 401
    response = client.post(
        f"/api/v1/tickets/{code}/chat-messages",
        json={"conversation_id": "conv-1", "body": "xin chào"},
        headers=officer,
    )
    assert response.status_code == 401


def test_chat_messages_reach_the_thread_only_for_the_conversation(client, staff, db, clock):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    code = chat_ticket(client)
    decomposed = "Tôi cần ho\u0302\u0303 trợ"  # combining marks, NFC on the way in
    response = say(client, code, f"  {decomposed}  ")
    assert response.status_code == 201, response.text
    assert response.json() == {"code": code, "state": "received", "chat_state": "waiting",
                               "duplicate": False}

    unknown = say(client, "BHXH-2026-999999", "xin chào")
    wrong = say(client, code, "xin chào", conversation_id="conv-other")
    assert unknown.status_code == wrong.status_code == 404
    assert wrong.json() == {
        "error": "not_found",
        "message": unknown.json()["message"].replace("BHXH-2026-999999", code),
    }
    assert say(client, code, "").status_code == 422
    oversize = say(client, code, "x" * 4001)
    assert oversize.status_code == 422 and oversize.json()["error"] == "validation_error"
    assert say(client, code, "x" * 4000).status_code == 201
    missing = client.post(
        f"/api/v1/tickets/{code}/chat-messages", json={"body": "xin chào"}, headers=SERVICE
    )
    assert missing.status_code == 422

    client.post(f"/api/v1/tickets/{code}/take-chat", headers=officer)
    clock.advance(minutes=1)
    held = say(client, code, "Cán bộ ơi")
    assert held.status_code == 201 and held.json()["chat_state"] == "held"
    client.post(f"/api/v1/tickets/{code}/release-chat", headers=officer)
    closed = say(client, code, "Còn ai không?")
    assert closed.status_code == 409 and closed.json()["error"] == "chat_not_active"

    messages = detail(client, code)["messages"]
    assert [m["author"] for m in messages] == ["citizen"] * 3
    assert messages[0]["body"] == "Tôi cần hỗ trợ" and messages[2]["body"] == "Cán bộ ơi"
    actions = [e["action"] for e in detail(client, code)["audit"]]
    assert actions.count("citizen_message") == 3
    with db.session() as session:
        assert len(session.scalars(select(Message)).all()) == 3


def test_no_chat_means_409_and_a_citizen_message_resumes_a_paused_ticket(client, staff):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    plain = create(client, conversation_id="conv-2")["code"]
    refused = say(client, plain, "xin chào", conversation_id="conv-2")
    assert refused.status_code == 409 and refused.json()["error"] == "chat_not_active"

    code = chat_ticket(client)
    for step, payload in (("take-chat", None),
                          ("request-info", {"body": "Xin gửi số sổ BHXH"})):  # fmt: skip
        r = client.post(f"/api/v1/tickets/{code}/{step}", json=payload, headers=officer)
        assert r.status_code == 200, r.text
    assert detail(client, code)["state"] == "waiting_citizen"
    answer = say(client, code, "Số sổ của tôi là ******7890")
    assert answer.status_code == 201
    assert answer.json() == {"code": code, "state": "in_progress", "chat_state": "held",
                             "duplicate": False}


def test_staff_reply_on_a_held_chat_queues_staff_reply(client, staff, db):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    code = chat_ticket(client)
    client.post(f"/api/v1/tickets/{code}/take-chat", headers=officer)
    reply = client.post(
        f"/api/v1/tickets/{code}/reply", json={"body": "Chào anh, tôi là cán bộ."}, headers=officer
    )
    assert reply.status_code == 200 and reply.json()["chat_state"] == "held"
    assert events(db, code) == ["status_changed", "chat_taken", "staff_reply"]
    last = client.get(f"/api/v1/tickets/{code}/outbox", headers=SERVICE).json()[-1]
    assert last["payload"]["message"] == "Chào anh, tôi là cán bộ."
    assert last["payload"]["chat_state"] == "held"  # the assistant shows it as chat


class Console:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str) -> None:
        self.client.cookies.clear()
        token = CSRF.search(self.client.get("/console/login").text).group(1)
        response = self.client.post(
            "/console/login",
            data={"username": username, "password": PASSWORD, "csrf": token},
            follow_redirects=False,
        )
        assert response.status_code == 303

    def page(self, code: str, **params: str) -> str:
        response = self.client.get(f"/console/tickets/{code}", params=params)
        assert response.status_code == 200
        return response.text

    def act(self, code: str, action: str):
        token = CSRF.search(self.page(code)).group(1)
        return self.client.post(
            f"/console/tickets/{code}/{action}", data={"csrf": token}, follow_redirects=False
        )


@pytest.fixture
def console(client) -> Console:
    return Console(client)


def status(html: str) -> str:
    match = re.search(r'id="chat-status">(.*?)</p>', html, re.S)
    assert match, "no chat status"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_console_shows_the_chat_and_its_buttons(console, client, staff, db, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.ha-noi", username="dong.nghiep")
    code = chat_ticket(client)
    plain = create(client, conversation_id="conv-2")["code"]

    console.login("dong.nghiep")
    queue = client.get("/console/").text
    row = queue[queue.index(f'<tr class="" data-code="{code}"') :].split("</tr>")[0]
    assert "Chờ trao đổi" in row
    other = queue[queue.index(f'data-code="{plain}"') :].split("</tr>")[0]
    assert "Chờ trao đổi" not in other
    waiting = queue[queue.index('id="waiting-chats"') : queue.index("</section>")]
    assert code in waiting and plain not in waiting
    assert queue.index('id="waiting-chats"') < queue.index('class="queue"')

    page = console.page(code)
    assert status(page) == "Chờ trao đổi Người dân đang chờ cán bộ từ 02/03/2026 09:00"
    assert 'id="do-take-chat"' in page and "Nhận trao đổi trực tiếp" in page
    assert 'id="do-release-chat"' not in page
    assert 'id="live-chat"' not in console.page(plain)
    english = console.page(code, lang="en")
    assert "Take over the chat" in english and "The citizen has been waiting since" in english
    console.page(code, lang="vi")

    console.login("can.bo.hn")
    taken = console.act(code, "take-chat")
    assert taken.status_code == 303 and taken.headers["location"].endswith("?done=take-chat")
    page = console.page(code)
    assert status(page) == "Đang do cán bộ trao đổi: can.bo.hn"
    assert 'id="do-release-chat"' in page and "Kết thúc trao đổi" in page
    assert 'id="do-take-chat"' not in page
    assert 'id="waiting-chats"' not in client.get("/console/").text

    console.login("dong.nghiep")  # a colleague sees who holds it but cannot release it
    page = console.page(code)
    assert "can.bo.hn" in status(page) and 'id="do-release-chat"' not in page
    refused = console.act(code, "take-chat")
    assert refused.status_code == 409 and 'id="error"' in refused.text

    console.login("can.bo.hn")
    say(client, code, "Tôi đang chờ cán bộ")
    page = console.page(code)
    thread = page[page.index('id="thread"') :].split("</ol>")[0]
    assert 'class="citizen"' in thread and "Tôi đang chờ cán bộ" in thread
    released = console.act(code, "release-chat")
    assert released.status_code == 303
    page = console.page(code)
    assert status(page) == "Đã kết thúc: cán bộ kết thúc (can.bo.hn)"
    assert 'id="do-release-chat"' not in page and 'id="do-take-chat"' not in page
    assert "Kết thúc trao đổi trực tiếp" in page  # in the audit trail
    assert events(db, code) == ["status_changed", "chat_taken", "chat_released"]
    assert "Released the chat" in console.page(code, lang="en")


def test_console_shows_an_expired_chat(console, client, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    code = chat_ticket(client)
    clock.advance(minutes=5)
    sweep(client)
    console.login("can.bo.hn")
    page = console.page(code)
    assert status(page) == "Đã kết thúc: hết thời gian chờ, không có cán bộ nhận"
    assert 'id="do-take-chat"' not in page
    assert "Trao đổi trực tiếp hết thời gian chờ" in page  # audit
    assert "expired, no officer took it" in console.page(code, lang="en")
