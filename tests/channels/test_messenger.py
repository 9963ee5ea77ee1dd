"""The Messenger connector over real HTTP, against the local fake Graph API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import requests

from bot.common import clock
from tests.channels.conftest import Harness, wait_for
from tests.channels.credentials import FB_APP_SECRET, FB_PAGE_TOKEN, FB_VERIFY_TOKEN
from tests.channels.fake_graph import FakeGraph

PAGE_ID = "104812345678901"


def psid() -> str:
    return str(uuid.uuid4().int)[:16]


def text_event(sender: str, text: str, **extra: object) -> dict:
    now = int(clock.timestamp() * 1000)
    message = {"mid": f"m_{uuid.uuid4().hex}", "text": text, **extra}
    return {"sender": {"id": sender}, "recipient": {"id": PAGE_ID}, "timestamp": now,
            "message": message}


def delivery(*entries: list[dict]) -> dict:
    now = int(clock.timestamp() * 1000)
    return {"object": "page",
            "entry": [{"id": PAGE_ID, "time": now, "messaging": events} for events in entries]}


def post(harness: Harness, body: dict | None = None, raw: bytes | None = None,
         secret: str = FB_APP_SECRET) -> requests.Response:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    digest = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return requests.post(f"{harness.url}/webhooks/facebook/webhook", data=data, timeout=5,
                         headers={"Content-Type": "application/json",
                                  "X-Hub-Signature-256": f"sha256={digest}"})


def texts_for(harness: Harness, sender: str) -> list[str]:
    return [m["text"] for m in harness.received() if m["sender"] == f"fb:{sender}"]


def test_verify_handshake(harness: Harness) -> None:
    url = f"{harness.url}/webhooks/facebook/webhook"
    good = {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY_TOKEN,
            "hub.challenge": "1158201444"}
    answer = requests.get(url, params=good, timeout=5)
    assert answer.status_code == 200 and answer.text == "1158201444"
    for wrong in ({"hub.verify_token": "x"}, {"hub.mode": "unsubscribe"}):
        refused = requests.get(url, params={**good, **wrong}, timeout=5)
        assert refused.status_code == 403 and refused.json()["error"] == "verification_failed"


def test_signed_message_answered_with_typing_indicators(harness: Harness,
                                                        fake_graph: FakeGraph) -> None:
    user = psid()
    started = time.monotonic()
    answer = post(harness, delivery([text_event(user, "chào bạn")]))
    assert answer.status_code == 200 and answer.json()["accepted"] == 1
    assert time.monotonic() - started < 2
    wait_for(lambda: "typing_off" in fake_graph.actions_to(user))
    assert fake_graph.messages_to(user) == [{"text": "Bạn nói: chào bạn"}]
    assert fake_graph.actions_to(user) == ["typing_on", "typing_off"]
    order = [b.get("sender_action", "message") for b in fake_graph.sent
             if b["recipient"]["id"] == user]
    assert order == ["typing_on", "message", "typing_off"]
    reply = next(b for b in fake_graph.sent if b["recipient"]["id"] == user and "message" in b)
    assert reply["messaging_type"] == "RESPONSE" and fake_graph.versions == {"v23.0"}


def test_bad_signatures_and_bodies_are_rejected(harness: Harness) -> None:
    user = psid()
    body = delivery([text_event(user, "không hợp lệ")])
    assert post(harness, body, secret="wrong-secret").status_code == 403
    raw = json.dumps(body).encode()
    sha1 = hmac.new(FB_APP_SECRET.encode(), raw, hashlib.sha1).hexdigest()
    legacy = requests.post(f"{harness.url}/webhooks/facebook/webhook", data=raw, timeout=5,
                           headers={"X-Hub-Signature": f"sha1={sha1}"})
    assert legacy.status_code == 403 and legacy.json()["error"] == "missing_signature"
    malformed = post(harness, raw=b'{"object": "page", "entry": [')
    assert malformed.status_code == 400 and malformed.json()["error"] == "malformed_json"
    assert post(harness, {**body, "object": "instagram"}).status_code == 400
    time.sleep(0.5)
    assert texts_for(harness, user) == []


def test_every_event_of_a_batched_delivery_is_processed(harness: Harness,
                                                        fake_graph: FakeGraph) -> None:
    first, second = psid(), psid()
    echo = text_event(PAGE_ID, "tin của trang", is_echo=True, app_id=123)
    echo["recipient"] = {"id": first}
    read = {"sender": {"id": first}, "recipient": {"id": PAGE_ID}, "read": {"watermark": 1}}
    body = delivery(
        [text_event(first, "một"), echo, text_event(first, "hai")],
        [text_event(second, "ba"), read, text_event(second, "bốn")],
    )
    answer = post(harness, body)
    assert answer.json() == {"status": "EVENT_RECEIVED", "accepted": 4}
    wait_for(lambda: len(fake_graph.messages_to(first)) == 2
             and len(fake_graph.messages_to(second)) == 2)
    assert texts_for(harness, first) == ["một", "hai"]
    assert texts_for(harness, second) == ["ba", "bốn"]
    assert fake_graph.messages_to(first) == [{"text": "Bạn nói: một"}, {"text": "Bạn nói: hai"}]
    assert texts_for(harness, PAGE_ID) == []


def test_postbacks_and_quick_replies_pass_their_payload(harness: Harness) -> None:
    user = psid()
    postback = {"sender": {"id": user}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
                "postback": {"title": "Gửi khiếu nại", "payload": "/file_complaint",
                             "mid": "m_pb1"}}
    quick = text_event(user, "Có", quick_reply={"payload": "/affirm"})
    post(harness, delivery([postback, quick]))
    wait_for(lambda: len(texts_for(harness, user)) == 2)
    assert texts_for(harness, user) == ["/file_complaint", "/affirm"]


def test_the_three_button_rule(harness: Harness, fake_graph: FakeGraph) -> None:
    users = {n: psid() for n in (2, 5, 15)}
    post(harness, delivery([text_event(u, f"buttons {n}") for n, u in users.items()]))
    wait_for(lambda: all(fake_graph.messages_to(u) for u in users.values()))
    [two] = fake_graph.messages_to(users[2])
    payload = two["attachment"]["payload"]
    assert payload["template_type"] == "button"
    assert [(b["type"], b["payload"]) for b in payload["buttons"]] == [
        ("postback", "/choose1"), ("postback", "/choose2")]
    [five] = fake_graph.messages_to(users[5])
    assert [q["payload"] for q in five["quick_replies"]] == [f"/choose{i}" for i in range(1, 6)]
    assert all(len(q["title"]) <= 20 for q in five["quick_replies"])
    [fifteen] = fake_graph.messages_to(users[15])
    assert len(fifteen["quick_replies"]) == 13
    assert "• Lựa chọn số 14" in fifteen["text"] and "• Lựa chọn số 15" in fifteen["text"]
    assert not [r for r in fake_graph.rejected if r["body"]["recipient"]["id"] in users.values()]


def test_long_text_split_and_duplicates_processed_once(harness: Harness,
                                                       fake_graph: FakeGraph) -> None:
    user, twice = psid(), psid()
    post(harness, delivery([text_event(user, "long")]))
    repeated = delivery([text_event(twice, "một lần thôi")])
    assert post(harness, repeated).json()["accepted"] == 1
    assert post(harness, repeated).json()["accepted"] == 0
    wait_for(lambda: len(fake_graph.messages_to(user)) >= 3 and fake_graph.messages_to(twice))
    assert all(len(m["text"]) <= 2000 for m in fake_graph.messages_to(user))
    time.sleep(0.5)
    assert texts_for(harness, twice) == ["một lần thôi"]


def test_audio_and_oversized_text_get_notices(harness: Harness, fake_graph: FakeGraph) -> None:
    photo, big = psid(), psid()  # photos and documents: test_attachments.py
    image = text_event(photo, "", attachments=[{"type": "audio", "payload": {"url": "https://x"}}])
    del image["message"]["text"]
    post(harness, delivery([image, text_event(big, "x" * 2001)]))
    wait_for(lambda: fake_graph.messages_to(photo) and fake_graph.messages_to(big))
    assert "not this kind of message" in fake_graph.messages_to(photo)[0]["text"]
    assert "quá dài" in fake_graph.messages_to(big)[0]["text"]
    assert texts_for(harness, photo) == [] and texts_for(harness, big) == []


def test_slow_graph_api_does_not_block_the_server(harness: Harness,
                                                  fake_graph: FakeGraph) -> None:
    user = psid()
    fake_graph.delay = 1.5
    try:
        started = time.monotonic()
        post(harness, delivery([text_event(user, "chậm")]))
        requests.get(f"{harness.url}/health", timeout=5).raise_for_status()
        assert time.monotonic() - started < 1.0
        wait_for(lambda: fake_graph.messages_to(user), 15)
    finally:
        fake_graph.delay = 0.0


def test_invalid_page_token_is_reported(harness: Harness, fake_graph: FakeGraph) -> None:
    user = psid()
    fake_graph.tokens.clear()
    try:
        post(harness, delivery([text_event(user, "token hỏng")]))
        wait_for(lambda: any(r["code"] == 190 and r["body"]["recipient"]["id"] == user
                             for r in fake_graph.rejected))
        wait_for(lambda: "FACEBOOK_PAGE_ACCESS_TOKEN" in harness.log.read_text())
    finally:
        fake_graph.tokens.add(FB_PAGE_TOKEN)
