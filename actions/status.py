"""Checking a ticket's status in chat: the code, a verification, then what the citizen may see.

The verification is the last four digits of the phone given at filing, or nothing more when
the ticket was filed in this same conversation. An unknown code and wrong digits get the same
reply; the ticket service locks a code after repeated failures.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fields
from actions.replies import button, label, language_of, say, text
from bot.tickets import TicketClient, TicketServiceError

logger = logging.getLogger(__name__)

STATUS_SLOTS = ("status_code", "status_digits")


class ValidateStatusForm(FormValidationAction):
    """Checks the code's shape and the four digits; skips the digits for this conversation's
    own ticket."""

    def name(self) -> str:
        return "validate_status_form"

    def validate_status_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = fields.parse_ticket_code(value)
        if code is None:
            say(dispatcher, tracker, "status_code_invalid")
            return {"status_code": None}
        own = tracker.get_slot("ticket_phone_last4")
        if code == tracker.get_slot("ticket_code") and own:
            return {"status_code": code, "status_digits": own}
        return {"status_code": code}

    def validate_status_digits(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        digits = fields.parse_last4(value)
        if digits is None:
            say(dispatcher, tracker, "status_digits_invalid")
        return {"status_digits": digits}


class ActionAskStatusCode(Action):
    """Asks for the code, offering this conversation's last ticket as a button."""

    def name(self) -> str:
        return "action_ask_status_code"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        own = tracker.get_slot("ticket_code")
        buttons = [{"title": own, "payload": own}] if own else []
        say(dispatcher, tracker, "ask_status_code", buttons=buttons + [
            button(tracker, "stop", "/stop")])
        return []


class ActionAskStatusDigits(Action):
    """Asks for the last four digits of the phone given at filing."""

    def name(self) -> str:
        return "action_ask_status_digits"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_status_digits", buttons=[button(tracker, "stop", "/stop")])
        return []


class ActionCancelStatus(Action):
    """Stops the status check and forgets the code and digits typed so far."""

    def name(self) -> str:
        return "action_cancel_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "status_cancelled")
        return [SlotSet(slot, None) for slot in STATUS_SLOTS]


class ActionCheckStatus(Action):
    """Reads the ticket from the service and tells the citizen where it stands."""

    def name(self) -> str:
        return "action_check_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code, digits = (tracker.get_slot(slot) for slot in STATUS_SLOTS)
        cleared = [SlotSet(slot, None) for slot in STATUS_SLOTS]
        try:
            ticket = TicketClient().citizen_view(code, digits, tracker.sender_id)
        except TicketServiceError as exc:
            key = {404: "status_not_found", 429: "status_locked"}.get(exc.status or 0)
            if key is None:
                logger.warning("status of %s not read: %s", code, exc)
            say(dispatcher, tracker, key or "status_unavailable",
                buttons=[button(tracker, "human", "/request_human")])
            return cleared
        dispatcher.utter_message(text=describe(tracker, ticket))
        return cleared


def describe(tracker: Tracker, ticket: dict[str, Any]) -> str:
    """State, responsible unit, answer deadline and the last staff message, in the citizen's
    language."""
    unit = ticket.get("unit") or {}
    english = language_of(tracker) == "en"
    message = text(
        tracker, "status_summary", code=ticket["code"], kind=label(tracker, ticket["kind"]),
        state=label(tracker, f"state_{ticket['state']}"),
        unit=(unit.get("name_en") if english else None) or unit.get("name_vi", ""),
        due=date.fromisoformat(ticket["deadlines"]["resolution"]).strftime("%d/%m/%Y"),
    )
    replies = [m for m in ticket.get("messages") or [] if m.get("author") == "staff"]
    if replies:
        message += "\n" + text(tracker, "status_last_reply", body=replies[-1]["body"])
    if ticket.get("resolution"):
        message += "\n" + text(tracker, "status_resolution", body=ticket["resolution"])
    return message
