"""The ticket service and Rasa's HTTP API, as the background loops (outbox delivery, live-chat
relay) use them.

Conversation ids come from the ticket service: each is validated
(``bot/common/conversation_ids.py``) and quoted before it goes into a URL next to the Rasa token, so
an id such as ``victim/tracker/events?x=`` can reach no other conversation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from bot.common import conversation_ids
from bot.common.settings import Settings
from bot.common.tickets import TicketClient

TIMEOUT = (3.05, 15)


def conversation_url(base: str, conversation: str) -> str:
    """``<base>/conversations/<quoted id>``; :class:`BadConversationId` for a malformed id."""
    conversation_ids.channel_of(conversation)
    return f"{base}/conversations/{quote(conversation, safe=':')}"


class RasaLink:
    """A ticket service client and a session on Rasa's token-protected HTTP API."""

    def __init__(self, tickets: TicketClient | None = None, settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.tickets = tickets or TicketClient()
        self.rasa_url = f"http://{settings.rasa_host}:{settings.rasa_port}"
        self._token = settings.rasa_token
        self._http = requests.Session()

    def conversation_events(self, conversation: str) -> list[dict[str, Any]]:
        """The conversation's events (raises ``requests.RequestException`` on failure,
        :class:`BadConversationId` for a malformed id)."""
        answer = self._http.get(f"{conversation_url(self.rasa_url, conversation)}/tracker",
                                params={"token": self._token}, timeout=TIMEOUT)
        answer.raise_for_status()
        return list(answer.json().get("events") or [])

    def append_events(self, conversation: str, channel: str,
                      events: list[dict[str, Any]]) -> requests.Response:
        """Append events and send their bot messages on ``channel`` (the ticket's stored
        channel, never the conversation's latest: anyone who could write to the conversation
        would otherwise choose where an officer's reply goes)."""
        return self._http.post(
            f"{conversation_url(self.rasa_url, conversation)}/tracker/events",
            params={"execute_side_effects": "true", "output_channel": channel,
                    "token": self._token},
            json=events, timeout=TIMEOUT,
        )
