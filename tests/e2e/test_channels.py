"""Zalo, Messenger and the socket.io web channel inside the real Rasa server (e2e).

Zalo and Facebook cannot be reached from tests: the stack points both channels at the
local fakes (tests/channels/fake_*.py), which check requests as the real APIs do.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import requests

from bot.common.settings import Settings
from bot.rasa_plugins.channels.webchat_session import SessionKeys
from tests.channels.conftest import wait_for
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.channels.test_messenger import delivery, psid, text_event
from tests.channels.test_messenger import post as post_messenger
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import zalo_event
from tests.channels.webchat_client import turns
from tests.instants import SUNDAY_NIGHT
from tests.stack import RASA_TOKEN, Stack


class Rasa:
    """Adapter giving the webhook helpers of the channel tests the Rasa server's URL."""

    def __init__(self, stack: Stack) -> None:
        self.url = stack.rasa_url


def staff_reply(stack: Stack, conversation: str, text: str) -> None:
    """What the ticket service does for a staff reply: a bot event sent on the latest channel."""
    answer = requests.post(
        f"{stack.rasa_url}/conversations/{conversation}/tracker/events",
        params={"execute_side_effects": "true", "output_channel": "latest", "token": RASA_TOKEN},
        json={"event": "bot", "text": text}, timeout=30)
    answer.raise_for_status()


def latest_intent(stack: Stack, conversation: str) -> str:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=10).json()
    return tracker["latest_message"]["intent"]["name"]


def zalo_texts(fake: FakeZalo, user: str) -> str:
    return "\n".join(m["message"]["text"] for m in fake.sent if m["recipient"]["user_id"] == user)


def test_zalo_conversation_with_button_and_staff_reply(
    stack: Stack, fake_zalo: FakeZalo, at: Callable
) -> None:
    at(SUNDAY_NIGHT)  # officers are not at work: the reply offers a ticket with a button
    rasa, user = Rasa(stack), zalo_event()["sender"]["id"]
    first = post_zalo(rasa, zalo_event("xin chào", user=user, at=stack.timestamp()))
    assert first.status_code == 200
    wait_for(lambda: "Xin chào" in zalo_texts(fake_zalo, user), 60)
    post_zalo(rasa, zalo_event("cho tôi gặp cán bộ", user=user, at=stack.timestamp()))
    wait_for(lambda: "ngoài giờ làm việc" in zalo_texts(fake_zalo, user), 60)
    with_buttons = [m["message"] for m in fake_zalo.sent if m["recipient"]["user_id"] == user
                    and "attachment" in m["message"]]
    button = with_buttons[-1]["attachment"]["payload"]["buttons"][0]
    assert button["type"] == "oa.query.hide" and button["payload"] == "/file_complaint"
    answered = len(fake_zalo.sent)
    # what tapping the button sends
    post_zalo(rasa, zalo_event(button["payload"], user=user, at=stack.timestamp()))
    wait_for(lambda: len(fake_zalo.sent) > answered, 60)
    assert latest_intent(stack, f"zalo:{user}") == "file_complaint"
    staff_reply(stack, f"zalo:{user}", "Cán bộ BHXH: hồ sơ của bạn đã được tiếp nhận.")
    wait_for(lambda: "hồ sơ của bạn đã được tiếp nhận" in zalo_texts(fake_zalo, user), 30)


def test_messenger_batched_delivery_and_postback(stack: Stack, fake_graph: FakeGraph) -> None:
    rasa, first, second = Rasa(stack), psid(), psid()
    answer = post_messenger(rasa, delivery([text_event(first, "xin chào")],
                                           [text_event(second, "what is the VSS hotline number")]))
    assert answer.json()["accepted"] == 2

    def texts(user: str) -> str:
        messages = fake_graph.messages_to(user)
        return "\n".join(m.get("text") or m["attachment"]["payload"].get("text", "")
                         for m in messages)

    wait_for(lambda: "Xin chào" in texts(first) and "1900 9068" in texts(second), 60)
    postback = {"sender": {"id": first}, "recipient": {"id": "104812345678901"},
                "timestamp": 1, "postback": {"title": "Gửi khiếu nại",
                                             "payload": "/file_complaint", "mid": uuid.uuid4().hex}}
    answered = len(fake_graph.messages_to(first))
    post_messenger(rasa, delivery([postback]))
    wait_for(lambda: len(fake_graph.messages_to(first)) > answered, 60)
    assert latest_intent(stack, f"fb:{first}") == "file_complaint"
    assert fake_graph.actions_to(first)[:2] == ["typing_on", "typing_off"]
    assert not fake_graph.rejected


def test_rasa_webchat_protocol_history_and_reconnect(stack: Stack) -> None:
    chat, [reply] = asyncio.run(turns(stack.rasa_url, ["xin chào"]))
    assert "Xin chào" in reply["text"]
    tracker = requests.get(f"{stack.rasa_url}/conversations/{chat.conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=10).json()
    [user] = [e for e in tracker["events"] if e["event"] == "user"]
    assert user["input_channel"] == "socketio" and user["metadata"]["language"] == "vi"

    # a new connection with the session and its key continues the same conversation
    again, _ = asyncio.run(turns(stack.rasa_url, ["cảm ơn"], chat.session, chat.key))
    assert again.session == chat.session
    history = requests.get(f"{stack.rasa_url}/webhooks/webchat/history/{chat.session}",
                           headers={"X-Session-Key": chat.key}, timeout=10)
    assert history.status_code == 200 and history.headers["Cache-Control"] == "no-store"
    messages = history.json()["messages"]
    assert [m["text"] for m in messages if m["from"] == "user"] == ["xin chào", "cảm ơn"]
    assert "Xin chào" in messages[1]["text"] and messages[1]["from"] == "bot"


def test_socket_messages_over_2000_characters_get_a_notice(stack: Stack) -> None:
    chat, [reply] = asyncio.run(turns(stack.rasa_url, ["a" * 2001]))
    assert "quá dài" in reply["text"] and "too long" in reply["text"]
    tracker = requests.get(f"{stack.rasa_url}/conversations/{chat.conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=10).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


def test_history_never_returns_other_conversations(stack: Stack) -> None:
    rest_sender = uuid.uuid4().hex
    requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=60,
                  json={"sender": rest_sender, "message": "xin chào"}).raise_for_status()
    keys = SessionKeys(Settings.from_env(stack.env))
    base = f"{stack.rasa_url}/webhooks/webchat/history"
    assert requests.get(f"{base}/{rest_sender}", timeout=10,
                        headers={"X-Session-Key": keys.key(rest_sender)}).json()["messages"] == []
    bad = requests.get(f"{base}/1234567890123456789", timeout=10)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_session_id"
    fresh = uuid.uuid4().hex
    assert requests.get(f"{base}/{fresh}", headers={"X-Session-Key": keys.key(fresh)},
                        timeout=10).json()["messages"] == []
