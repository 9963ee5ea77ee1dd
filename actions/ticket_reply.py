"""The conversation after the ticket: the citizen's answer to a notification goes to the ticket.

``bot/deliver/delivery.py`` opens ``ticket_reply_form`` after an officer's information request (the
next message is the citizen's answer: ``citizen-messages``, which resumes a paused clock) and after
a decision (the next message is a rating from 1 to 5, or a request to reopen, whose reason is then
asked). Each call proves the ticket is the citizen's with the phone's last four digits kept by the
conversation that filed it."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fields
from actions.replies import say
from bot.common.textnorm import fold
from bot.common.tickets import TicketClient, TicketServiceError

logger = logging.getLogger(__name__)

_RATING = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|sao|diem|stars?|points?))?\s*[.!]?\s*$")
_REOPEN = ("mo lai", "reopen", "chua dong y", "khong dong y", "khieu nai lai", "disagree")


def rating(text: str) -> int | None:
    """1-5 from "4", "5 sao", "3/5", "4 stars"."""
    match = _RATING.match(fold(fields.spaces(text)))
    return int(match[1]) if match else None


def wants_reopen(text: str) -> bool:
    """Whether the answer to the rating question asks to reopen ("Mở lại yêu cầu")."""
    folded = f" {' '.join(re.findall(r'[0-9a-z]+', fold(fields.spaces(text))))} "
    return any(f" {phrase} " in folded for phrase in _REOPEN)


def _done(**slots: Any) -> list[EventType]:
    return [SlotSet("ticket_reply", None), SlotSet("reply_kind", None),
            *(SlotSet(k, v) for k, v in slots.items())]


class ActionAskTicketReply(Action):
    """The question of ``ticket_reply_form`` when the action asks it (a reopening's reason);
    the notification itself asked the others."""

    def name(self) -> str:
        return "action_ask_ticket_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("reply_kind") == "reopen":
            say(dispatcher, tracker, "ask_reopen_reason")
        return []


class ActionTicketReply(Action):
    """Sends the citizen's answer to the ticket and says what happened, honestly."""

    def name(self) -> str:
        return "action_ticket_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code, kind = tracker.get_slot("reply_ticket"), tracker.get_slot("reply_kind")
        answer = fields.spaces(tracker.get_slot("ticket_reply") or "")
        if not code or not answer:
            return _done()
        if kind == "rating" and rating(answer) is None:
            if not wants_reopen(answer):
                say(dispatcher, tracker, "rating_later")
                return _done()
            return [SlotSet("reply_kind", "reopen"), SlotSet("ticket_reply", None),
                    ActiveLoop("ticket_reply_form"), SlotSet("requested_slot", "ticket_reply")]
        call = {"info": ("citizen-messages", {"body": answer}, "info_sent"),
                "rating": ("rating", {"rating": rating(answer)}, "rating_thanks"),
                "reopen": ("citizen-reopen", {"reason": answer}, "reopened")}.get(str(kind))
        if call is None:
            return _done()
        action, body, said = call
        proof = {"conversation_id": tracker.sender_id,
                 "phone_last4": tracker.get_slot("ticket_phone_last4")}
        try:
            view = TicketClient().citizen_action(code, action, proof, **body)
        except TicketServiceError as exc:
            logger.warning("%s for %s not recorded: %s", action, code, exc)
            say(dispatcher, tracker, "reopen_refused" if exc.status == 409 and kind == "reopen"
                else "ticket_reply_failed", code=code)
            return _done()
        say(dispatcher, tracker, said, code=code, rating=body.get("rating", ""),
            state=view.get("state", ""))
        return _done()
