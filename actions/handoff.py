"""Asking for a human: tells the citizen whether officers are at work now and, if not, when they
are next available (from the ticket service's office hours), and offers a ticket.

A live officer taking over the chat is not built yet, so no reply promises one: while the office
is open the citizen is given the hotline. Without the ticket service the hotline is given with
no time at all rather than a guessed one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import button, language_of, text
from bot.tickets import TicketClient, TicketServiceError

logger = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving time
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def when(tracker: Tracker, moment: datetime) -> str:
    """Weekday, date and time in Vietnam, in the conversation's language:
    "thứ Hai, ngày 09/03/2026, lúc 07:30" / "Monday 9 March 2026 at 07:30"."""
    local = moment.astimezone(VIETNAM)
    if language_of(tracker) == "en":
        day = f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"
    else:
        day = local.strftime("%d/%m/%Y")
    return text(tracker, "handoff_when", weekday=text(tracker, f"weekday_{local.weekday()}"),
                date=day, time=local.strftime("%H:%M"))


def reply(tracker: Tracker, hours: dict[str, Any] | None) -> tuple[str, list[dict[str, str]]]:
    """The text and buttons for an office-hours answer (None: the service was not reached)."""
    in_form = tracker.active_loop_name == "intake_form"
    if hours is None:
        message = text(tracker, "handoff_unavailable")
    elif hours.get("open"):
        message = text(tracker, "handoff_open")
    else:
        message = text(tracker, "handoff_closed",
                       when=when(tracker, datetime.fromisoformat(hours["next_open"])))
    if in_form:  # already filing a ticket: the form resumes after this reply
        return f"{message} {text(tracker, 'handoff_in_form')}", []
    return message, [button(tracker, "ticket", "/file_complaint")]


class ActionRequestHuman(Action):
    """Reply to ``request_human``: officer availability from the ticket service, or the
    hotline when the service cannot be reached."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            hours: dict[str, Any] | None = TicketClient().office_hours()
            if not hours["open"]:
                datetime.fromisoformat(hours["next_open"])  # a time we can show, or no time
        except (TicketServiceError, ValueError, TypeError, KeyError) as exc:
            logger.warning("office hours not read: %s", exc)
            hours = None
        message, buttons = reply(tracker, hours)
        dispatcher.utter_message(text=message, buttons=buttons)
        return []
