"""Forwards the citizen's messages of a live chat (a paused conversation) to the ticket service.

Each pass asks the ticket service to sweep the live chats (it expires those nobody took in
time) and, for every chat still waiting or held, reads the conversation from Rasa's HTTP API
and posts each new citizen message to the ticket as a chat message. Rasa keeps logging the
citizen's messages while the conversation is paused, without answering them.

"New" means typed after the conversation was paused for the chat (Rasa's own clock, so the two
services' clocks need not agree) and after the last message already forwarded. The ticket service
keeps that position (``relayed_until``, in Rasa's time) and adds a message only if it comes after
it, so any number of relays may run, and restart, without passing a message on twice.
Button payloads ("/affirm") and intents triggered by a program are not forwarded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import requests

from bot.common.tickets import TicketServiceError
from bot.common.user_text import typed
from bot.deliver.rasa_link import RasaLink

logger = logging.getLogger(__name__)

MAX_BODY = 4000


def new_messages(events: Iterable[dict[str, Any]], since: float) -> Iterator[tuple[str, float]]:
    """(text, timestamp) of the citizen's typed messages after ``since``, oldest first."""
    for event in events:
        stamp = event.get("timestamp")
        words = event.get("text")
        if event.get("event") != "user" or not isinstance(stamp, int | float) or stamp <= since:
            continue
        words = words.strip() if isinstance(words, str) else ""
        if typed(words):
            yield words[:MAX_BODY], float(stamp)


def paused_since(events: Iterable[dict[str, Any]], chat: dict[str, Any]) -> float:
    """When the conversation was last paused (Unix time); the chat's request time if never."""
    stamps = [e["timestamp"] for e in events
              if e.get("event") == "pause" and isinstance(e.get("timestamp"), int | float)]
    if stamps:
        return float(max(stamps))
    return datetime.fromisoformat(str(chat["requested_at"]).replace("Z", "+00:00")).timestamp()


class HandoffRelay(RasaLink):
    """Moves the citizen's messages from paused conversations in Rasa to their live chats."""

    def run_once(self) -> int:
        """Sweep the chats and forward what is new; the number of messages forwarded.
        Raises TicketServiceError when the sweep itself fails; one chat's failure is logged."""
        forwarded = 0
        for chat in self.tickets.sweep_chats():
            try:
                forwarded += self._forward(chat)
            except (TicketServiceError, requests.RequestException, KeyError, ValueError) as exc:
                logger.warning("chat %s not relayed: %s", chat.get("code"), exc)
        return forwarded

    def _forward(self, chat: dict[str, Any]) -> int:
        code, conversation = chat["code"], chat.get("conversation_id")
        if not conversation:
            return 0
        history = self.conversation_events(conversation)
        since = max(float(chat.get("relayed_until") or 0.0), paused_since(history, chat))
        count = 0
        for words, stamp in new_messages(history, since):
            try:
                added = self.tickets.add_chat_message(code, conversation, words, stamp)
            except TicketServiceError as exc:
                if exc.status in (404, 409):  # not this conversation's, or no longer active
                    logger.info("chat %s refused a message (%s): stopped", code, exc.status)
                    return count
                raise
            count += not added.get("duplicate")
        return count
