"""A socket.io client speaking the web chat's protocol (what widget.js and rasa-webchat do)."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio


class WebChatClient:
    """One socket: ``open`` asks for a session (a new one, or ``session``/``key`` to resume),
    ``say`` sends a message for ``speak_for`` (default: the confirmed session) and returns the
    bot's next reply."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put_nowait)
        self.client.on("bot_uttered", self.replies.put_nowait)
        self.session: str = ""
        self.key: str = ""

    @property
    def conversation(self) -> str:
        return f"web:{self.session}"

    async def open(self, session: str | None = None, key: str | None = None) -> WebChatClient:
        # long-polling: this python-engineio's websocket client needs aiohttp>=3.10 (Rasa pins
        # 3.9)
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session, "session_key": key})
        confirmed = await asyncio.wait_for(self.confirmed.get(), 10)
        if isinstance(confirmed, str):  # Rasa's own channel confirms the bare id, with no key
            confirmed = {"session_id": confirmed, "session_key": ""}
        self.session, self.key = confirmed["session_id"], confirmed["session_key"]
        return self

    async def send(self, message: str, speak_for: str | None = None) -> None:
        await self.client.emit("user_uttered", {
            "message": message, "session_id": speak_for or self.session,
            "customData": {"language": "vi"}})

    async def say(self, message: str, speak_for: str | None = None,
                  timeout: float = 60) -> dict[str, Any]:
        await self.send(message, speak_for)
        return await asyncio.wait_for(self.replies.get(), timeout)

    async def close(self) -> None:
        await self.client.disconnect()


async def turns(url: str, messages: list[str], session: str | None = None,
                key: str | None = None) -> tuple[WebChatClient, list[dict[str, Any]]]:
    """Open a socket (resuming ``session`` with ``key`` if given), say each message, close;
    the client (with its session and key) and the first reply to each message."""
    chat = await WebChatClient(url).open(session, key)
    try:
        return chat, [await chat.say(message) for message in messages]
    finally:
        await chat.close()
