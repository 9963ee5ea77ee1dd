"""Rasa's REST channel (``/webhooks/rest/webhook``), checked: token, body, sender and text.

Rasa's own ``rest`` takes any sender, any ``input_channel`` and any length of text (a 100 KB
message held the event loop for ~30 s). This one:

- is off in production unless ``REST_CHANNEL_TOKEN`` is set, and then requires
  ``Authorization: Bearer $REST_CHANNEL_TOKEN`` (also outside production when set);
- takes a JSON object of at most ``MAX_BODY_BYTES`` with a string ``message``;
- namespaces the sender as ``rest:<sender>`` (``[A-Za-z0-9_-]{1,64}``; a sender already written
  ``rest:…`` is the same conversation) and always records the channel as ``rest``;
- answers a text over 2,000 characters with the bilingual notice, without a turn.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import conversation_ids
from bot.common.limits import MAX_BODY_BYTES, TOO_LONG_NOTICE, too_long
from bot.common.settings import Settings
from bot.rasa_plugins.channels.request_size import cap_request_size

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


class CheckedRestInput(RestInput):
    """``rest`` with a token, a size limit and namespaced senders."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.channel_enabled("rest")
        self.token = settings.rest_channel_token

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CheckedRestInput:
        return cls(Settings.from_env())

    def refusal(self, request: Request) -> HTTPResponse | None:
        """Why ``request`` is not served (None when it is)."""
        if not self.enabled:
            return _error(404, "channel_disabled",
                          "The REST channel is off in production without REST_CHANNEL_TOKEN")
        if self.token:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return _error(401, "bad_token", "Authorization: Bearer <REST channel token>")
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("checked_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return self.refusal(request) or response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if refused := self.refusal(request):
                return refused
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(413, "body_too_large", f"Body larger than {MAX_BODY_BYTES} bytes")
            try:
                data = json.loads(request.body or b"")
            except (UnicodeDecodeError, json.JSONDecodeError):
                return _error(400, "malformed_json", "Body is not valid JSON")
            if not isinstance(data, dict):
                return _error(400, "malformed_json", "Body must be a JSON object")
            text, metadata = data.get("message"), data.get("metadata")
            if not isinstance(text, str) or not (metadata is None or isinstance(metadata, dict)):
                return _error(400, "bad_message", "message must be a string, metadata an object")
            sender = data.get("sender")
            try:
                conversation = conversation_ids.make(
                    "rest", sender.removeprefix("rest:") if isinstance(sender, str) else sender)
            except conversation_ids.BadConversationId:
                return _error(400, "bad_sender", "sender must match [A-Za-z0-9_-]{1,64}")
            collector = CollectingOutputChannel()
            if too_long(text):
                await collector.send_text_message(conversation, TOO_LONG_NOTICE)
            else:
                try:  # as Rasa's channel: what was said before a failure is still answered
                    await on_new_message(UserMessage(text, collector, conversation,
                                                     input_channel=self.name(),
                                                     metadata=metadata))
                except Exception:  # noqa: BLE001 - logged, the citizen gets what was said
                    logger.exception("REST message of %s not handled", conversation)
            return response.json(collector.messages)

        return cap_request_size(bp)
