"""The website chat widget, served by the Rasa server itself.

``/webhooks/webchat/`` is the chat page; ``embed.js`` puts it on another site as a
floating button and frame. The page talks to Rasa's ``socketio`` channel (session
persistence on) and loads its history from ``/webhooks/webchat/history/<session id>``:
the session id is a random 32-hex secret kept in the browser, and only conversations
held entirely on the web channel are returned. Photos and documents are posted to
``/webhooks/webchat/attachments/<session id>`` (bot/rasa_plugins/attachments.py). Nothing is loaded
from outside the server.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import conversation_ids
from bot.common.limits import MAX_UPLOAD_READ
from bot.common.settings import Settings
from bot.rasa_plugins.attachments import Attachments, conversation_language
from bot.rasa_plugins.channels.request_size import cap_request_size
from bot.rasa_plugins.channels.transcript import WEB_CHANNEL, is_web_conversation, transcript
from bot.rasa_plugins.channels.webchat_session import KEY_HEADER, SESSION_ID, SessionKeys

STATIC = Path(__file__).with_name("webchat_static")
ASSETS = {
    "widget.js": "text/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "embed.js": "text/javascript; charset=utf-8",
    "vendor/socket.io.min.js": "text/javascript; charset=utf-8",
}


class WebChatInput(InputChannel):
    """``/webhooks/webchat/``: the page, its assets, the history and the citizen's files."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def __init__(self, keys: SessionKeys) -> None:
        self.keys = keys
        self.attachments = Attachments(Settings.from_env())

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        return cls(SessionKeys(Settings.from_env()))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("webchat_page", __name__)

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await response.file(STATIC / "index.html", mime_type="text/html; charset=utf-8")

        def asset(name: str) -> Callable[[Request], Awaitable[HTTPResponse]]:
            async def serve(request: Request) -> HTTPResponse:
                if not (STATIC / name).exists():  # vendor files come from `make web`
                    return response.json({"error": "not_installed", "message": "run: make web"},
                                         status=503)
                return await response.file(STATIC / name, mime_type=ASSETS[name])

            return serve

        for name in ASSETS:
            route_name = "asset_" + re.sub(r"\W", "_", name)
            bp.add_route(asset(name), f"/{name}", methods=["GET"], name=route_name)

        async def page_events(
            request: Request, session_id: str
        ) -> tuple[list[dict[str, Any]], HTTPResponse | None]:
            """The events of the page's web conversation, or the answer that refuses the
            request: a malformed id (400), a wrong session key (403), Rasa still starting
            (503), no such web conversation (404)."""
            if not SESSION_ID.fullmatch(session_id):
                return [], response.json({"error": "bad_session_id",
                                      "message": "session id must be 32 hex characters"},
                                     status=400)
            if not self.keys.valid(session_id, request.headers.get(KEY_HEADER)):
                return [], response.json({"error": "bad_session_key",
                                      "message": f"{KEY_HEADER} is not this session's key"},
                                     status=403)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return [], response.json({"error": "starting"}, status=503)
            tracker = await agent.tracker_store.retrieve(
                conversation_ids.make("socketio", session_id))
            events = list(tracker.events) if tracker is not None else []
            if not is_web_conversation(events):
                return [], response.json({"error": "not_found"}, status=404)
            return events, None

        @bp.route("/history/<session_id>", methods=["GET"])
        async def history(request: Request, session_id: str) -> HTTPResponse:
            events, refusal = await page_events(request, session_id)
            if refusal is not None:
                return refusal
            return response.json({"session_id": session_id, "messages": transcript(events)},
                                 headers={"Cache-Control": "no-store"})

        @bp.route("/attachments/<session_id>", methods=["POST"], stream=True)
        async def attachment(request: Request, session_id: str) -> HTTPResponse:
            """A photo or document from the page (the body, its name in ``X-File-Name``,
            percent-encoded): kept for the conversation, answered with what the bot says.
            The only route that reads more than ``MAX_BODY_BYTES``: up to ``MAX_UPLOAD_READ``,
            so that a file over the ticket service's limit gets the bot's answer, not a 413."""
            assert request.stream is not None  # a streamed route
            request.stream.request_max_size = MAX_UPLOAD_READ
            _events, refusal = await page_events(request, session_id)
            if refusal is not None:
                return refusal
            conversation = conversation_ids.make("socketio", session_id)
            name = unquote(request.headers.get("X-File-Name", ""))[:255] or "tep"
            lang = request.args.get("lang")
            language = lang if lang in ("vi", "en") else await conversation_language(
                request.app.ctx.agent, conversation)
            body = bytearray()
            while (chunk := await request.stream.read()) is not None:
                body += chunk
            kept, text = await self.attachments.receive(conversation, WEB_CHANNEL, None, name,
                                                        bytes(body), language)
            return response.json({"stored": kept, "text": text},
                                 headers={"Cache-Control": "no-store"})

        return cap_request_size(bp)
