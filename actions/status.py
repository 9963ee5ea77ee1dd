"""Checking a ticket's status in chat: the code, a proof, then what the citizen may see.

The proof is always asked for, whatever the conversation holds: the last four digits of the
phone given at filing, or the receipt (``XXXX-XXXX-XXXX``) shown with the ticket code. An
unknown code and a wrong proof get the same reply, and the form asks for the proof again (the
next thing the citizen types); past the ticket service's limits the citizen is told to wait
(or to give the receipt, when the digits alone are locked) or to call the hotline.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fields
from actions.replies import button, label, language_of, say, text
from bot.common.tickets import TicketClient, TicketServiceError, parse_receipt

logger = logging.getLogger(__name__)

STATUS_SLOTS = ("status_code", "status_digits")  # status_digits: the digits or the receipt
# How long to wait after too many failures when the ticket service does not say (its
# TICKETS_VERIFY_LOCK_SECONDS default).
RETRY_SECONDS = 900


class ValidateStatusForm(FormValidationAction):
    """Checks the code's shape and the proof's (four digits or a receipt)."""

    def name(self) -> str:
        return "validate_status_form"

    def validate_status_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = fields.parse_ticket_code(value)
        if code is None:
            say(dispatcher, tracker, "status_code_invalid")
        return {"status_code": code}

    def validate_status_digits(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        proof = fields.parse_last4(value) or parse_receipt(value)
        if proof is None:
            say(dispatcher, tracker, "status_digits_invalid")
        return {"status_digits": proof}


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
        code, proof = (tracker.get_slot(slot) for slot in STATUS_SLOTS)
        try:
            ticket = TicketClient().citizen_view(code, proof, tracker.sender_id)
        except TicketServiceError as exc:
            return refused(dispatcher, tracker, code, exc)
        dispatcher.utter_message(text=describe(tracker, ticket))
        return [SlotSet(slot, None) for slot in STATUS_SLOTS]


def refused(dispatcher: CollectingDispatcher, tracker: Tracker, code: str,
            error: TicketServiceError) -> list[EventType]:
    """What the citizen is told when the status is not shown, and what happens next: after a
    wrong proof (or the digits locked) the form asks for the proof again, keeping the code."""
    stop = button(tracker, "stop", "/stop")
    human = button(tracker, "human", "/request_human")
    again = [SlotSet("status_digits", None), FollowupAction("status_form")]
    if error.status == 404:
        say(dispatcher, tracker, "status_not_found", buttons=[stop])
        return again
    if error.status == 429 and error.code == "receipt_required":
        say(dispatcher, tracker, "status_receipt_required", buttons=[stop])
        return again
    if error.status == 429:
        minutes = -(-(error.retry_after or RETRY_SECONDS) // 60)
        say(dispatcher, tracker, "status_too_many", minutes=minutes, buttons=[human])
    else:
        logger.warning("status of %s not read: %s", code, error)
        say(dispatcher, tracker, "status_unavailable", buttons=[human])
    return [SlotSet(slot, None) for slot in STATUS_SLOTS]


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
