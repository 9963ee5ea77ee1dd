"""Facebook Messenger channel: ``/webhooks/facebook/webhook`` (replaces Rasa's built-in one).

Unlike Rasa 3.6's connector it verifies ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body
with the App Secret) and answers 403 on mismatch, checks ``hub.mode`` in the handshake,
processes every event of a batched delivery (``entry[] × messaging[]``, in order), ignores
echoes, answers 200 at once and sends through aiohttp to a current Graph API version.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common.settings import Settings
from bot.rasa_plugins.channels.files import messenger_files
from bot.rasa_plugins.channels.graph_api import GraphClient, MessengerOutput
from bot.rasa_plugins.channels.webhook import (
    WebhookError,
    WebhookInput,
    read_json,
    same_digest,
)

logger = logging.getLogger(__name__)


def signature(app_secret: str, raw_body: bytes) -> str:
    """The hex digest Meta sends after ``sha256=``."""
    return hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def user_input(event: dict[str, Any]) -> str | None:
    """The text a messaging event carries for the bot; ``""`` for attachments only; None to skip.

    A tapped quick reply or postback gives its payload; echoes, deliveries and reads are skipped.
    """
    message = event.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        quick_reply = message.get("quick_reply") or {}
        return str(quick_reply.get("payload") or message.get("text") or "")
    postback = event.get("postback")
    if isinstance(postback, dict):
        return str(postback.get("payload") or postback.get("title") or "") or None
    return None


def events_of(delivery: dict[str, Any]) -> list[dict[str, Any]]:
    """Every messaging event of a (possibly batched) delivery, in order."""
    return [event for entry in delivery.get("entry") or [] if isinstance(entry, dict)
            for event in entry.get("messaging") or [] if isinstance(event, dict)]


class MessengerInput(WebhookInput):
    """The Messenger webhook of one Facebook Page."""

    def __init__(self, settings: Settings) -> None:
        secrets = settings.channel_secrets
        self.app_secret = secrets["FACEBOOK_APP_SECRET"]
        self.verify_token = secrets["FACEBOOK_VERIFY_TOKEN"]
        self.client = GraphClient(settings.graph_api_base, settings.graph_api_version,
                                  secrets["FACEBOOK_PAGE_ACCESS_TOKEN"])
        super().__init__(settings)

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def get_output_channel(self) -> OutputChannel:
        return MessengerOutput(self.client)

    def verify(self, request: Request, raw: bytes) -> None:
        header = request.headers.get("X-Hub-Signature-256", "")
        if not header.startswith("sha256="):
            raise WebhookError(403, "missing_signature", "X-Hub-Signature-256 is required")
        if not same_digest(header.removeprefix("sha256="), signature(self.app_secret, raw)):
            raise WebhookError(403, "bad_signature", "X-Hub-Signature-256 does not match")

    async def _first_time(self, event: dict[str, Any]) -> bool:
        body = event.get("message") or event.get("postback") or {}
        sender = (event.get("sender") or {}).get("id")
        key = body.get("mid") or f"{sender}:{event.get('timestamp')}:{body.get('payload')}"
        return await self.first_time(str(key))

    async def handle(self, events: list[tuple[str, str, str | None]],
                     on_new_message: Callable[..., Any]) -> None:
        """Bot turns for one delivery's events (conversation, text, mid), one after the other."""
        output = MessengerOutput(self.client)
        for sender, text, mid in events:
            await output.sender_action(sender, "typing_on")
            await self.turn(output, sender, text, on_new_message, mid)
            await output.sender_action(sender, "typing_off")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("messenger_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            args = request.args
            token = args.get("hub.verify_token") or ""
            if args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                    token.encode(), self.verify_token.encode()):
                return response.text(args.get("hub.challenge") or "")
            return response.json({"error": "verification_failed",
                                  "message": "hub.mode or hub.verify_token is wrong"}, status=403)

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                raw, delivery = read_json(request)
                self.verify(request, raw)
                if delivery.get("object") != "page":
                    raise WebhookError(400, "not_a_page_event", "object must be 'page'")
            except WebhookError as error:
                logger.warning("Messenger webhook refused: %s", error.message)
                return error.response()
            todo, with_files = [], 0
            agent = getattr(request.app.ctx, "agent", None)
            for event in events_of(delivery):
                text = user_input(event)
                sender = (event.get("sender") or {}).get("id")
                if text is None or not sender:
                    continue
                try:
                    conversation = self.conversation(sender)
                except WebhookError as error:  # one malformed event of a batch: skipped
                    logger.warning("Messenger event skipped: %s", error.message)
                    continue
                if await self._first_time(event):
                    body = event.get("message") or event.get("postback") or {}
                    if files := messenger_files(event):
                        self.background.spawn(self.receive_files(self.get_output_channel(),
                                                                 conversation, files, agent),
                                              "Messenger attachments")
                        with_files += 1
                    else:
                        todo.append((conversation, text, body.get("mid")))
            if todo:
                self.background.spawn(self.handle(todo, on_new_message), "Messenger delivery")
            return response.json({"status": "EVENT_RECEIVED", "accepted": len(todo) + with_files})

        return self.checked(bp)
