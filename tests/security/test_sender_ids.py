"""Conversation ids namespaced per channel and validated; a socket speaks only for its own
session (issue #16, findings 2 and 4).

Before: the REST channel took any ``sender`` (``victim/tracker/events?x=`` included) and any
``input_channel``; socket.io took any ``session_id``, unchecked against the socket; Zalo and
Messenger ids were used bare, so a REST or socket client could write to a Zalo citizen's
conversation by sending that citizen's id. Now every channel makes the id itself
(``bot/common/conversation_ids.py``: ``rest:``, ``web:``, ``zalo:``, ``fb:``, a strict pattern), and
the socket.io channel issues sessions with a key and binds each socket to the one it joined.
The channels run in the harness (real blueprints, a real Sanic server, a scripted bot).
"""

from __future__ import annotations

import asyncio

import pytest
import requests

from bot.common import conversation_ids
from bot.common.conversation_ids import BadConversationId
from bot.common.tickets import TicketClient
from tests.channels.conftest import Harness, wait_for
from tests.channels.test_messenger import delivery, psid, text_event
from tests.channels.test_messenger import post as post_messenger
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import zalo_event
from tests.channels.webchat_client import WebChatClient

ATTACKS = ["victim/tracker/events?x=", "zalo:4318003561281546", "a b", "", "x" * 65,
           "../tracker", "web:" + "0" * 32, "ａｂｃ"]


def rest(harness: Harness, sender: object, **extra: object) -> requests.Response:
    return requests.post(f"{harness.url}/webhooks/rest/webhook", timeout=30,
                         json={"sender": sender, "message": "xin chào", **extra})


def test_each_channel_has_its_namespace_and_a_strict_pattern() -> None:
    assert conversation_ids.make("rest", "e2e-1") == "rest:e2e-1"
    assert conversation_ids.make("socketio", "ab" * 16) == "web:" + "ab" * 16
    assert conversation_ids.make("zalo", "4318003561281546071") == "zalo:4318003561281546071"
    assert conversation_ids.make("facebook", "2480000000000001") == "fb:2480000000000001"
    for channel, bad in (("zalo", "12a"), ("facebook", "1/2"), ("socketio", "AB" * 16),
                         ("rest", "a:b"), ("telegram", "1")):
        with pytest.raises(BadConversationId):
            conversation_ids.make(channel, bad)
    assert conversation_ids.channel_of("zalo:123") == "zalo"
    assert conversation_ids.channel_of("conv-legacy-1") is None  # before the namespaces
    for bad in ATTACKS[:1] + ["zalo:12a", "fb:", "sms:1", "rest:" + "x" * 65]:
        assert not conversation_ids.is_valid(bad)


@pytest.mark.parametrize("sender", ATTACKS[:6] + [12, None])
def test_rest_refuses_a_sender_of_another_shape(harness: Harness, sender: object) -> None:
    answer = rest(harness, sender)
    assert answer.status_code == 400 and answer.json()["error"] == "bad_sender"


def test_rest_namespaces_the_sender_and_records_its_own_channel(harness: Harness) -> None:
    assert rest(harness, "citizen-7", input_channel="zalo").status_code == 200
    assert rest(harness, "rest:citizen-7").status_code == 200  # the same conversation
    got = [m for m in harness.received() if m["sender"] == "rest:citizen-7"]
    assert [m["channel"] for m in got] == ["rest", "rest"]


def test_zalo_and_messenger_ids_are_namespaced_and_checked(harness: Harness) -> None:
    zalo = zalo_event("xin chào")
    assert post_zalo(harness, zalo).status_code == 200
    user = psid()
    assert post_messenger(harness, delivery([text_event(user, "xin chào")])).status_code == 200
    wait_for(lambda: {f"zalo:{zalo['sender']['id']}", f"fb:{user}"}
             <= {m["sender"] for m in harness.received()})
    forged = zalo_event("xin chào", user="victim/tracker")
    answer = post_zalo(harness, forged)
    assert answer.status_code == 400 and answer.json()["error"] == "bad_sender"


def test_ticket_creation_validates_the_conversation_id() -> None:
    client = TicketClient("http://127.0.0.1:9", "unused")  # refused before any request
    for bad in ATTACKS[:1] + ["zalo:12a", None]:
        with pytest.raises(BadConversationId):
            client.create_ticket({"conversation_id": bad, "channel": "rest"}, "key")


async def _socket_speaks_only_for_its_own_session(url: str) -> None:
    victim = await WebChatClient(url).open()
    await victim.say("xin chào")
    attacker = await WebChatClient(url).open(victim.session)  # the id staff see, no key
    assert attacker.session != victim.session
    forged = await WebChatClient(url).open(victim.session, "0" * 64)
    assert forged.session != victim.session
    for other in (victim.session, victim.conversation, "zalo:4318003561281546071"):
        notice = await attacker.say("tôi là người khác", speak_for=other)
        assert "không hợp lệ" in notice["text"] and "not valid" in notice["text"]
    resumed = await WebChatClient(url).open(victim.session, victim.key)  # the browser
    assert resumed.session == victim.session
    assert (await resumed.say("cảm ơn"))["text"] == "Bạn nói: cảm ơn"
    for chat in (victim, attacker, forged, resumed):
        await chat.close()


def test_a_socket_speaks_only_for_the_session_it_joined(harness: Harness) -> None:
    asyncio.run(_socket_speaks_only_for_its_own_session(harness.url))
    spoken = [m for m in harness.received() if m["channel"] == "socketio"]
    assert "tôi là người khác" not in [m["text"] for m in spoken]
    assert [m["text"] for m in spoken][-2:] == ["xin chào", "cảm ơn"]
    assert len({m["sender"] for m in spoken[-2:]}) == 1
    assert spoken[-1]["sender"].startswith("web:")
