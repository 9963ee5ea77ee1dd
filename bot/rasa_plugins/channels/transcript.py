"""The user and bot messages of a web chat conversation, for the widget's history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.shared.core.constants import EXTERNAL_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, UserUttered

WEB_CHANNEL = "socketio"
MAX_MESSAGES = 200


def is_web_conversation(events: Iterable[Event]) -> bool:
    """True when every citizen message of the conversation came through the web socket."""
    channels = {e.input_channel for e in events if isinstance(e, UserUttered)
                and not (e.text or "").startswith(EXTERNAL_MESSAGE_PREFIX)}
    return channels <= {WEB_CHANNEL}


def transcript(events: Iterable[Event]) -> list[dict[str, Any]]:
    """``[{"from": "user"|"bot", "text", "time", "buttons"?}]``, the latest ``MAX_MESSAGES``.

    A button the citizen pressed is shown by its title (the widget sends it as
    ``metadata.display``) rather than by its ``/intent`` payload.
    """
    messages: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered) and event.text:
            if event.text.startswith(EXTERNAL_MESSAGE_PREFIX):
                continue
            shown = (event.metadata or {}).get("display") if event.text.startswith("/") else None
            messages.append({"from": "user", "text": str(shown or event.text),
                             "time": event.timestamp})
        elif isinstance(event, BotUttered) and (event.text or event.data):
            message: dict[str, Any] = {"from": "bot", "text": event.text or "",
                                       "time": event.timestamp}
            buttons = event.data.get("buttons") or event.data.get("quick_replies")
            if buttons:
                message["buttons"] = [{"title": b.get("title"), "payload": b.get("payload")}
                                      for b in buttons]
            messages.append(message)
    return messages[-MAX_MESSAGES:]
