"""A local stand-in for the Graph API Send endpoint that checks what Meta checks.

``POST /<vNN.N>/me/messages?access_token=…``: an unknown or expired token gives error 190
(OAuthException, HTTP 400); ``recipient.id`` is required; a message needs ``messaging_type``
(RESPONSE, UPDATE or MESSAGE_TAG); text ≤ 2000 characters; quick replies ≤ 13 with titles
≤ 20; a button template has 1–3 buttons (titles ≤ 20) and text ≤ 640; ``sender_action`` is
typing_on, typing_off or mark_seen and comes without a message. Bad parameters give error 100.

``GET /cdn/<name>?oe=…&oh=…``: the files citizens sent (``host_file``), as Meta's CDN serves
the ``attachments[].payload.url`` of a message: the URL is signed and expires (``oe``, hex
seconds; ``oh``, its signature); a changed, unsigned or expired URL gets 403.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import re
from typing import Any

from aiohttp import web

from bot.common import clock
from tests.channels.fakeserver import ThreadedServer, serve_file

ACTIONS = {"typing_on", "typing_off", "mark_seen"}
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


def _problem(body: dict[str, Any]) -> str | None:
    """Why Meta would refuse ``body`` with error 100, or None."""
    if not (body.get("recipient") or {}).get("id"):
        return "param recipient[id] must be non-empty"
    if "sender_action" in body:
        if body["sender_action"] not in ACTIONS or "message" in body:
            return "param sender_action is invalid or combined with a message"
        return None
    if body.get("messaging_type") not in MESSAGING_TYPES:
        return "param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG"
    message = body.get("message") or {}
    text = message.get("text")
    if text is not None and (not text or len(text) > 2000):
        return "param message[text] must be 1 to 2000 characters"
    quick = message.get("quick_replies") or []
    if len(quick) > 13 or any(len(q.get("title", "")) > 20 or not q.get("payload")
                              for q in quick):
        return "param message[quick_replies] is invalid (≤ 13, titles ≤ 20 characters)"
    payload = (message.get("attachment") or {}).get("payload") or {}
    if payload.get("template_type") == "button":
        buttons = payload.get("buttons") or []
        if not 1 <= len(buttons) <= 3 or any(len(b.get("title", "")) > 20 for b in buttons):
            return "param message[attachment][payload][buttons] must have 1 to 3 buttons"
        if len(payload.get("text") or "") > 640:
            return "param message[attachment][payload][text] must be at most 640 characters"
    if text is None and not message.get("attachment"):
        return "param message must have text or an attachment"
    return None


class FakeGraph(ThreadedServer):
    """``sent`` holds accepted bodies in arrival order; ``rejected`` the refused ones."""

    def __init__(self, page_token: str, port: int = 0) -> None:
        self.tokens = {page_token}
        self.sent: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.versions: set[str] = set()
        self.delay = 0.0
        self._ids = itertools.count(1)
        self.files: dict[str, tuple[bytes, bool]] = {}
        self.downloads: list[tuple[str, int]] = []  # (name, HTTP status)
        self._cdn_key = b"fake-cdn-signing-key"
        app = web.Application()
        app.router.add_post("/{version}/me/messages", self.messages)
        app.router.add_get("/cdn/{name}", self.file)
        super().__init__(app, port)

    def _signature(self, name: str, expires: str) -> str:
        return hmac.new(self._cdn_key, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()

    def host_file(self, name: str, data: bytes, ttl: float = 3600, chunked: bool = False) -> str:
        """Keep a file a citizen sent; its signed URL (valid ``ttl`` seconds) as in the event."""
        self.files[name] = (data, chunked)
        expires = format(int(clock.timestamp() + ttl), "x")
        return f"{self.url}/cdn/{name}?oe={expires}&oh={self._signature(name, expires)}"

    async def file(self, request: web.Request) -> web.StreamResponse:
        name, expires = request.match_info["name"], request.query.get("oe", "")
        signed = hmac.compare_digest(request.query.get("oh", ""), self._signature(name, expires))
        fresh = re.fullmatch(r"[0-9a-f]+", expires) and int(expires, 16) > clock.timestamp()
        if not signed or not fresh:
            self.downloads.append((name, 403))
            return web.Response(status=403, text="URL signature expired")
        if name not in self.files:
            self.downloads.append((name, 404))
            return web.Response(status=404)
        self.downloads.append((name, 200))
        data, chunked = self.files[name]
        return await serve_file(request, data, chunked=chunked)

    @staticmethod
    def _error(code: int, message: str, kind: str = "OAuthException") -> web.Response:
        error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf"}
        return web.json_response({"error": error}, status=400)

    async def messages(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        if not re.fullmatch(r"v\d+\.\d", version):
            return self._error(2500, "Unknown path components", "GraphMethodException")
        self.versions.add(version)
        await asyncio.sleep(self.delay)
        try:
            body = await request.json()
        except ValueError:
            return self._error(100, "Invalid JSON body")
        if request.query.get("access_token") not in self.tokens:
            self.rejected.append({"code": 190, "body": body})
            return self._error(190, "Invalid OAuth access token - Cannot parse access token")
        problem = _problem(body)
        if problem:
            self.rejected.append({"code": 100, "body": body, "problem": problem})
            return self._error(100, f"(#100) {problem}")
        self.sent.append(body)
        if "sender_action" in body:
            return web.json_response({"recipient_id": body["recipient"]["id"]})
        return web.json_response({"recipient_id": body["recipient"]["id"],
                                  "message_id": f"m_{next(self._ids)}"})

    def messages_to(self, psid: str) -> list[dict[str, Any]]:
        return [b["message"] for b in self.sent
                if b["recipient"]["id"] == psid and "message" in b]

    def actions_to(self, psid: str) -> list[str]:
        return [b["sender_action"] for b in self.sent
                if b["recipient"]["id"] == psid and "sender_action" in b]
