"""Fitting bot messages to each channel's limits (text length, button count and title length)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """A quick-reply button."""

    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One bot message before channel rendering."""

    text: str
    buttons: tuple[Button, ...] = field(default=())


@dataclass(frozen=True)
class Limits:
    """What a channel accepts in one message."""

    max_text: int
    max_text_with_buttons: int
    max_buttons: int
    max_title: int


# Messenger: 2,000 characters per text, 640 in a button template, 3 buttons, 20-character titles.
CHANNEL_LIMITS: dict[str, Limits] = {
    "facebook": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=20),
    "zalo": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=40),
}
DEFAULT_LIMITS = Limits(max_text=3000, max_text_with_buttons=3000, max_buttons=5, max_title=80)
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.;:!?])\s+"))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when too long."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Split ``text`` at the last paragraph, line, sentence or word break within ``limit``."""
    for pattern in _BREAKS:
        breaks = [m for m in pattern.finditer(text) if 0 < m.start() <= limit]
        if breaks:
            return text[: breaks[-1].start()].rstrip(), text[breaks[-1].end() :].lstrip()
    space = text.rfind(" ", 0, limit + 1)
    at = space if space > 0 else limit
    return text[:at].rstrip(), text[at:].lstrip()


def split_text(text: str, limit: int, last_limit: int | None = None) -> list[str]:
    """Chunks of at most ``limit`` characters; the last one at most ``last_limit``."""
    last_limit = limit if last_limit is None else last_limit
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > last_limit:
        head, rest = _cut(rest, min(limit, len(rest) - 1))
        chunks.append(head)
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def render(messages: list[Message], channel: str | None) -> list[dict[str, object]]:
    """Keyword arguments for ``dispatcher.utter_message``, one dict per message to send."""
    limits = CHANNEL_LIMITS.get(channel or "", DEFAULT_LIMITS)
    out: list[dict[str, object]] = []
    for message in messages:
        buttons = [
            {"title": shorten(b.title, limits.max_title), "payload": b.payload}
            for b in message.buttons[: limits.max_buttons]
        ]
        last_limit = limits.max_text_with_buttons if buttons else limits.max_text
        chunks = split_text(message.text, limits.max_text, last_limit)
        out.extend({"text": chunk} for chunk in chunks[:-1])
        out.append({"text": chunks[-1], "buttons": buttons} if buttons else {"text": chunks[-1]})
    return out
