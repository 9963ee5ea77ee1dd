"""Staff replies go out on the ticket's stored channel, and ids in Rasa URLs are checked and
quoted (issue #16, findings 2b and 4).

Before: ``deliver`` appended the officer's reply with ``output_channel=latest``, so an attacker
who wrote to a Zalo citizen's conversation from a socket (any ``session_id`` was taken) became
its latest channel and received the reply, and the Zalo user got nothing; and a conversation id
``victim/tracker/events?x=`` went unquoted into the URL next to the Rasa token, appending the
ticket's message to the victim's conversation. Now the socket cannot speak for that
conversation, the reply goes on the ticket's channel whatever the latest one is, and an id of
another shape is refused before any URL is built (``bot/deliver/rasa_link.py``,
``bot/deliver/delivery.py``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
import requests

from tests.channels.conftest import wait_for
from tests.channels.fake_zalo import FakeZalo
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import zalo_event
from tests.channels.webchat_client import WebChatClient
from tests.e2e.conftest import Chat
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack


class Rasa:
    def __init__(self, stack: Stack) -> None:
        self.url = stack.rasa_url


@pytest.fixture(scope="module")
def officer(stack: Stack) -> requests.Session:
    return stack.staff_session("bhxh.ha-noi", "officer.channels", "Mat-khau-kenh-2026")


def file_ticket(stack: Stack, conversation: str, channel: str) -> str:
    """A ticket as the action server files it, for ``conversation`` (no id check: a ticket
    filed by an older version, or by anyone holding the service token)."""
    payload = {
        "kind": "enquiry", "topic": "pension", "channel": channel,
        "description": "Tôi muốn hỏi về thời điểm chi trả lương hưu tháng này.",
        "conversation_id": conversation, "language": "vi", "province": "Hà Nội",
        "citizen": {"name": "Lê Văn Cường", "phone": "0912000111", "cccd": None,
                    "bhxh_code": None},
        "consent": True,
    }
    answer = requests.post(f"{stack.tickets_url}/api/v1/tickets", json=payload, timeout=30,
                           headers={"Authorization": f"Bearer {TICKETS_TOKEN}",
                                    "Idempotency-Key": f"test-{uuid.uuid4().hex}"})
    answer.raise_for_status()
    return answer.json()["code"]


def reply(stack: Stack, officer: requests.Session, code: str, body: str) -> None:
    base = f"{stack.tickets_url}/api/v1/tickets/{code}"
    for step, data in (("accept", None), ("claim", None), ("reply", {"body": body})):
        answer = officer.post(f"{base}/{step}", json=data, timeout=30)
        assert answer.status_code == 200, answer.text


def bot_texts(stack: Stack, conversation: str) -> list[str]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=30).json()
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]


async def _attack_then_reply(stack: Stack, conversations: list[str],
                             reply_now: Callable[[], None]) -> list[dict]:
    """An attacker's socket speaks for each of ``conversations``, the officer replies; all the
    attacker's socket received."""
    attacker = await WebChatClient(stack.rasa_url).open()
    try:
        for conversation in conversations:
            await attacker.send("tôi là công dân đó", speak_for=conversation)
            await asyncio.sleep(3)
        await asyncio.to_thread(reply_now)
        await asyncio.sleep(5)  # what the officer's reply would bring to the socket
        got = []
        while not attacker.replies.empty():
            got.append(attacker.replies.get_nowait())
        return got
    finally:
        await attacker.close()


def test_the_officers_reply_reaches_the_zalo_citizen_not_the_attackers_socket(
    stack: Stack, stack_fake_zalo: FakeZalo, officer: requests.Session
) -> None:
    fake_zalo = stack_fake_zalo
    user = zalo_event()["sender"]["id"]
    assert post_zalo(Rasa(stack), zalo_event("xin chào", user=user,
                                             at=stack.timestamp())).status_code == 200
    wait_for(lambda: any(m["recipient"]["user_id"] == user for m in fake_zalo.sent), 60)
    conversation = next(c for c in (f"zalo:{user}", user) if bot_texts(stack, c))
    code = file_ticket(stack, conversation, "zalo")
    answer = "Cán bộ: lương hưu được chi trả từ ngày 2 hằng tháng."

    def officer_replies() -> None:
        # even if the conversation's latest channel were another (written with the Rasa token)
        requests.post(f"{stack.rasa_url}/conversations/{conversation}/tracker/events",
                      params={"token": RASA_TOKEN}, timeout=30,
                      json={"event": "user", "text": "xin chào", "input_channel": "socketio",
                            "parse_data": {"intent": {"name": "greet", "confidence": 1.0},
                                           "entities": []}}).raise_for_status()
        reply(stack, officer, code, answer)

    # the attack of the issue: a socket speaking for the citizen's id becomes "latest"
    seen = asyncio.run(_attack_then_reply(stack, [user, conversation], officer_replies))
    assert not [m for m in seen if answer in m.get("text", "")]
    wait_for(lambda: any(answer in m["message"].get("text", "") for m in fake_zalo.sent
                         if m["recipient"]["user_id"] == user), 60)
    assert len(seen) == 2 and all("không hợp lệ" in m["text"] for m in seen)  # refused


def test_a_conversation_id_with_a_path_reaches_no_other_conversation(
    stack: Stack, officer: requests.Session
) -> None:
    victim, other = Chat(stack), Chat(stack)
    victim.say("xin chào")
    other.say("xin chào")
    attack = file_ticket(stack, f"{victim.sender}/tracker/events?x=", "rest")
    control = file_ticket(stack, other.sender, "rest")
    reply(stack, officer, attack, "Tin nhắn của phiếu kẻ tấn công.")
    reply(stack, officer, control, "Tin nhắn của phiếu thật.")
    wait_for(lambda: any("Tin nhắn của phiếu thật." in t for t in bot_texts(stack, other.sender)),
             60)
    # deliver has run past both notifications: the victim's conversation got nothing
    assert not [t for t in bot_texts(stack, victim.sender) if "phiếu kẻ tấn công" in t]
