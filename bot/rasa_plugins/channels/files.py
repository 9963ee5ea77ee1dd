"""The files a Zalo or Messenger event carries, as :class:`bot.rasa_plugins.attachments.RemoteFile`.

Zalo: ``user_send_image`` / ``user_send_file`` with ``message.attachments[].payload.url`` (a
file also has ``name`` and ``size``). Messenger: ``message.attachments[]`` of type ``image`` or
``file`` with ``payload.url`` (a sticker is an image with a ``sticker_id``: not a document).
"""

from __future__ import annotations

from typing import Any

from bot.rasa_plugins.attachments import RemoteFile, name_in_url

ZALO_FILE_EVENTS = {"user_send_image", "user_send_file"}
MESSENGER_TYPES = {"image", "file"}
MAX_FILES_PER_EVENT = 10


def _size(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attachments(message: Any) -> list[dict[str, Any]]:
    items = message.get("attachments") if isinstance(message, dict) else None
    return [a for a in items or [] if isinstance(a, dict)][:MAX_FILES_PER_EVENT]


def zalo_files(event: dict[str, Any]) -> list[RemoteFile]:
    """The photos and documents of a Zalo event (none for other events)."""
    if event.get("event_name") not in ZALO_FILE_EVENTS:
        return []
    files = []
    for item in _attachments(event.get("message")):
        payload = item.get("payload") or {}
        url = payload.get("url")
        if isinstance(url, str) and url:
            name = str(payload.get("name") or name_in_url(url, "anh-zalo.jpg"))
            files.append(RemoteFile(url, name, _size(payload.get("size"))))
    return files


def messenger_files(event: dict[str, Any]) -> list[RemoteFile]:
    """The photos and documents of a Messenger messaging event (stickers are not)."""
    files = []
    for item in _attachments(event.get("message")):
        payload = item.get("payload") or {}
        url = payload.get("url")
        if item.get("type") in MESSENGER_TYPES and "sticker_id" not in payload and (
                isinstance(url, str) and url):
            files.append(RemoteFile(url, name_in_url(url, "tep-messenger")))
    return files
