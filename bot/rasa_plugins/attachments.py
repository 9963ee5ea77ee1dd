"""The citizens' photos and documents on the assistant's side.

A file from Zalo or Messenger is a URL on the platform's servers: it is fetched only from an
allow-listed host (``ATTACHMENT_HOSTS``), streamed, and dropped as soon as it passes the size
limit or the timeout. A file from the web chat arrives as bytes. Either goes to the ticket
service, which sniffs and keeps it (on the conversation's open ticket, else staged until the
citizen files one), and the citizen is told what was received, or why not, in the conversation's
language. The size limit has one home, the ticket service's ``TICKETS_ATTACHMENT_MAX_BYTES``,
read from its ``/api/v1/attachments/limits``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp

from bot.common.settings import Settings

logger = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30, sock_connect=5, sock_read=10)
SERVICE_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=5)
NAME_SHOWN = 80  # characters of a refused file's name said back to the citizen


class Refused(Exception):
    """A file not kept: ``reason`` is the ticket service's error code or ``download``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RemoteFile:
    """A file a platform holds for us: where, under which name, and its declared size."""

    url: str
    name: str
    declared_size: int | None = None


def name_in_url(url: str, fallback: str) -> str:
    """The last path segment of ``url`` (a name for a file the platform did not name)."""
    segment = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return segment or fallback


def host_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    """True when ``url`` has the scheme and host (or a subdomain) of an ``scheme://host``
    entry; the port is not compared."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for entry in hosts:
        allowed = urlsplit(entry)
        suffix = (allowed.hostname or "").lower()
        if suffix and parts.scheme == allowed.scheme and (
                host == suffix or host.endswith("." + suffix)):
            return True
    return False


def human_size(size: int, language: str) -> str:
    """1,2 MB in Vietnamese, 1.2 MB in English (KB below one megabyte)."""
    value, unit = (size / 1024 / 1024, "MB") if size >= 1024 * 1024 else (size / 1024, "KB")
    text = f"{value:.1f}"
    return f"{text.replace('.', ',') if language == 'vi' else text} {unit}"


RECEIVED = {
    "vi": "Đã nhận {what} {name} ({size}).",
    "en": "Received the {what} {name} ({size}).",
}
WHAT = {"vi": ("ảnh", "tệp"), "en": ("photo", "document")}
ON_TICKET = {
    "vi": " Đã đính kèm vào yêu cầu {code} để cán bộ xử lý xem.",
    "en": " It is attached to ticket {code} for the officer handling it.",
}
STAGED = {
    "vi": " Tệp sẽ được đính kèm vào phản ánh, khiếu nại bạn gửi trong cuộc trò chuyện này.",
    "en": " It will be attached to the complaint or request you file in this conversation.",
}
REFUSED = {
    "too_large": {
        "vi": "Chưa nhận tệp {name}: dung lượng vượt quá {limit}. Bạn vui lòng gửi tệp nhỏ hơn "
              "(ví dụ chụp lại ảnh ở độ phân giải thấp hơn).",
        "en": "Not received: {name} is larger than {limit}. Please send a smaller file "
              "(for example a photo taken at a lower resolution).",
    },
    "unsupported_type": {
        "vi": "Chưa nhận tệp {name}: trợ lý chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF.",
        "en": "Not received: {name}. Only photos (JPEG, PNG, WebP) and PDF documents are "
              "accepted.",
    },
    "too_many_attachments": {
        "vi": "Chưa nhận tệp {name}: cuộc trò chuyện này đã gửi số tệp tối đa.",
        "en": "Not received: {name}. This conversation has sent as many files as allowed.",
    },
    "ticket_closed": {
        "vi": "Chưa nhận tệp {name}: yêu cầu đã kết thúc.",
        "en": "Not received: {name}. The ticket is already closed.",
    },
    "download": {
        "vi": "Chưa nhận được tệp {name} do lỗi kết nối. Bạn vui lòng gửi lại sau ít phút.",
        "en": "The file {name} could not be received (connection problem). Please send it "
              "again in a few minutes.",
    },
}
REFUSED["empty_file"] = REFUSED["unsupported_type"]


def _in(language: str | None, render: Any) -> str:
    """``render(lang)`` in the conversation's language; both, Vietnamese first, if unknown."""
    if language in ("vi", "en"):
        return render(language)
    return render("vi") + "\n" + render("en")


def receipt(stored: dict[str, Any], language: str | None) -> str:
    """What the bot says about a kept file (the service's answer)."""
    image = str(stored["media_type"]).startswith("image/")

    def say(lang: str) -> str:
        text = RECEIVED[lang].format(what=WHAT[lang][0 if image else 1], name=stored["filename"],
                                     size=human_size(int(stored["size"]), lang))
        if stored.get("ticket"):
            return text + ON_TICKET[lang].format(code=stored["ticket"])
        return text + STAGED[lang]

    return _in(language, say)


def refusal(reason: str, name: str, limit: int | None, language: str | None) -> str:
    """What the bot says about a file it could not keep, and why."""
    texts = REFUSED.get(reason, REFUSED["download"])
    shown = name[:NAME_SHOWN]
    return _in(language, lambda lang: texts[lang].format(
        name=shown, limit=human_size(limit or 0, lang)))


class Attachments:
    """Fetches platform files and hands files to the ticket service."""

    def __init__(self, settings: Settings) -> None:
        self.service = settings.tickets_url.rstrip("/")
        self.token = settings.tickets_token
        self.hosts = settings.attachment_hosts
        self.download_timeout = DOWNLOAD_TIMEOUT
        self._max_bytes: int | None = None

    async def max_bytes(self, http: aiohttp.ClientSession) -> int:
        """The ticket service's size limit (asked once per process)."""
        if self._max_bytes is None:
            async with http.get(f"{self.service}/api/v1/attachments/limits",
                                headers=self._auth()) as answer:
                answer.raise_for_status()
                self._max_bytes = int((await answer.json())["max_bytes"])
        return self._max_bytes

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def fetch(self, http: aiohttp.ClientSession, file: RemoteFile, limit: int) -> bytes:
        """The file's bytes; :class:`Refused` for a host not allowed, an error, a timeout or
        more than ``limit`` bytes (declared, announced or streamed: reading stops there)."""
        if not host_allowed(file.url, self.hosts):
            logger.warning("attachment host not allowed: %s", urlsplit(file.url).hostname)
            raise Refused("download")
        if file.declared_size is not None and file.declared_size > limit:
            raise Refused("too_large")
        try:
            async with http.get(file.url, timeout=self.download_timeout,
                                allow_redirects=False) as got:
                if got.status != 200:
                    logger.warning("attachment download answered %s", got.status)
                    raise Refused("download")
                if (got.content_length or 0) > limit:
                    raise Refused("too_large")
                data = bytearray()
                async for chunk in got.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > limit:
                        raise Refused("too_large")
                return bytes(data)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("attachment download failed: %s", exc.__class__.__name__)
            raise Refused("download") from exc

    async def store(self, http: aiohttp.ClientSession, conversation_id: str, channel: str,
                    name: str, data: bytes) -> dict[str, Any]:
        """The ticket service's answer for a kept file; :class:`Refused` with its error code."""
        params = {"conversation_id": conversation_id, "channel": channel, "filename": name[:255]}
        try:
            async with http.post(f"{self.service}/api/v1/attachments", params=params, data=data,
                                 headers={**self._auth(),
                                          "Content-Type": "application/octet-stream"},
                                 timeout=SERVICE_TIMEOUT) as answer:
                body = await answer.json(content_type=None)
                if answer.status == 201:
                    return body
                logger.warning("ticket service refused an attachment: %s", answer.status)
                raise Refused(str(body.get("error", "download")))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            logger.warning("ticket service unreachable for an attachment: %s",
                           exc.__class__.__name__)
            raise Refused("download") from exc

    async def receive(self, conversation_id: str, channel: str, file: RemoteFile | None,
                      name: str, data: bytes | None, language: str | None) -> tuple[bool, str]:
        """Fetch (``file``) or take (``data``) one file and keep it: (kept, what to say)."""
        limit: int | None = None
        try:
            async with aiohttp.ClientSession() as http:
                try:
                    limit = await self.max_bytes(http)
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError) as exc:
                    logger.warning("attachment limits unavailable: %s", exc.__class__.__name__)
                    raise Refused("download") from exc
                if data is None:
                    data = await self.fetch(http, file, limit) if file else b""
                if len(data) > limit:
                    raise Refused("too_large")
                stored = await self.store(http, conversation_id, channel, name, data)
        except Refused as refused:
            return False, refusal(refused.reason, name, limit, language)
        return True, receipt(stored, language)


async def conversation_language(agent: Any, sender_id: str) -> str | None:
    """The ``language`` slot of the conversation (None when unknown or not started)."""
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    tracker = await store.retrieve(sender_id)
    value = tracker.get_slot("language") if tracker is not None else None
    return value if value in ("vi", "en") else None
