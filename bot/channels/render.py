"""Fit one bot message (text and buttons, as Rasa emits them) to a channel's limits.

Text is split and titles shortened with the knowledge engine's :mod:`bot.knowledge.render`;
the choices go on the last part. Buttons beyond what the channel can show are listed in the
text as lines the citizen can type, so no option is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.knowledge.render import Limits, shorten, split_text

MORE_OPTIONS = "Lựa chọn khác (gõ để chọn) / More options (type one):"


@dataclass(frozen=True)
class Choice:
    """A button or quick reply, with its title shortened to the channel's limit."""

    title: str
    payload: str


@dataclass(frozen=True)
class Part:
    """One message to send: text and, on the last part only, its choices."""

    text: str
    choices: tuple[Choice, ...] = field(default=())


def fit(text: str, buttons: Iterable[Mapping[str, Any]], limits: Limits) -> list[Part]:
    """Split ``text`` and attach at most ``limits.max_buttons`` choices to the last part."""
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
