"""What the Zalo and Messenger webhooks share: body checks, JSON errors, background turns, and
the output channel that sends every bot message through one ``deliver`` (fitted there with
:func:`bot.common.limits.fit`)."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import conversation_ids
from bot.common.limits import MAX_BODY_BYTES, TOO_LONG_NOTICE, too_long
from bot.common.settings import Settings
from bot.rasa_plugins.attachments import Attachments, RemoteFile, conversation_language
from bot.rasa_plugins.channels.request_size import cap_request_size
from bot.rasa_plugins.channels.state import open_state

logger = logging.getLogger(__name__)

# For what a channel delivers that is neither text nor a photo or document (stickers, audio,
# video, locations, links); photos and documents go to bot/rasa_plugins/attachments.py.
ATTACHMENT_NOTICE = (
    "Trợ lý đọc được tin nhắn chữ và nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF, nhưng không đọc "
    "được loại tin này. Bạn vui lòng mô tả bằng lời, hoặc gửi giấy tờ dưới dạng ảnh hay PDF.\n"
    "I read text and accept photos (JPEG, PNG, WebP) and PDF documents, but not this kind of "
    "message. Please describe it in words, or send the document as a photo or a PDF."
)


class FittingOutput(OutputChannel):
    """An output channel that sends texts, buttons and quick replies through one ``deliver``."""

    async def deliver(self, recipient_id: str, text: str, buttons: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.deliver(recipient_id, text, [])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.deliver(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.deliver(recipient_id, text, quick_replies)


class WebhookError(Exception):
    """A request the webhook refuses, with its HTTP status and a machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> HTTPResponse:
        return response.json({"error": self.code, "message": self.message}, status=self.status)


def read_json(request: Request) -> tuple[bytes, dict[str, Any]]:
    """The raw body and its JSON object; :class:`WebhookError` when too big or malformed."""
    raw = request.body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise WebhookError(413, "body_too_large", f"Body larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebhookError(400, "malformed_json", f"Body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise WebhookError(400, "malformed_json", "Body must be a JSON object")
    return raw, data


def same_digest(received: str, expected: str) -> bool:
    """Constant-time comparison of two hex digests (case-insensitive)."""
    return hmac.compare_digest(received.strip().lower().encode(), expected.lower().encode())


class Background:
    """Runs bot turns after the webhook has answered 200; keeps the tasks referenced."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], label: str) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, label))

    def _finished(self, task: asyncio.Task[None], label: str) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s failed", label, exc_info=task.exception())


class WebhookInput(InputChannel):
    """A webhook channel configured from the environment, with dedupe and background turns."""

    def __init__(self, settings: Settings) -> None:
        self.state = open_state(settings)
        self.background = Background()
        self.attachments = Attachments(settings)
        self.enabled = settings.channel_enabled(self.name())

    def checked(self, bp: Blueprint) -> Blueprint:
        """``bp`` with the server's request size capped and, when the channel is off
        (production without its secrets), every route answering 404 ``channel_disabled``."""

        @bp.middleware("request")
        async def refuse_when_off(request: Request) -> HTTPResponse | None:
            if self.enabled:
                return None
            return WebhookError(404, "channel_disabled",
                                f"The {self.name()} channel is off: its secrets are not set"
                                ).response()

        return cap_request_size(bp)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebhookInput:
        return cls(Settings.from_env())

    async def first_time(self, event_id: str) -> bool:
        """True only the first time any replica sees the channel's event ``event_id``."""
        return await self.state.first_time(self.name(), event_id)

    def conversation(self, user: object) -> str:
        """The conversation id of the platform's ``user`` id (``zalo:…``, ``fb:…``);
        :class:`WebhookError` for a malformed one."""
        try:
            return conversation_ids.make(self.name(), user)
        except conversation_ids.BadConversationId as exc:
            raise WebhookError(400, "bad_sender", str(exc)) from exc

    async def turn(self, output: OutputChannel, sender: str, text: str,
                   on_new_message: Callable[[UserMessage], Awaitable[Any]],
                   message_id: str | None = None, metadata: dict[str, Any] | None = None) -> None:
        """A notice for an attachment (no text) or an over-long text, else a bot turn
        (``sender``: the conversation id)."""
        if not text:
            await output.send_text_message(sender, ATTACHMENT_NOTICE)
        elif too_long(text):
            await output.send_text_message(sender, TOO_LONG_NOTICE)
        else:
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name(),
                                             message_id=message_id, metadata=metadata))

    async def receive_files(self, output: OutputChannel, sender: str, files: list[RemoteFile],
                            agent: Any) -> None:
        """Fetch and keep the citizen's files, one after the other, and say what was received
        (or why not) in the conversation's language."""
        language = await conversation_language(agent, sender)
        for file in files:
            _, text = await self.attachments.receive(sender, self.name(), file, file.name, None,
                                                     language)
            await output.send_text_message(sender, text)
