"""Every channel's limits, and the one way a bot message is fitted to them.

In: every request body the Rasa server reads (Rasa's own API included), the web chat's upload
and the citizen's text. A text over ``MAX_USER_TEXT`` never reaches the NLU (a 100 KB message
held Rasa's event loop for ~30 s): the citizen is asked to shorten it, and the widget
(``webchat_static/widget.js``) refuses the same length before sending.

Out: each channel's text length, buttons and button titles. A message is split at paragraph,
line, sentence or word breaks, its buttons go on the last part with titles shortened, and the
buttons beyond what the channel can show are listed in the text as lines the citizen can type,
so no option is dropped. The knowledge answers are fitted here in the action server (``render``)
and every message again by the Messenger and Zalo channels (``fit``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    """What a channel accepts in one message."""

    max_text: int
    max_text_with_buttons: int
    max_buttons: int
    max_title: int


# Every request body the Rasa server accepts (Sanic answers 413 above it, before any handler).
MAX_BODY_BYTES = 256 * 1024
# The web chat's file upload alone reads up to this (the ticket service's own limit, 10 MB by
# default and at most 50 MB, decides what is kept and answers the citizen what was refused).
MAX_UPLOAD_READ = 64 * 1024 * 1024
# Longer citizen messages are not sent to the NLU; the citizen is asked to shorten them.
MAX_USER_TEXT = 2000
TOO_LONG_NOTICE = (
    "Tin nhắn quá dài (tối đa 2000 ký tự). Bạn vui lòng chia thành các tin ngắn hơn.\n"
    "Your message is too long (2,000 characters at most). Please send it in shorter parts."
)

# Messenger: 2,000 characters per text, 640 in a button template, 3 buttons, 20-character titles.
CHANNEL_LIMITS: dict[str, Limits] = {
    "facebook": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=20),
    "zalo": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=40),
}
# Messenger's quick replies: up to 13 under a text of 2,000 characters.
MESSENGER_QUICK_REPLIES = Limits(max_text=2000, max_text_with_buttons=2000, max_buttons=13,
                                 max_title=20)
DEFAULT_LIMITS = Limits(max_text=3000, max_text_with_buttons=3000, max_buttons=5, max_title=80)
MORE_OPTIONS = "Lựa chọn khác (gõ để chọn) / More options (type one):"
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.;:!?])\s+"))


def too_long(text: str | None) -> bool:
    """True for a text the NLU must not see."""
    return len(text or "") > MAX_USER_TEXT


def limits_of(channel: str | None) -> Limits:
    """The limits of ``channel`` (the default for the web chat, REST and unknown ones)."""
    return CHANNEL_LIMITS.get(channel or "", DEFAULT_LIMITS)


@dataclass(frozen=True)
class Button:
    """A button or quick reply (after `fit`, its title shortened to the channel's limit)."""

    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One bot message: text and its buttons (after `fit`, only the last part has buttons)."""

    text: str
    buttons: tuple[Button, ...] = field(default=())


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


def fit(text: str, buttons: Iterable[Mapping[str, Any]], limits: Limits) -> list[Message]:
    """Split ``text`` and attach at most ``limits.max_buttons`` buttons to the last part; the
    others are listed in the text."""
    options = [b for b in buttons if b.get("title")]
    shown, overflow = options[: limits.max_buttons], options[limits.max_buttons :]
    if overflow:
        lines = "\n".join(f"• {b['title']}" for b in overflow)
        text = f"{text}\n\n{MORE_OPTIONS}\n{lines}".strip()
    fitted = tuple(
        Button(shorten(str(b["title"]), limits.max_title), str(b.get("payload") or b["title"]))
        for b in shown
    )
    last_limit = limits.max_text_with_buttons if fitted else limits.max_text
    chunks = split_text(text, limits.max_text, last_limit)
    return [Message(chunk) for chunk in chunks[:-1]] + [Message(chunks[-1], fitted)]


def _as_dicts(buttons: Iterable[Button]) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in buttons]


def render(messages: list[Message], channel: str | None) -> list[dict[str, object]]:
    """Keyword arguments for ``dispatcher.utter_message``, one dict per message to send, fitted
    to the limits of ``channel``."""
    limits = limits_of(channel)
    out: list[dict[str, object]] = []
    for message in messages:
        for part in fit(message.text, _as_dicts(message.buttons), limits):
            buttons = _as_dicts(part.buttons)
            out.append({"text": part.text, "buttons": buttons} if buttons else {"text": part.text})
    return out
