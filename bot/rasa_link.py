"""The ticket service and Rasa's HTTP API, as the background loops (outbox delivery, live-chat
relay) use them."""

from __future__ import annotations

from typing import Any

import requests

from bot.settings import Settings
from bot.tickets import TicketClient

TIMEOUT = (3.05, 15)


class RasaLink:
    """A ticket service client and a session on Rasa's token-protected HTTP API."""

    def __init__(self, tickets: TicketClient | None = None, settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.tickets = tickets or TicketClient()
        self.rasa_url = f"http://{settings.rasa_host}:{settings.rasa_port}"
        self._token = settings.rasa_token
        self._http = requests.Session()

    def conversation_events(self, conversation: str) -> list[dict[str, Any]]:
        """The conversation's events (raises ``requests.RequestException`` on failure)."""
        answer = self._http.get(f"{self.rasa_url}/conversations/{conversation}/tracker",
                                params={"token": self._token}, timeout=TIMEOUT)
        answer.raise_for_status()
        return list(answer.json().get("events") or [])

    def append_events(self, conversation: str, events: list[dict[str, Any]]) -> requests.Response:
        """Append events and send their bot messages on the conversation's latest channel."""
        return self._http.post(
            f"{self.rasa_url}/conversations/{conversation}/tracker/events",
            params={"execute_side_effects": "true", "output_channel": "latest",
                    "token": self._token},
            json=events, timeout=TIMEOUT,
        )
