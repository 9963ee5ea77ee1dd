"""Knowledge answers as messages for ``dispatcher.utter_message``, fitted to the channel's
limits by :mod:`bot.common.fitting` (the channels fit with the same module)."""

from __future__ import annotations

from bot.common.fitting import Choice, Part, fit, limits_of

Button = Choice  # a quick-reply button of an answer
Message = Part  # one bot message before channel rendering: text and its buttons


def render(messages: list[Message], channel: str | None) -> list[dict[str, object]]:
    """Keyword arguments for ``dispatcher.utter_message``, one dict per message to send."""
    limits = limits_of(channel)
    out: list[dict[str, object]] = []
    for message in messages:
        buttons = [{"title": b.title, "payload": b.payload} for b in message.choices]
        for part in fit(message.text, buttons, limits):
            choices = [{"title": c.title, "payload": c.payload} for c in part.choices]
            out.append({"text": part.text, "buttons": choices} if choices else {"text": part.text})
    return out
