"""Asking for a human: a live handoff to an officer while the office is open, otherwise when
officers are next available (from the ticket service's office hours) and a ticket offer.

While open (and not in the middle of the intake form) ``action_request_human`` sets
``handoff_start`` and the rules run ``handoff_form`` (province, optional name, phone, consent:
the intake form's questions and validators); ``action_start_handoff`` then creates a handoff
ticket with the transcript and pauses the conversation, so Rasa stays silent while officers
answer through the ticket service (``bot/deliver/handoff_relay.py`` forwards the citizen's messages,
``bot/deliver/delivery.py`` delivers the officer's and resumes the conversation at the end). Without
the ticket service the hotline is given with no time at all rather than a guessed one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fields
from actions.intake import FormAnswers, create_request
from actions.replies import button, language_of, say, text
from bot.common.pii import mask
from bot.common.tickets import TicketClient, TicketServiceError, idempotency_key
from bot.common.user_text import typed

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


HANDOFF_SLOTS = ("province", "full_name", "phone", "consent")


def goes_live(tracker: Tracker, hours: dict[str, Any] | None) -> bool:
    """Officers are at work and the citizen is not filling in the intake form (a live chat
    would abandon it): the handoff form starts."""
    return bool(hours and hours.get("open")) and tracker.active_loop_name != "intake_form"


def reply(tracker: Tracker, hours: dict[str, Any] | None) -> tuple[str, list[dict[str, str]]]:
    """The text and buttons for an office-hours answer (None: the service was not reached);
    the handoff's opening line when it goes live (the handoff form follows)."""
    if goes_live(tracker, hours):
        return text(tracker, "handoff_start"), []
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
    """Reply to ``request_human``: a live handoff while open (``handoff_start`` true: the rules
    run ``handoff_form``), else availability and a ticket offer, or the hotline when the service
    cannot be reached."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name == "handoff_form":  # already on the way to an officer
            say(dispatcher, tracker, "handoff_in_handoff_form")
            return [SlotSet("handoff_start", False)]
        try:
            hours: dict[str, Any] | None = TicketClient().office_hours()
            if not hours["open"]:
                datetime.fromisoformat(hours["next_open"])  # a time we can show, or no time
        except (TicketServiceError, ValueError, TypeError, KeyError) as exc:
            logger.warning("office hours not read: %s", exc)
            hours = None
        message, buttons = reply(tracker, hours)
        dispatcher.utter_message(text=message, buttons=buttons)
        return [SlotSet("handoff_start", goes_live(tracker, hours))]


class ValidateHandoffForm(FormAnswers):
    """The handoff form's answers, checked exactly like the intake form's (the province with
    the routing preview for an enquiry, the phone normalised, the name optional)."""

    def name(self) -> str:
        return "validate_handoff_form"


def asking_message(tracker: Tracker) -> tuple[str, float | None]:
    """The citizen's message that started the latest handoff form (text and timestamp):
    the last typed message before the form became active."""
    last: tuple[str, float | None] = ("", None)
    asking: tuple[str, float | None] = ("", None)
    for event in tracker.events:
        if event.get("event") == "user":
            words = str(event.get("text") or "").strip()
            if typed(words):
                last = (words, event.get("timestamp"))
            elif words:
                last = ("", event.get("timestamp"))
        elif event.get("event") == "active_loop" and event.get("name") == "handoff_form":
            asking = last
    return asking


def handoff_request(tracker: Tracker) -> dict[str, Any]:
    """The create request of a handoff ticket and its idempotency key. The key names the
    conversation and the message that asked for the officer: two handoffs in one conversation
    are two tickets, a re-run of the same one is one."""
    words, stamp = asking_message(tracker)
    description = text(tracker, "handoff_description")
    if words:
        description += "\n" + mask(words)[: fields.MAX_DESCRIPTION - len(description) - 1]
    payload = create_request(tracker, None, kind="enquiry", topic="other",
                             description=description, commune=None, cccd=None, bhxh_code=None,
                             handoff=True)
    key = idempotency_key(tracker.sender_id, "handoff", repr(stamp))
    return {"payload": payload, "key": key}


class ActionStartHandoff(Action):
    """Creates the handoff ticket, gives the code and pauses the conversation.

    The request is frozen in ``handoff_request`` on the first attempt: after a failure the
    citizen is told the truth and given the hotline, the conversation is not paused, and asking
    again re-sends the same request under the same key (one ticket, never two)."""

    def name(self) -> str:
        return "action_start_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        request = tracker.get_slot("handoff_request") or handoff_request(tracker)
        try:
            ticket = TicketClient().create_ticket(request["payload"], request["key"])
        except TicketServiceError as exc:
            logger.warning("handoff not started for conversation %s: %s", tracker.sender_id, exc)
            say(dispatcher, tracker, "handoff_failed",
                buttons=[button(tracker, "try_human_again", "/request_human")])
            return [SlotSet("handoff_request", request), SlotSet("handoff_start", None)]
        say(dispatcher, tracker, "handoff_waiting", code=ticket["code"])
        phone = request["payload"]["citizen"]["phone"]
        return [
            *[SlotSet(slot, None) for slot in (*HANDOFF_SLOTS, "handoff_request",
                                               "handoff_start")],
            SlotSet("failed_attempts", 0),
            SlotSet("ticket_code", ticket["code"]),
            SlotSet("ticket_phone_last4", phone[-4:]),
            ConversationPaused(),
        ]
