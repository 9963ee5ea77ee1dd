"""The complaint form: questions, slot validation and submission to the ticket service."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import language_of, say, text
from bot.phone import normalise_phone
from bot.textnorm import nfc
from bot.tickets import TicketClient, TicketServiceError, idempotency_key

logger = logging.getLogger(__name__)

MIN_DESCRIPTION = 20
MAX_DESCRIPTION = 4000
# One to eight words of letters (any script), apostrophes or hyphens; at most 100 characters.
NAME = re.compile(r"(?=.{2,100}$)[^\W\d_][^\W\d_'\-]*(?:[ '\-][^\W\d_]+){0,7}")


class AskComplaintDescription(Action):
    """Asks for the complaint's description."""

    def name(self) -> str:
        return "action_ask_complaint_description"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_complaint_description", min=MIN_DESCRIPTION)
        return []


class AskProvince(Action):
    """Asks where the matter happened: it decides the responsible office."""

    def name(self) -> str:
        return "action_ask_province"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_province")
        return []


class AskFullName(Action):
    """Asks for the citizen's full name (complaints must name the complainant)."""

    def name(self) -> str:
        return "action_ask_full_name"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_full_name")
        return []


class AskPhone(Action):
    """Asks for the phone number the office can call back on."""

    def name(self) -> str:
        return "action_ask_phone"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "ask_phone")
        return []


class ValidateComplaintForm(FormValidationAction):
    """Checks the description's length and the phone number, re-asking with a reason."""

    def name(self) -> str:
        return "validate_complaint_form"

    def validate_complaint_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        description = nfc(str(value or "")).strip()
        if len(description) < MIN_DESCRIPTION:
            say(dispatcher, tracker, "description_too_short", min=MIN_DESCRIPTION)
            return {"complaint_description": None}
        if len(description) > MAX_DESCRIPTION:
            say(dispatcher, tracker, "description_too_long", max=MAX_DESCRIPTION)
            return {"complaint_description": None}
        return {"complaint_description": description}

    def validate_province(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept a place the ticket service can route; when it is down, keep the text."""
        province = " ".join(nfc(str(value or "")).split())[:100]
        try:
            TicketClient().preview_routing("complaint", "other", province)
        except TicketServiceError as exc:
            if exc.status == 422:
                say(dispatcher, tracker, "province_unknown")
                return {"province": None}
        return {"province": province}

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(nfc(str(value or "")).split())
        if not NAME.fullmatch(name):
            say(dispatcher, tracker, "name_invalid")
            return {"full_name": None}
        return {"full_name": name}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = normalise_phone(str(value or ""))
        if phone is None:
            say(dispatcher, tracker, "phone_invalid")
        return {"phone": phone}


class ActionSubmitComplaint(Action):
    """Sends the completed form to the ticket service and gives the citizen the code.

    It never claims success without a ticket code; on failure the slots are kept so
    that "try again" re-submits the same content under the same idempotency key.
    """

    def name(self) -> str:
        return "action_submit_complaint"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        description = tracker.get_slot("complaint_description") or ""
        phone = tracker.get_slot("phone") or ""
        full_name = tracker.get_slot("full_name") or ""
        payload = {
            "kind": "complaint",
            "topic": "other",
            "description": description,
            "channel": tracker.get_latest_input_channel() or "rest",
            "conversation_id": tracker.sender_id,
            "language": language_of(tracker),
            "citizen": {"name": full_name, "phone": phone, "cccd": None, "bhxh_code": None},
            "province": tracker.get_slot("province"),
            "commune": None,
            "consent": True,
        }
        key = idempotency_key(
            tracker.sender_id, "complaint", description, tracker.get_slot("province") or "",
            full_name, phone,
        )
        try:
            ticket = TicketClient().create_ticket(payload, key)
        except TicketServiceError as exc:
            logger.warning("ticket not created for conversation %s: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text=text(tracker, "ticket_failed"),
                buttons=[{"title": text(tracker, "try_again"), "payload": "/file_complaint"}],
            )
            return []
        dispatcher.utter_message(text=_confirmation(tracker, ticket))
        return [
            SlotSet("ticket_code", ticket["code"]),
            SlotSet("complaint_description", None),
            SlotSet("province", None),
            SlotSet("full_name", None),
            SlotSet("phone", None),
        ]


def _confirmation(tracker: Tracker, ticket: dict[str, Any]) -> str:
    """The receipt: code, responsible unit and answer deadline, in the citizen's language."""
    message = text(tracker, "ticket_created", code=ticket["code"])
    unit = ticket.get("unit") or {}
    name = unit.get("name_en" if language_of(tracker) == "en" else "name_vi") or unit.get("name_vi")
    if name:
        message += text(tracker, "ticket_unit", unit=name)
    resolution = (ticket.get("deadlines") or {}).get("resolution")
    if resolution:
        due = date.fromisoformat(resolution).strftime("%d/%m/%Y")
        message += text(tracker, "ticket_due", due=due)
    return message + text(tracker, "ticket_keep_code")
