"""Messenger Send API client and output channel (Graph API, non-blocking aiohttp).

Buttons follow Messenger's limits: up to 3 → a button template (text ≤ 640 characters,
titles ≤ 20); 4 to 13 → quick replies under the last text part; beyond 13 → the first 13
as quick replies and the rest listed in the text (see :mod:`bot.common.limits`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.common.conversation_ids import local_of
from bot.common.limits import CHANNEL_LIMITS, MESSENGER_QUICK_REPLIES, fit
from bot.rasa_plugins.channels.webhook import FittingOutput

logger = logging.getLogger(__name__)

TEMPLATE_LIMITS = CHANNEL_LIMITS["facebook"]
RETRYABLE_CODES = {1, 2, 4, 17, 32, 613}  # temporary errors and rate limits


class GraphError(Exception):
    """The Graph API refused a call; ``code`` is ``error.code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Graph API error {code}: {message}")
        self.code = code


class GraphClient:
    """``POST /<version>/me/messages`` with the Page access token."""

    def __init__(self, base: str, version: str, page_token: str, retry_delay: float = 1.0):
        self.url = f"{base}/{version}/me/messages"
        self.page_token = page_token
        self.retry_delay = retry_delay
        self._session: aiohttp.ClientSession | None = None

    async def post(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        for attempt in range(3):
            async with self._session.post(self.url, json=body,
                                          params={"access_token": self.page_token}) as reply:
                result = await reply.json(content_type=None)
            error = result.get("error") if isinstance(result, dict) else None
            if not error:
                return result
            code = int(error.get("code", 0))
            if code in RETRYABLE_CODES and attempt < 2:
                await asyncio.sleep(self.retry_delay * 2**attempt)
                continue
            if code == 190:
                logger.error("Messenger Page access token invalid or expired: replace "
                             "FACEBOOK_PAGE_ACCESS_TOKEN")
            raise GraphError(code, str(error.get("message")))
        raise AssertionError("unreachable")  # the loop returns or raises


def _quick_replies(choices: Any) -> list[dict[str, str]]:
    return [{"content_type": "text", "title": c.title, "payload": c.payload} for c in choices]


def _template(text: str, choices: Any) -> dict[str, Any]:
    buttons = [{"type": "postback", "title": c.title, "payload": c.payload} for c in choices]
    payload = {"template_type": "button", "text": text, "buttons": buttons}
    return {"attachment": {"type": "template", "payload": payload}}


class MessengerOutput(FittingOutput):
    """Renders Rasa's messages within Messenger's limits and sends them."""

    def __init__(self, client: GraphClient) -> None:
        self.client = client

    @classmethod
    def name(cls) -> str:
        return "facebook"

    async def _message(self, recipient_id: str, message: dict[str, Any]) -> bool:
        body = {"recipient": {"id": local_of(recipient_id)}, "messaging_type": "RESPONSE",
                "message": message}
        try:
            await self.client.post(body)
            return True
        except GraphError as exc:  # logged; the turn stays in the tracker
            logger.error("Messenger reply not delivered: %s", exc)
            return False

    async def sender_action(self, recipient_id: str, action: str) -> None:
        """``typing_on``, ``typing_off`` or ``mark_seen`` (failures only logged)."""
        try:
            await self.client.post({"recipient": {"id": local_of(recipient_id)},
                                    "sender_action": action})
        except GraphError as exc:
            logger.warning("Messenger %s not sent: %s", action, exc)

    async def deliver(self, recipient_id: str, text: str, buttons: list[dict[str, Any]]) -> None:
        quick = len(buttons) > TEMPLATE_LIMITS.max_buttons
        for part in fit(text, buttons, MESSENGER_QUICK_REPLIES if quick else TEMPLATE_LIMITS):
            if not part.buttons:
                message: dict[str, Any] = {"text": part.text}
            elif quick:
                message = {"text": part.text, "quick_replies": _quick_replies(part.buttons)}
            else:
                message = _template(part.text, part.buttons)
            if not await self._message(recipient_id, message):
                return

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._message(recipient_id, {"attachment": {"type": "image",
                                                          "payload": {"url": image}}})
