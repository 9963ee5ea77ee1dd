"""Zalo Official Account channel: ``POST /webhooks/zalo/webhook`` and replies via Open API v3.

The webhook checks ``X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + OA secret)>``,
answers 200 at once and runs the bot turn in the background. A redelivered event (same
``msg_id``) is processed once. Photos and documents go onto the citizen's ticket
(bot/rasa_plugins/attachments.py); stickers and other media get a polite notice; ``follow``
starts with a greeting; ``unfollow`` and delivery receipts are acknowledged and ignored.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import clock
from bot.common.conversation_ids import local_of
from bot.common.limits import CHANNEL_LIMITS, fit
from bot.common.settings import Settings
from bot.rasa_plugins.channels.files import zalo_files
from bot.rasa_plugins.channels.webhook import (
    FittingOutput,
    WebhookError,
    WebhookInput,
    read_json,
    same_digest,
)
from bot.rasa_plugins.channels.zalo_api import ZaloClient, ZaloConfig, ZaloError

logger = logging.getLogger(__name__)

LIMITS = CHANNEL_LIMITS["zalo"]
ATTACHMENT_EVENTS = {
    "user_send_image", "user_send_file", "user_send_sticker", "user_send_gif",
    "user_send_audio", "user_send_video", "user_send_location", "user_send_link",
}
GREETING = "/greet"
# An event signed more than this long before (or after) now, by the injected clock, is refused:
# a captured request cannot be replayed once the seen-events table has forgotten it.
MAX_EVENT_AGE_SECONDS = 15 * 60


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> str:
    """The hex digest Zalo puts after ``mac=`` (plain SHA-256, not an HMAC)."""
    data = app_id.encode() + raw_body + timestamp.encode() + oa_secret.encode()
    return hashlib.sha256(data).hexdigest()


class ZaloOutput(FittingOutput):
    """Sends the bot's messages as Zalo consultation messages, split to Zalo's limits."""

    def __init__(self, client: ZaloClient) -> None:
        self.client = client

    @classmethod
    def name(cls) -> str:
        return "zalo"

    async def deliver(self, recipient_id: str, text: str, buttons: list[dict[str, Any]]) -> None:
        for part in fit(text, buttons, LIMITS):
            message: dict[str, Any] = {"text": part.text}
            if part.buttons:
                zalo_buttons = [{"title": c.title, "type": "oa.query.hide", "payload": c.payload}
                                for c in part.buttons]
                message["attachment"] = {"type": "template", "payload": {"buttons": zalo_buttons}}
            try:
                await self.client.send({"user_id": local_of(recipient_id)}, message)
            except ZaloError as exc:  # logged with its code; the turn stays in the tracker
                logger.error("Zalo reply not delivered: %s", exc)
                return


class ZaloInput(WebhookInput):
    """The Zalo OA webhook."""

    def __init__(self, settings: Settings) -> None:
        secrets = settings.channel_secrets
        self.app_id = settings.zalo_app_id
        self.oa_secret = secrets["ZALO_OA_SECRET_KEY"]
        super().__init__(settings)
        self.client = ZaloClient(ZaloConfig(
            app_id=settings.zalo_app_id,
            app_secret=secrets["ZALO_APP_SECRET"],
            api_base=settings.zalo_api_base,
            oauth_base=settings.zalo_oauth_base,
            access_token=secrets["ZALO_ACCESS_TOKEN"],
            refresh_token=secrets["ZALO_REFRESH_TOKEN"],
        ), self.state)

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def get_output_channel(self) -> OutputChannel:
        return ZaloOutput(self.client)

    def verify(self, request: Request, raw: bytes, event: dict[str, Any]) -> None:
        """Raise :class:`WebhookError` unless the event is signed by our OA."""
        header = request.headers.get("X-ZEvent-Signature", "")
        if not header.startswith("mac="):
            raise WebhookError(401, "missing_signature", "X-ZEvent-Signature: mac=… is required")
        if str(event.get("app_id", "")) != self.app_id:
            raise WebhookError(403, "wrong_app", "The event is for another Zalo app")
        expected = signature(self.app_id, raw, str(event.get("timestamp", "")), self.oa_secret)
        if not same_digest(header.removeprefix("mac="), expected):
            raise WebhookError(401, "bad_signature", "X-ZEvent-Signature does not match")
        check_fresh(event)

    async def handle(self, event: dict[str, Any], conversation: str,
                     on_new_message: Callable[..., Any]) -> None:
        """One bot turn for one verified, first-seen event of ``conversation``."""
        name = event.get("event_name", "")
        output = self.get_output_channel()
        if name == "follow":
            await on_new_message(UserMessage(GREETING, output, conversation, input_channel="zalo"))
            return
        message = event.get("message") or {}
        text = "" if name in ATTACHMENT_EVENTS else str(message.get("text") or "").strip()
        await self.turn(output, conversation, text, on_new_message, message.get("msg_id"),
                        {"zalo_event": name})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("zalo_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            name = ""
            try:
                raw, event = read_json(request)
                self.verify(request, raw, event)
                name = str(event.get("event_name", ""))
                handled = name in {"user_send_text", "follow"} | ATTACHMENT_EVENTS
                user = ((event.get("follower") if name == "follow" else event.get("sender"))
                        or {}).get("id")
                conversation = self.conversation(user) if handled else ""
            except WebhookError as error:
                logger.warning("Zalo webhook refused: %s", error.message)
                return error.response()
            message = event.get("message") or {}
            key = message.get("msg_id") or f"{name}:{user}:{event.get('timestamp')}"
            if handled and await self.first_time(str(key)):
                files = zalo_files(event)
                work = (self.receive_files(self.get_output_channel(), conversation, files,
                                           getattr(request.app.ctx, "agent", None))
                        if files else self.handle(event, conversation, on_new_message))
                self.background.spawn(work, f"Zalo {name}")
                return response.json({"status": "accepted"})
            return response.json({"status": "ignored" if not handled else "duplicate"})

        return self.checked(bp)


def check_fresh(event: dict[str, Any]) -> None:
    """Raise :class:`WebhookError` unless the event's timestamp (ms) is within
    ``MAX_EVENT_AGE_SECONDS`` of now."""
    try:
        signed_at = int(str(event.get("timestamp", ""))) / 1000
    except ValueError as exc:
        raise WebhookError(400, "bad_timestamp", "timestamp must be milliseconds") from exc
    if abs(clock.timestamp() - signed_at) > MAX_EVENT_AGE_SECONDS:
        raise WebhookError(403, "stale_event",
                           f"The event is more than {MAX_EVENT_AGE_SECONDS // 60} minutes old")
