"""Delivers the ticket service's outbox (status changes, staff replies) to the citizen's chat.

Each notification becomes a bot message appended to its conversation through Rasa's HTTP API
with ``execute_side_effects``: Rasa sends it on the conversation's latest output channel (web
chat, Zalo, Messenger) and keeps it in the conversation's history. A delivered notification is
acknowledged; a failed one is reported to the ticket service, which records the attempt and
offers it again after a back-off. The notification id is the idempotency key: one that was
sent but not acknowledged (a crash in between) may be sent twice, never lost.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests

from bot.settings import Settings
from bot.tickets import TicketClient, TicketServiceError

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 15)
# (Vietnamese, English) lines added under the notice, by event.
DETAIL = {
    "staff_reply": ("Cán bộ trả lời: {message}", "The officer replied: {message}"),
    "info_requested": ("Cán bộ đề nghị bạn bổ sung: {message}",
                       "The officer asks you for more information: {message}"),
}
RESOLUTION = ("Kết quả giải quyết: {resolution}", "Outcome: {resolution}")
CHECK_HINT = ("(Gõ \"tra cứu phiếu\" để xem chi tiết.)",
              "(Type \"check my ticket\" for the details.)")


def render(item: dict[str, Any]) -> str:
    """The citizen-facing text of one outbox notification, in the ticket's language."""
    payload = item.get("payload") or {}
    english = payload.get("language") == "en"
    pick = 1 if english else 0
    lines = [payload.get("text_en" if english else "text_vi") or item.get("ticket_code", "")]
    if item.get("event") in DETAIL and payload.get("message"):
        lines.append(DETAIL[item["event"]][pick].format(message=payload["message"]))
    if payload.get("resolution"):
        lines.append(RESOLUTION[pick].format(resolution=payload["resolution"]))
    lines.append(CHECK_HINT[pick])
    return "\n".join(lines)


@dataclass
class Outcome:
    """What one pass over the outbox did."""

    delivered: int = 0
    failed: int = 0


class OutboxDelivery:
    """Moves pending notifications from the ticket service into the conversations in Rasa."""

    def __init__(self, tickets: TicketClient | None = None, settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.tickets = tickets or TicketClient()
        self.rasa_url = f"http://{settings.rasa_host}:{settings.rasa_port}"
        self._token = settings.rasa_token
        self._http = requests.Session()

    def run_once(self, limit: int = 50) -> Outcome:
        """Deliver what is pending now; never raises for one bad notification."""
        outcome = Outcome()
        for item in self.tickets.pending_outbox(limit):
            error = self._send(item)
            if error is None:
                self.tickets.ack_outbox(item["id"])
                outcome.delivered += 1
            else:
                logger.warning("notification %s for %s not delivered: %s",
                               item["id"], item.get("ticket_code"), error)
                self.tickets.fail_outbox(item["id"], error)
                outcome.failed += 1
        return outcome

    def _send(self, item: dict[str, Any]) -> str | None:
        """Append the message to the conversation; the error text, or None when sent."""
        conversation = item.get("conversation_id")
        if not conversation:
            return "the ticket has no conversation to deliver to"
        try:
            answer = self._http.post(
                f"{self.rasa_url}/conversations/{conversation}/tracker/events",
                params={"execute_side_effects": "true", "output_channel": "latest",
                        "token": self._token},
                json={"event": "bot", "text": render(item),
                      "metadata": {"outbox_id": item["id"]}},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            return f"Rasa unreachable: {exc.__class__.__name__}"
        return None if answer.ok else f"Rasa answered {answer.status_code}"


def run_forever(interval: float = 5.0) -> None:
    """Poll the outbox every ``interval`` seconds until stopped; outages are waited out."""
    delivery = OutboxDelivery()
    while True:
        try:
            outcome = delivery.run_once()
            if outcome.delivered or outcome.failed:
                logger.info("outbox: %d delivered, %d failed", outcome.delivered, outcome.failed)
        except TicketServiceError as exc:
            logger.warning("outbox not read: %s", exc)
        time.sleep(interval)
