"""Size limits on every channel of the running Rasa server (issue #16, finding 1).

Before: Rasa's ``rest`` channel had no limit: a 100 KB message held the event loop for ~30 s
and 1 MB for minutes; Sanic took bodies up to 100 MB. Now one home for the limits
(``bot/common/limits.py``): every body over 256 KB is refused by Sanic with a JSON
413 (the checked channels cap ``REQUEST_MAX_SIZE``, Rasa's own API included), a socket.io packet
over it never reaches the bot, and a text over 2,000 characters on any channel gets the bilingual
notice instead of a turn. The other client's speed under such a flood is measured by
``bench/flood.py`` (docs/security-channels.md).
"""

from __future__ import annotations

import asyncio

import pytest
import requests

from bot.common.limits import MAX_BODY_BYTES, TOO_LONG_NOTICE
from tests.channels.webchat_client import WebChatClient
from tests.e2e.conftest import Chat
from tests.stack import RASA_TOKEN, Stack

HUGE = "a" * (1024 * 1024)


def user_events(stack: Stack, conversation: str) -> list[dict]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=30).json()
    return [e for e in tracker["events"] if e["event"] == "user"]


def test_a_100_kb_rest_message_gets_the_notice_without_a_turn(stack: Stack) -> None:
    chat = Chat(stack)
    answer = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=60,
                           json={"sender": chat.sender, "message": "a" * 100_000})
    assert answer.status_code == 200
    assert [m["text"] for m in answer.json()] == [TOO_LONG_NOTICE]
    assert user_events(stack, chat.sender) == []
    assert "Xin chào" in chat.say_text("xin chào")  # the conversation goes on


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/zalo/webhook",
                                  "/webhooks/facebook/webhook",
                                  "/conversations/rest:x/tracker/events"])
def test_a_1_mb_body_is_refused_before_any_handler(stack: Stack, path: str) -> None:
    body = ('{"sender": "big", "message": "' + HUGE + '"}').encode()
    answer = requests.post(stack.rasa_url + path, data=body, timeout=60,
                           params={"token": RASA_TOKEN},
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json() == {"error": "body_too_large",
                             "message": f"Body larger than {MAX_BODY_BYTES} bytes"}


async def _huge_socket_packet(url: str) -> str:
    """Send 1 MB over socket.io, then a short message; the session's conversation id."""
    chat = await WebChatClient(url).open()
    try:
        await chat.send(HUGE)
        await asyncio.sleep(2)
        return chat.conversation
    finally:
        if chat.client.connected:
            await chat.close()


def test_a_1_mb_socket_packet_never_reaches_the_bot(stack: Stack) -> None:
    conversation = asyncio.run(_huge_socket_packet(stack.rasa_url))
    assert user_events(stack, conversation) == []
    assert "Xin chào" in Chat(stack).say_text("xin chào")
