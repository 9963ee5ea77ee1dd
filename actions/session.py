"""A new session keeps the conversation's language and last ticket (code, phone's last four
digits), nothing else personal."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

CARRIED_OVER = ("language", "ticket_code", "ticket_phone_last4")


class ActionSessionStart(Action):
    """Start a session carrying over only ``CARRIED_OVER`` (a half-filled form is dropped)."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        carried = [SlotSet(slot, tracker.get_slot(slot)) for slot in CARRIED_OVER
                   if tracker.get_slot(slot) is not None]
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]
