"""The web chat's history and session need a key that staff never see (finding 2).

Before: ``/webhooks/webchat/history/<session id>`` returned the whole chat, the unmasked phone
included, to anyone holding the session id, and that id was shown in the staff console and
returned by ``GET /api/v1/tickets/{code}``; with it a socket could also speak in the chat. Now the
server issues the session with a key (``bot/rasa_plugins/channels/webchat_session.py``) that the
browser keeps: the history needs it in ``X-Session-Key``, resuming the session on a socket needs it,
and the id the ticket service stores (``web:<session>``) opens neither.
"""

from __future__ import annotations

import asyncio
import uuid

import requests

from tests.channels.webchat_client import WebChatClient, turns
from tests.stack import TICKETS_TOKEN, Stack


def history(stack: Stack, session: str, key: str | None) -> requests.Response:
    headers = {"X-Session-Key": key} if key is not None else {}
    return requests.get(f"{stack.rasa_url}/webhooks/webchat/history/{session}",
                        headers=headers, timeout=30)


def test_the_history_needs_the_sessions_key(stack: Stack) -> None:
    chat, _ = asyncio.run(turns(stack.rasa_url, ["số điện thoại của tôi là 0912345678"]))
    other, _ = asyncio.run(turns(stack.rasa_url, ["xin chào"]))
    for key in (None, "", other.key, chat.key[:-1] + "0", chat.session):
        refused = history(stack, chat.session, key)
        assert refused.status_code == 403 and refused.json()["error"] == "bad_session_key"
    mine = history(stack, chat.session, chat.key)
    assert mine.status_code == 200 and len(mine.json()["messages"]) >= 2


async def _join(url: str, session: str) -> str:
    chat = await WebChatClient(url).open(session)
    await chat.close()
    return chat.session


def test_what_staff_see_of_a_web_ticket_opens_neither_the_chat_nor_its_history(
    stack: Stack,
) -> None:
    chat, _ = asyncio.run(turns(stack.rasa_url, ["xin chào"]))
    payload = {
        "kind": "enquiry", "topic": "pension", "channel": "socketio",
        "description": "Tôi muốn hỏi về thời điểm chi trả lương hưu tháng này.",
        "conversation_id": chat.conversation, "language": "vi", "province": "Hà Nội",
        "citizen": {"name": "Lê Văn Cường", "phone": "0912000111", "cccd": None,
                    "bhxh_code": None},
        "consent": True,
    }
    headers = {"Authorization": f"Bearer {TICKETS_TOKEN}"}
    created = requests.post(f"{stack.tickets_url}/api/v1/tickets", json=payload, timeout=30,
                            headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
    created.raise_for_status()
    ticket = requests.get(f"{stack.tickets_url}/api/v1/tickets/{created.json()['code']}",
                          headers=headers, timeout=30).json()
    assert chat.key not in repr(ticket)
    shown = ticket["conversation_id"]
    assert shown == chat.conversation
    for guess in (shown, shown.removeprefix("web:")):
        answer = history(stack, guess.removeprefix("web:"), guess)
        assert answer.status_code == 403
        assert asyncio.run(_join(stack.rasa_url, guess.removeprefix("web:"))) != chat.session
