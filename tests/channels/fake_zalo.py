"""A local stand-in for Zalo's Open API and OAuth servers that checks what they check.

* ``POST /v3.0/oa/message/cs``: header ``access_token`` must be a live token (else -216),
  ``recipient.user_id`` and ``message.text`` (≤ 2000 characters) are required, buttons must
  be ≤ 5 with a known type (else -201). Scripted errors (e.g. -32, -230) can be queued.
* ``POST /v4/oa/access_token``: header ``secret_key`` = app secret, form ``app_id``,
  ``grant_type=refresh_token`` and a refresh token that was issued and not used yet: each
  refresh token works once. Answers take ``refresh_delay`` seconds so overlaps show up.
* ``GET /cdn/<name>``: the files citizens sent (``host_file``), as the CDN behind the
  ``payload.url`` of ``user_send_image`` / ``user_send_file`` serves them: only files that were
  sent (else 404), with a Content-Length unless ``chunked``, after ``file_delay`` seconds.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiohttp import web

from bot.common import clock
from tests.channels.fakeserver import ThreadedServer, serve_file

BUTTON_TYPES = {"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.sms", "oa.open.phone"}


class FakeZalo(ThreadedServer):
    """Both Zalo hosts on one port; ``sent`` holds every accepted message."""

    def __init__(self, app_id: str, app_secret: str, access: str, refresh: str,
                 port: int = 0) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.access_tokens: dict[str, float] = {access: clock.timestamp() + 90000}
        self.refresh_tokens = {refresh}
        self.sent: list[dict[str, Any]] = []
        self.refreshes: list[str] = []
        self.rejected: list[dict[str, Any]] = []
        self.scripted_errors: list[int] = []
        self.refresh_delay = 0.0
        self.files: dict[str, tuple[bytes, bool]] = {}
        self.file_delay = 0.0
        self.downloads: list[str] = []
        self.in_flight = self.max_in_flight = 0
        self._counter = itertools.count(1)
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self.message)
        app.router.add_post("/v4/oa/access_token", self.token)
        app.router.add_get("/cdn/{name}", self.file)
        super().__init__(app, port)

    def host_file(self, name: str, data: bytes, chunked: bool = False) -> str:
        """Keep a file a citizen sent; its URL as Zalo puts it in the event."""
        self.files[name] = (data, chunked)
        return f"{self.url}/cdn/{name}"

    async def file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.downloads.append(name)
        if name not in self.files:
            return web.Response(status=404)
        data, chunked = self.files[name]
        return await serve_file(request, data, chunked=chunked, delay=self.file_delay)

    def expire_access_tokens(self) -> None:
        self.access_tokens = dict.fromkeys(self.access_tokens, 0.0)

    def _refuse(self, code: int, text: str, body: Any) -> web.Response:
        self.rejected.append({"error": code, "message": text, "body": body})
        return web.json_response({"error": code, "message": text})

    async def message(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token", "")
        try:
            body = await request.json()
        except ValueError:
            return self._refuse(-201, "Body is not JSON", None)
        if self.access_tokens.get(token, 0) < clock.timestamp():
            return self._refuse(-216, "Access token is invalid", body)
        if self.scripted_errors:
            return self._refuse(self.scripted_errors.pop(0), "Scripted error", body)
        recipient, message = body.get("recipient") or {}, body.get("message") or {}
        if not recipient.get("user_id"):
            return self._refuse(-201, "recipient.user_id is required", body)
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            return self._refuse(-201, "message.text is required", body)
        if len(text) > 2000:
            return self._refuse(-201, "message.text is longer than 2000 characters", body)
        buttons = ((message.get("attachment") or {}).get("payload") or {}).get("buttons", [])
        if len(buttons) > 5 or any(b.get("type") not in BUTTON_TYPES or not b.get("title")
                                   for b in buttons):
            return self._refuse(-201, "Invalid buttons", body)
        self.sent.append(body)
        data = {"message_id": f"m{next(self._counter)}", "user_id": recipient["user_id"]}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.refresh_delay)
            if request.headers.get("secret_key") != self.app_secret:
                return web.json_response({"error": -14002, "error_description": "Invalid secret"})
            if form.get("app_id") != self.app_id or form.get("grant_type") != "refresh_token":
                return web.json_response({"error": -14001, "error_description": "Invalid params"})
            refresh = str(form.get("refresh_token", ""))
            self.refreshes.append(refresh)
            if refresh not in self.refresh_tokens:
                return web.json_response(
                    {"error": -14014, "error_description": "Invalid refresh token"})
            self.refresh_tokens.discard(refresh)  # single use
            n = next(self._counter)
            access, new_refresh = f"access-{n}", f"refresh-{n}"
            self.access_tokens[access] = clock.timestamp() + 90000
            self.refresh_tokens.add(new_refresh)
            return web.json_response(
                {"access_token": access, "refresh_token": new_refresh, "expires_in": "90000"})
        finally:
            self.in_flight -= 1
