"""The Zalo OA connector over real HTTP, against the local fake Zalo servers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bot.common import clock
from tests.channels.conftest import Harness, wait_for
from tests.channels.credentials import ZALO_APP_ID, ZALO_OA_SECRET
from tests.channels.fake_zalo import FakeZalo


def zalo_event(text: str | None = "xin chào", event_name: str = "user_send_text",
               user: str | None = None, msg_id: str | None = None,
               at: float | None = None) -> dict:
    """An event in the shape Zalo posts (ids are strings, timestamp in ms as a string), sent
    ``at`` a Unix time (default: now by this process's clock)."""
    user = user or str(uuid.uuid4().int)[:19]
    event = {
        "app_id": ZALO_APP_ID,
        "user_id_by_app": "55" + user[2:],
        "event_name": event_name,
        "timestamp": str(int((clock.timestamp() if at is None else at) * 1000)),
        "sender": {"id": user},
        "recipient": {"id": "579745863508352884"},
        "message": {"msg_id": msg_id or uuid.uuid4().hex, "text": text},
    }
    if event_name in ("follow", "unfollow"):
        event = {"app_id": ZALO_APP_ID, "oa_id": "579745863508352884", "event_name": event_name,
                 "timestamp": event["timestamp"], "follower": {"id": user}, "source": "oa_profile"}
    return event


def post(harness: Harness, event: dict, secret: str = ZALO_OA_SECRET,
         raw: bytes | None = None) -> requests.Response:
    body = raw if raw is not None else json.dumps(event, ensure_ascii=False).encode()
    mac = hashlib.sha256(
        ZALO_APP_ID.encode() + body + str(event.get("timestamp", "")).encode() + secret.encode()
    ).hexdigest()
    return requests.post(f"{harness.url}/webhooks/zalo/webhook", data=body, timeout=5,
                         headers={"Content-Type": "application/json",
                                  "X-ZEvent-Signature": f"mac={mac}"})


def replies_to(fake: FakeZalo, user: str) -> list[dict]:
    return [m["message"] for m in fake.sent if m["recipient"]["user_id"] == user]


def texts_for(harness: Harness, user: str) -> list[str]:
    return [m["text"] for m in harness.received() if m["sender"] == f"zalo:{user}"]


def test_signed_text_is_answered_after_an_immediate_200(harness: Harness,
                                                        fake_zalo: FakeZalo) -> None:
    event = zalo_event("tra cứu mã số BHXH")
    started = time.monotonic()
    answer = post(harness, event)
    assert answer.status_code == 200 and answer.json() == {"status": "accepted"}
    assert time.monotonic() - started < 2
    user = event["sender"]["id"]
    wait_for(lambda: replies_to(fake_zalo, user))
    assert replies_to(fake_zalo, user) == [{"text": "Bạn nói: tra cứu mã số BHXH"}]
    [got] = [m for m in harness.received() if m["sender"] == f"zalo:{user}"]
    assert got["channel"] == "zalo" and got["message_id"] == event["message"]["msg_id"]


def test_wrong_or_missing_signature_and_wrong_app_are_rejected(harness: Harness,
                                                               fake_zalo: FakeZalo) -> None:
    event = zalo_event("không được xử lý")
    wrong = post(harness, event, secret="the-app-secret-instead-of-the-oa-key")
    assert wrong.status_code == 401 and wrong.json()["error"] == "bad_signature"
    missing = requests.post(f"{harness.url}/webhooks/zalo/webhook", json=event, timeout=5)
    assert missing.status_code == 401 and missing.json()["error"] == "missing_signature"
    other_app = post(harness, {**event, "app_id": "999"})
    assert other_app.status_code == 403 and other_app.json()["error"] == "wrong_app"
    time.sleep(0.5)
    assert texts_for(harness, event["sender"]["id"]) == []


def test_tampered_body_fails_the_signature(harness: Harness) -> None:
    event = zalo_event("chuyển tiền cho tôi")
    body = json.dumps(event).encode()
    mac = hashlib.sha256(ZALO_APP_ID.encode() + body + event["timestamp"].encode()
                         + ZALO_OA_SECRET.encode()).hexdigest()
    tampered = body.replace(b"chuy", b"CHUY")
    answer = requests.post(f"{harness.url}/webhooks/zalo/webhook", data=tampered, timeout=5,
                           headers={"X-ZEvent-Signature": f"mac={mac}"})
    assert answer.status_code == 401


def test_malformed_and_oversized_bodies_get_clear_errors(harness: Harness) -> None:
    malformed = post(harness, {"timestamp": ""}, raw=b'{"event_name": "user_send_text",')
    assert malformed.status_code == 400 and malformed.json()["error"] == "malformed_json"
    not_object = post(harness, {"timestamp": ""}, raw=b"[1, 2]")
    assert not_object.status_code == 400
    huge = post(harness, {"timestamp": ""}, raw=b'{"x": "' + b"a" * 300_000 + b'"}')
    assert huge.status_code == 413 and huge.json()["error"] == "body_too_large"


def test_the_same_event_delivered_twice_is_processed_once(harness: Harness,
                                                          fake_zalo: FakeZalo) -> None:
    event = zalo_event("gửi hai lần")
    assert post(harness, event).json() == {"status": "accepted"}
    assert post(harness, event).json() == {"status": "duplicate"}
    user = event["sender"]["id"]
    wait_for(lambda: replies_to(fake_zalo, user))
    time.sleep(0.5)
    assert texts_for(harness, user) == ["gửi hai lần"]
    assert len(replies_to(fake_zalo, user)) == 1


def test_long_answers_are_split_within_2000_characters(harness: Harness,
                                                       fake_zalo: FakeZalo) -> None:
    event = zalo_event("long")
    post(harness, event)
    user = event["sender"]["id"]
    wait_for(lambda: len(replies_to(fake_zalo, user)) >= 3)
    parts = [m["text"] for m in replies_to(fake_zalo, user)]
    assert all(len(p) <= 2000 for p in parts)
    assert " ".join(parts) == " ".join(f"Câu số {i} về bảo hiểm xã hội." for i in range(150))


def test_buttons_become_zalo_buttons_and_overflow_is_listed(harness: Harness,
                                                            fake_zalo: FakeZalo) -> None:
    few, many = zalo_event("buttons 2"), zalo_event("buttons 7")
    post(harness, few)
    post(harness, many)
    wait_for(lambda: replies_to(fake_zalo, few["sender"]["id"])
             and replies_to(fake_zalo, many["sender"]["id"]))
    [two] = replies_to(fake_zalo, few["sender"]["id"])
    buttons = two["attachment"]["payload"]["buttons"]
    assert [(b["title"], b["type"], b["payload"]) for b in buttons] == [
        ("Lựa chọn số 1", "oa.query.hide", "/choose1"),
        ("Lựa chọn số 2", "oa.query.hide", "/choose2"),
    ]
    [seven] = replies_to(fake_zalo, many["sender"]["id"])
    assert len(seven["attachment"]["payload"]["buttons"]) == 3
    for i in range(4, 8):
        assert f"• Lựa chọn số {i}" in seven["text"]


def test_stickers_follow_and_unfollow(harness: Harness, fake_zalo: FakeZalo) -> None:
    image = zalo_event(None, event_name="user_send_sticker")  # photos: test_attachments.py
    image["message"]["attachments"] = [{"type": "sticker", "payload": {"id": "1", "url": "x"}}]
    follow, unfollow = zalo_event(event_name="follow"), zalo_event(event_name="unfollow")
    assert post(harness, image).json() == {"status": "accepted"}
    assert post(harness, follow).json() == {"status": "accepted"}
    assert post(harness, unfollow).json() == {"status": "ignored"}
    wait_for(lambda: replies_to(fake_zalo, image["sender"]["id"])
             and texts_for(harness, follow["follower"]["id"]))
    [notice] = replies_to(fake_zalo, image["sender"]["id"])
    assert "không đọc được loại tin này" in notice["text"] and "PDF" in notice["text"]
    assert "not this kind of message" in notice["text"]
    assert texts_for(harness, follow["follower"]["id"]) == ["/greet"]
    assert texts_for(harness, image["sender"]["id"]) == []
    assert replies_to(fake_zalo, unfollow["follower"]["id"]) == []


def test_oversized_text_gets_a_notice_and_html_stays_text(harness: Harness,
                                                          fake_zalo: FakeZalo) -> None:
    big, html = zalo_event("a" * 2500), zalo_event("<b>xin</b><script>alert(1)</script>")
    post(harness, big)
    post(harness, html)
    wait_for(lambda: replies_to(fake_zalo, big["sender"]["id"])
             and replies_to(fake_zalo, html["sender"]["id"]))
    assert "quá dài" in replies_to(fake_zalo, big["sender"]["id"])[0]["text"]
    assert texts_for(harness, big["sender"]["id"]) == []
    assert texts_for(harness, html["sender"]["id"]) == ["<b>xin</b><script>alert(1)</script>"]


def test_expired_token_is_refreshed_once_and_the_refresh_token_rotated(
        harness: Harness, fake_zalo: FakeZalo, harness_env: dict[str, str]) -> None:
    fake_zalo.expire_access_tokens()
    used_before = len(fake_zalo.refreshes)
    event = zalo_event("sau khi hết hạn")
    post(harness, event)
    wait_for(lambda: replies_to(fake_zalo, event["sender"]["id"]))
    assert any(r["error"] == -216 for r in fake_zalo.rejected)
    assert len(fake_zalo.refreshes) == used_before + 1
    with sqlite3.connect(harness_env["CHANNELS_STATE_DB"]) as db:
        access, refresh = db.execute(
            "SELECT access_token, refresh_token FROM oauth_tokens").fetchone()
    assert refresh in fake_zalo.refresh_tokens and fake_zalo.refreshes[-1] not in (refresh,)
    assert fake_zalo.access_tokens[access] > clock.timestamp()
    # the used refresh token is dead: Zalo accepts each one once
    reuse = requests.post(f"{fake_zalo.url}/v4/oa/access_token", timeout=5,
                          headers={"secret_key": harness_env["ZALO_APP_SECRET"]},
                          data={"app_id": ZALO_APP_ID, "grant_type": "refresh_token",
                                "refresh_token": fake_zalo.refreshes[-1]})
    assert reuse.json()["error"] == -14014


def test_concurrent_refreshes_in_two_processes_are_serialised(
        harness: Harness, fake_zalo: FakeZalo, harness_env: dict[str, str],
        tmp_path_factory) -> None:
    second = Harness(harness_env, tmp_path_factory.mktemp("second") / "harness.log")
    try:
        fake_zalo.expire_access_tokens()
        fake_zalo.refresh_delay = 0.5
        used_before = len(fake_zalo.refreshes)
        events = [zalo_event(f"đồng thời {i}") for i in range(6)]
        targets = [harness, second] * 3
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(post, targets, events))
        assert all(a.status_code == 200 for a in answers)
        wait_for(lambda: all(replies_to(fake_zalo, e["sender"]["id"]) for e in events), 20)
        assert len(fake_zalo.refreshes) == used_before + 1
        assert fake_zalo.max_in_flight == 1
    finally:
        fake_zalo.refresh_delay = 0.0
        second.stop()


def test_retryable_errors_are_retried_and_window_errors_logged(harness: Harness,
                                                               fake_zalo: FakeZalo) -> None:
    fake_zalo.scripted_errors[:] = [-32]
    retried = zalo_event("thử lại")
    post(harness, retried)
    wait_for(lambda: replies_to(fake_zalo, retried["sender"]["id"]), 15)
    fake_zalo.scripted_errors[:] = [-230]
    refused = zalo_event("ngoài khung giờ")
    post(harness, refused)
    wait_for(lambda: not fake_zalo.scripted_errors)
    time.sleep(0.5)
    assert replies_to(fake_zalo, refused["sender"]["id"]) == []
    assert "error -230" in harness.log.read_text()
    after = zalo_event("vẫn hoạt động")
    post(harness, after)
    wait_for(lambda: replies_to(fake_zalo, after["sender"]["id"]))
