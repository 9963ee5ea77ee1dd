"""Each channel's message limits and the one way a bot message is fitted to them: the text split
at paragraph, line, sentence or word breaks, the choices on the last part with titles
shortened, and buttons beyond what the channel can show listed in the text as lines the citizen
can type, so no option is dropped. Used by the knowledge answers
(``bot/action_lib/knowledge/render.py``) and by the channels
(``bot/rasa_plugins/channels/render.py``)."""

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


# Messenger: 2,000 characters per text, 640 in a button template, 3 buttons, 20-character titles.
CHANNEL_LIMITS: dict[str, Limits] = {
    "facebook": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=20),
    "zalo": Limits(max_text=2000, max_text_with_buttons=640, max_buttons=3, max_title=40),
}
DEFAULT_LIMITS = Limits(max_text=3000, max_text_with_buttons=3000, max_buttons=5, max_title=80)
MORE_OPTIONS = "Lựa chọn khác (gõ để chọn) / More options (type one):"
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.;:!?])\s+"))


def limits_of(channel: str | None) -> Limits:
    """The limits of ``channel`` (the default for the web chat, REST and unknown ones)."""
    return CHANNEL_LIMITS.get(channel or "", DEFAULT_LIMITS)


@dataclass(frozen=True)
class Choice:
    """A button or quick reply, with its title shortened to the channel's limit."""

    title: str
    payload: str


@dataclass(frozen=True)
class Part:
    """One message: text and its choices (after `fit`, only the last part has choices)."""

    text: str
    choices: tuple[Choice, ...] = field(default=())


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


def fit(text: str, buttons: Iterable[Mapping[str, Any]], limits: Limits) -> list[Part]:
    """Split ``text`` and attach at most ``limits.max_buttons`` choices to the last part; the
    other buttons are listed in the text."""
    options = [b for b in buttons if b.get("title")]
    shown, overflow = options[: limits.max_buttons], options[limits.max_buttons :]
    if overflow:
        lines = "\n".join(f"• {b['title']}" for b in overflow)
        text = f"{text}\n\n{MORE_OPTIONS}\n{lines}".strip()
    choices = tuple(
        Choice(shorten(str(b["title"]), limits.max_title), str(b.get("payload") or b["title"]))
        for b in shown
    )
    last_limit = limits.max_text_with_buttons if choices else limits.max_text
    chunks = split_text(text, limits.max_text, last_limit)
    return [Part(chunk) for chunk in chunks[:-1]] + [Part(chunks[-1], choices)]
