"""The intake form: questions, per-slot validation, summary, submission and cancellation."""

from __future__ import annotations

import json
import logging
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fields, story
from actions.knowledge import ActionAnswerQuestion
from actions.offer import offer_story
from actions.replies import button, label, language_of, say, text
from bot.common.pii import mask
from bot.common.textnorm import fold
from bot.common.tickets import TicketClient, TicketServiceError, idempotency_key, mask_receipts
from bot.common.user_text import typed
from bot.common.vocabulary import about_staff_routed_above

logger = logging.getLogger(__name__)

FORM_SLOTS = (
    "description", "ticket_kind", "topic", "office_level", "province", "commune", "full_name",
    "phone", "id_number", "consent", "confirmed",
)
EDITABLE = tuple(s for s in FORM_SLOTS[:-2] if s != "office_level")
NOT_ABOUT_STAFF = "none"  # office_level of a matter that is not about VSS staff
LEVELS = ("grassroots", "province", "central")
# Topics offered as buttons (any other can be typed).
TOPIC_BUTTONS = ("pension", "one_time_withdrawal", "si_book_hi_card", "unemployment",
                 "staff_conduct", "other")
# Slots whose answers cannot be questions: a question there is a digression.
_NO_DIGRESSION = ("description",)


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def _shown(tracker: Tracker, slot: str) -> str:
    value = tracker.get_slot(slot)
    if slot in ("ticket_kind", "topic"):
        return label(tracker, value)
    if value in (None, fields.SKIPPED):
        return "—"
    return value if len(value) <= 200 else value[:197] + "..."


def _ask(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Send the question for ``slot`` with the buttons that answer it; the summary also
    settles the office a matter about staff concerns (``about_unit_code``)."""
    kind = tracker.get_slot("ticket_kind")
    skip = [button(tracker, "skip", "bỏ qua")]
    if slot == "ticket_kind":
        say(dispatcher, tracker, "ask_ticket_kind", buttons=[
            button(tracker, k, _payload("inform", ticket_kind=k)) for k in fields.KINDS])
    elif slot == "topic":
        say(dispatcher, tracker, "ask_topic", buttons=[
            button(tracker, t, _payload("inform", topic=t)) for t in TOPIC_BUTTONS])
    elif slot == "description":
        say(dispatcher, tracker, "ask_description", min=fields.MIN_DESCRIPTION)
    elif slot == "office_level":
        say(dispatcher, tracker, "ask_office_level", buttons=[
            button(tracker, f"level_{level}", text(tracker, f"level_{level}"))
            for level in LEVELS])
    elif slot == "full_name" and kind in fields.NAME_REQUIRED:
        protected = text(tracker, "denouncer_protected") if kind == "denunciation" else ""
        say(dispatcher, tracker, "ask_full_name_required", kind_lower=label(tracker, kind).lower(),
            protected=protected)
    elif slot in ("full_name", "commune", "id_number"):
        key = "ask_full_name_optional" if slot == "full_name" else f"ask_{slot}"
        say(dispatcher, tracker, key, buttons=skip)
    elif slot == "consent":
        say(dispatcher, tracker, "ask_consent", buttons=[
            button(tracker, "agree", "/affirm"), button(tracker, "disagree", "/deny")])
    elif slot == "confirmed":
        lines = "\n".join(text(tracker, "summary_line", label=label(tracker, s),
                               value=_shown(tracker, s)) for s in EDITABLE)
        about = about_unit(tracker)
        lines += _routing_line(tracker, about)
        say(dispatcher, tracker, "summary", lines=lines, buttons=[
            button(tracker, "send", "/affirm"), button(tracker, "edit", "/deny"),
            button(tracker, "cancel", "/stop")])
        return [SlotSet("about_unit_code", about["code"] if about else None)]
    else:
        say(dispatcher, tracker, f"ask_{slot}")
    return []


def about_unit(tracker: Tracker) -> dict[str, Any] | None:
    """The VSS office a complaint or denunciation about staff concerns (``code``, names), from
    the level the story named or the citizen chose and the place; None when it is not about
    staff, the place does not say which office, or the service cannot be reached."""
    level = tracker.get_slot("office_level")
    topic = tracker.get_slot("topic") or "other"
    if level not in LEVELS or not about_staff_routed_above(_filing_kind(tracker), topic):
        return None
    try:
        return TicketClient().unit_concerned(level, _given(tracker, "province"),
                                             _given(tracker, "commune"))
    except TicketServiceError as exc:
        logger.warning("office concerned not resolved: %s", exc)
        return None


def _routing_line(tracker: Tracker, about: dict[str, Any] | None) -> str:
    """For misconduct: which office the matter concerns and that it goes to the unit above
    (a grassroots office the place does not name: the provincial office above them all)."""
    level = tracker.get_slot("office_level")
    topic = tracker.get_slot("topic") or "other"
    if about is not None:
        name = about.get("name_en" if language_of(tracker) == "en" else "name_vi") or about["code"]
    elif level == "grassroots" and about_staff_routed_above(_filing_kind(tracker), topic):
        name = text(tracker, "level_grassroots")
    else:
        return ""
    try:
        preview = TicketClient().preview_routing(
            _filing_kind(tracker), topic, _given(tracker, "province"),
            about_unit_code=about["code"] if about else None)
    except TicketServiceError:
        return "\n" + text(tracker, "summary_above_unknown", concerned=name)
    unit = preview.get("unit") or {}
    above = unit.get("name_en" if language_of(tracker) == "en" else "name_vi") or unit.get("code")
    return "\n" + text(tracker, "summary_above", concerned=name, above=above)


class AskSlot(Action, ABC):
    """Asks for one slot of the intake form (``action_ask_<slot>``)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("cancel_asked"):  # "are you sure?" was the question
            return []
        return _ask(self.slot, dispatcher, tracker)


# One registered action per slot, e.g. ``action_ask_phone``.
ASK_ACTIONS = {slot: type(f"Ask_{slot}", (AskSlot,), {"slot": slot}) for slot in FORM_SLOTS}


class FormAnswers(FormValidationAction, ABC):
    """Validates each answer of a form asking the intake's fields (the intake and the handoff
    forms); re-asks with a reason, explains after two failures.

    A question asked instead of an answer (other than for the description) is answered
    from the knowledge base and the form asks again, without counting a failure.
    """

    @abstractmethod
    def name(self) -> str:
        """The form's validation action (abstract: rasa-sdk registers only the forms)."""

    def validate_ticket_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("ticket_kind", value, dispatcher, tracker)

    def validate_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("topic", value, dispatcher, tracker)

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("description", value, dispatcher, tracker)

    def validate_office_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("office_level", value, dispatcher, tracker)

    def validate_province(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("province", value, dispatcher, tracker)

    def validate_commune(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("commune", value, dispatcher, tracker)

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("full_name", value, dispatcher, tracker)

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("phone", value, dispatcher, tracker)

    def validate_id_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("id_number", value, dispatcher, tracker)

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("consent", value, dispatcher, tracker)

    def _validate(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """The answer for ``slot`` parsed by ``_PARSERS``, kept or refused."""
        # One message can name two values ("đòi tiền khi rút 1 lần"): the first valid wins.
        candidates = (value or [None]) if isinstance(value, list) else [value]
        results = [_PARSERS[slot](candidate, tracker) for candidate in candidates]
        parsed = next((r for r in results if r[0] is not None), results[-1])
        checked = self._check(slot, *parsed, dispatcher, tracker)
        if slot == "description" and checked.get("description"):
            checked.update(inferred(checked["description"], tracker))
        return checked

    def _check(
        self,
        slot: str,
        parsed: Any,
        error: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """Keep the parsed value, or refuse it with ``error`` (a digression is answered)."""
        if parsed is not None:
            return {slot: parsed, "failed_attempts": 0}
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if intent == "ask_question" and slot not in _NO_DIGRESSION and not _repeated(tracker):
            events = ActionAnswerQuestion().run(dispatcher, tracker, {})
            return {slot: None, **{e["name"]: e["value"] for e in events}}
        fallback = _optional_default(slot, tracker)
        if failures >= 2 and fallback is not None:
            say(dispatcher, tracker, "level_moving_on" if slot == "office_level" else "moving_on",
                field=label(tracker, slot))
            return {slot: fallback, "failed_attempts": 0}
        say(dispatcher, tracker, error, min=fields.MIN_DESCRIPTION, max=fields.MAX_DESCRIPTION)
        if failures >= 2:
            say(dispatcher, tracker, "explain", field=label(tracker, slot), buttons=[
                button(tracker, "stop", "/stop"), button(tracker, "human", "/request_human")])
        return {slot: None, "failed_attempts": failures}



class ValidateIntakeForm(FormAnswers):
    """The intake form's answers. Every message reaches the form (no rule stops it on the NLU's
    guess): the message itself decides, deterministically, whether it cancels (asked once when
    the form holds answers), edits a field it names ("sửa tên"), or answers; the personal
    details it states besides the answer ("Tôi tên là …, số điện thoại …") fill their slots too.
    """

    def name(self) -> str:
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The cancellation and edit requests first, then the answer and its extra details."""
        requested = tracker.get_slot("requested_slot")
        message = (tracker.latest_message or {}).get("text") or ""
        if requested is None:
            return await super().run(dispatcher, tracker, domain)
        decided = _steer(requested, message, dispatcher, tracker)
        if decided is not None:
            return [SlotSet(slot, value) for slot, value in decided.items()]
        events = await super().run(dispatcher, tracker, domain)
        return events + _extra_details(requested, message, tracker, events)

    def validate_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Send on yes (the request is frozen now, see ``submission``); on "change X" clear X
        so the form asks it again, then re-confirms."""
        answer = _yes_no(value, tracker)
        if answer is True:
            return {"confirmed": True, "intake_end": "confirmed",
                    "submission": tracker.get_slot("submission") or submission(tracker)}
        field = value if value in EDITABLE else (
            fields.edit_request(value, at_summary=True) if isinstance(value, str) else None)
        if field:
            return {"confirmed": None, field: None}
        say(dispatcher, tracker, "ask_edit", buttons=[
            button(tracker, s, _payload("inform", edit_field=s)) for s in EDITABLE])
        return {"confirmed": None}


def _repeated(tracker: Tracker) -> bool:
    """Whether the citizen typed the same words as in their previous message: an answer the
    NLU takes for a question, given again, is a failed answer, not a new question (it must not
    loop for ever)."""
    said = [fold(fields.spaces(e.get("text") or "")) for e in tracker.events
            if e.get("event") == "user" and typed(e.get("text") or "")]
    return len(said) >= 2 and said[-1] == said[-2]


def inferred(description: str, tracker: Tracker) -> dict[str, Any]:
    """The kind, topic, office level and province the story makes plain, for the slots still
    empty (the form asks the others; the summary shows them all for correction)."""
    reading = story.read(description)
    level = reading.level if reading.misconduct else NOT_ABOUT_STAFF
    guesses = {"ticket_kind": reading.kind, "topic": reading.topic, "office_level": level,
               "province": story.province_named(description)}
    return {slot: value for slot, value in guesses.items()
            if value is not None and tracker.get_slot(slot) is None}


class ActionTakeStory(Action):
    """Starts the intake from what the citizen wrote (``action_take_story``).

    A message telling of a problem is offered as a ticket with one button (``intake_offer``
    true; a second story before the button adds to the first). The button, or a yes, starts
    the form with that story as the description and the kind, topic and office level it makes
    plain; a bare request ("tôi muốn khiếu nại") starts the form at once (``intake_offer``
    false)."""

    def name(self) -> str:
        return "action_take_story"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = fields.spaces((tracker.latest_message or {}).get("text") or "")
        held = tracker.get_slot("story")
        if typed(message) and story.is_story(message) and tracker.active_loop_name is None:
            told = f"{held}\n{message}" if held else message
            offer_story(dispatcher, language_of(tracker), told)
            return [SlotSet("story", told), SlotSet("intake_offer", True)]
        events: list[EventType] = [SlotSet("story", None), SlotSet("intake_offer", False)]
        description, _ = fields.parse_description(held or _told_before(tracker) or "")
        if description:
            events.append(SlotSet("description", description))
            events += [SlotSet(slot, value)
                       for slot, value in inferred(description, tracker).items()]
        return events


def _told_before(tracker: Tracker) -> str | None:
    """The citizen's previous typed message when it told a story and no form ran since: a
    question answered from the knowledge base, or a story the NLU was unsure of ("did you
    mean…?"), whose "send this as a complaint" button (or a bare "tôi muốn khiếu nại") comes
    next becomes the description. The raw events are read: the fallback's "did you mean" reverts
    the story's turn and replays the button, but the story is what the citizen wrote."""
    events = tracker.events
    users = [i for i, e in enumerate(events) if e.get("event") == "user"][:-1]
    told = next((i for i in reversed(users) if typed(events[i].get("text") or "")), None)
    if told is None:
        return None
    previous = fields.spaces(events[told].get("text") or "")
    # the two-stage fallback is a loop too, but no form: it keeps the story
    form_since = any(e.get("event") == "active_loop" and str(e.get("name")).endswith("_form")
                     for e in events[told:])
    return previous if story.is_story(previous) and not form_since else None


def _routable(kind: str, topic: str, value: Any) -> str | None:
    """The place as typed when the ticket service can route it (or is unreachable)."""
    province = fields.spaces(value)[:100]
    if not province:
        return None
    try:
        TicketClient().preview_routing(kind, topic, province)
    except TicketServiceError as exc:
        if exc.status == 422:
            return None
    return province


def _province(value: Any, tracker: Tracker) -> tuple[str | None, str]:
    """The place, or ``SKIPPED`` for "bỏ qua" / "skip" when the matter goes to a central unit
    whatever the place (the VssID app, a matter about central staff); refused otherwise with
    why the place is needed."""
    kind, topic = _filing_kind(tracker), tracker.get_slot("topic") or "other"
    if not fields.is_skip(str(value or "")):
        return _routable(kind, topic, value), "province_unknown"
    try:
        TicketClient().preview_routing(kind, topic, None, (about_unit(tracker) or {}).get("code"))
    except TicketServiceError:
        return None, "province_needed"
    return fields.SKIPPED, "province_needed"


def _filing_kind(tracker: Tracker) -> str:
    """The kind of ticket the active form files: the one chosen, an enquiry for the handoff
    form (which does not ask), else a complaint."""
    default = "enquiry" if tracker.active_loop_name == "handoff_form" else "complaint"
    return tracker.get_slot("ticket_kind") or default


def _simple(parse: Callable[[Any], Any], error: str) -> Parser:
    return lambda value, tracker: (parse(value), error)


Parser = Callable[[Any, Tracker], tuple[Any, str]]
# slot: (answer, tracker) -> (value to keep or None, the text key saying why it was refused)
_PARSERS: dict[str, Parser] = {
    "ticket_kind": _simple(fields.parse_kind, "kind_unknown"),
    "topic": _simple(fields.parse_topic, "topic_unknown"),
    "description": lambda value, tracker: fields.parse_description(value),
    "office_level": _simple(lambda value: value if value in (*LEVELS, NOT_ABOUT_STAFF)
                            else story.level_answer(str(value or "")), "office_level_unknown"),
    "province": _province,
    "commune": _simple(fields.parse_commune, "commune_invalid"),
    "full_name": lambda value, tracker: (
        fields.parse_name(value, tracker.get_slot("ticket_kind")), "name_invalid"),
    "phone": _simple(fields.parse_phone, "phone_invalid"),
    "id_number": _simple(fields.parse_id_number, "id_number_invalid"),
    "consent": lambda value, tracker: (
        True if _yes_no(value, tracker) is True else None, "consent_refused"),
}


def _yes_no(value: Any, tracker: Tracker) -> bool | None:
    """The citizen's yes or no: the words of the message first ("dạ đúng", "ok gửi đi",
    "không"), the NLU's affirm/deny (the slot's intent mapping) only when the words are not
    an everyday yes or no."""
    words = fields.yes_no((tracker.latest_message or {}).get("text") or "")
    if words is not None:
        return words
    if isinstance(value, bool):
        return value
    return fields.yes_no(value) if isinstance(value, str) else None


# Optional steps and the value kept after two failed answers (the form moves on).
# A level the citizen cannot name: a grassroots office, the one a citizen deals with (the
# provincial office above it then takes the matter; the summary shows it for correction).
_OPTIONAL = {"commune": fields.SKIPPED, "id_number": fields.SKIPPED, "topic": "other",
             "office_level": "grassroots"}


def _optional_default(slot: str, tracker: Tracker) -> str | None:
    if slot == "full_name" and tracker.get_slot("ticket_kind") not in fields.NAME_REQUIRED:
        return fields.SKIPPED
    return _OPTIONAL.get(slot)


_YES_NO_STEPS = ("consent", "confirmed")


def _holds_answers(tracker: Tracker, requested: str) -> bool:
    """Whether answers were given before this message (which filled the requested slot)."""
    return any(tracker.get_slot(slot) is not None for slot in EDITABLE if slot != requested)


def _steer(
    requested: str, message: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any] | None:
    """The slots to set when the message cancels or edits instead of answering, else None.

    A cancellation asks once ("Bạn chắc chắn muốn hủy…?") when the form holds answers; a yes
    to that question ends the form (``intake_end: cancelled``: the ending action cancels it),
    a no or an answer carries on."""
    yes_no_step = requested in _YES_NO_STEPS
    if tracker.get_slot("cancel_asked"):
        if fields.yes_no(message) is True or fields.cancel_request(message, yes_no_step=True):
            return {"intake_end": "cancelled", "requested_slot": None}
        if fields.yes_no(message) is False:  # the form asks its question again
            return {"cancel_asked": None, requested: None}
        tracker.slots["cancel_asked"] = None
    if fields.cancel_request(message, yes_no_step):
        if not _holds_answers(tracker, requested):
            return {"intake_end": "cancelled", "requested_slot": None}
        say(dispatcher, tracker, "cancel_confirm", buttons=[
            button(tracker, "cancel_yes", "/stop"), button(tracker, "cancel_no", "/deny")])
        return {"cancel_asked": True, requested: None}
    field = None if requested == "description" else fields.edit_request(
        message, at_summary=requested == "confirmed")
    if field and field != requested:
        return {field: None, requested: None, "confirmed": None, "failed_attempts": 0,
                "cancel_asked": None}
    return None


def _extra_details(
    requested: str, message: str, tracker: Tracker, events: list[EventType]
) -> list[EventType]:
    """Slots filled by details the message states besides its answer, when still empty."""
    taken = {e.get("name") for e in events if e.get("event") == "slot"}
    return [SlotSet(slot, value) for slot, value in fields.details(message).items()
            if slot != requested and slot not in taken and tracker.get_slot(slot) is None]


def _clear_form() -> list[EventType]:
    return [SlotSet(slot, None) for slot in (
        *FORM_SLOTS, "submission", "handoff_request", "cancel_asked", "intake_end",
        "about_unit_code", "story", "intake_offer")] + [
        SlotSet("failed_attempts", 0)]


class ActionCancelIntake(Action):
    """Confirms the cancellation and forgets what was entered."""

    def name(self) -> str:
        return "action_cancel_intake"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "intake_cancelled")
        return _clear_form()


class ActionSubmitTicket(Action):
    """Sends the confirmed form to the ticket service and gives the citizen the code; ends a
    form the citizen cancelled (``intake_end``) with the cancellation instead.

    It sends the request frozen in the ``submission`` slot when the citizen confirmed, so any
    retry ("try again", a second confirmation after a crash) re-sends exactly that body under
    the same idempotency key and gets the ticket already made. It never claims success without a
    ticket code; on failure the slots are kept. After success every form slot (with the personal
    numbers) is cleared.
    """

    def name(self) -> str:
        return "action_submit_ticket"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("intake_end") == "cancelled":
            return ActionCancelIntake().run(dispatcher, tracker, domain)
        request = tracker.get_slot("submission") or submission(tracker)
        payload = request["payload"]
        try:
            ticket = TicketClient().create_ticket(payload, request["key"])
        except TicketServiceError as exc:
            logger.warning("ticket not created for conversation %s: %s", tracker.sender_id, exc)
            say(dispatcher, tracker, "ticket_failed",
                buttons=[button(tracker, "try_again", "/file_complaint")])
            return [SlotSet("submission", request)]
        dispatcher.utter_message(text=_confirmation(tracker, ticket, payload["kind"]))
        # The code and the phone's last four digits let this conversation check the status
        # later without asking again; the full number is cleared with the form.
        return [*_clear_form(), SlotSet("ticket_code", ticket["code"]),
                SlotSet("ticket_phone_last4", payload["citizen"]["phone"][-4:])]


def submission(tracker: Tracker) -> dict[str, Any]:
    """The create request of the confirmed form and its idempotency key, built once when the
    citizen confirms (``validate_confirmed``) and kept in the ``submission`` slot.

    Its transcript ends before the confirming message, and the key names the conversation and
    the form's answers: a conversation that lost the turn of its confirmation (Rasa stopped
    before storing it) builds the same request again when the citizen confirms again. A later
    change of language or channel, or more chat, does not change a frozen request: the service
    refuses a reused key with another body."""
    confirming = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"),
                     default=len(tracker.events))
    payload = ticket_payload(tracker, tracker.events[:confirming])
    citizen = payload["citizen"]
    key = idempotency_key(
        tracker.sender_id, payload["kind"], payload["topic"], payload["description"],
        payload["province"] or "", payload["commune"] or "", citizen["name"] or "",
        citizen["phone"], citizen["cccd"] or citizen["bhxh_code"] or "",
        payload["about_unit_code"] or "",
    )
    return {"payload": payload, "key": key}


def _given(tracker: Tracker, slot: str) -> str | None:
    value = tracker.get_slot(slot)
    return None if value in (None, fields.SKIPPED) else value


MAX_TURNS = 100  # the ticket service's limits on a transcript
MAX_TURN_TEXT = 2000


def chat_transcript(
    tracker: Tracker, events: list[dict[str, Any]] | None = None
) -> list[dict[str, str]]:
    """The current conversation for the ticket's staff: the citizen's messages and the
    assistant's answers since the session started (in ``events``, default all the tracker's),
    oldest first, the last ``MAX_TURNS`` of them.

    Button payloads ("/affirm"), intents triggered by a program and empty texts are left out;
    personal numbers and receipts are masked (the ticket holds the phone and CCCD in their own
    fields) and
    each text is cut to ``MAX_TURN_TEXT`` characters."""
    turns: list[dict[str, str]] = []
    for event in tracker.events if events is None else events:
        kind = event.get("event")
        if kind == "session_started":
            turns = []  # an earlier conversation
        if kind not in ("user", "bot"):
            continue
        raw = event.get("text")
        stamp = event.get("timestamp")
        if not isinstance(raw, str) or not isinstance(stamp, int | float):
            continue
        words = mask_receipts(mask(unicodedata.normalize("NFC", raw).strip()))
        words = words[:MAX_TURN_TEXT].strip()
        if not words or (kind == "user" and not typed(words)):
            continue
        turns.append({
            "author": "citizen" if kind == "user" else "assistant",
            "text": words,
            "at": datetime.fromtimestamp(stamp, timezone.utc).isoformat(),
        })
    return turns[-MAX_TURNS:]


def ticket_payload(
    tracker: Tracker, events: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The ticket service's create request from the intake form's slots and the conversation
    (its transcript from ``events``, default all the tracker's)."""
    cccd, bhxh_code = fields.split_id_number(tracker.get_slot("id_number"))
    return create_request(
        tracker, events,
        kind=tracker.get_slot("ticket_kind") or "complaint",
        topic=tracker.get_slot("topic") or "other",
        # Numbers typed in the description are masked: the phone and the CCCD or BHXH code
        # travel in their own fields.
        description=mask(tracker.get_slot("description") or ""),
        commune=_given(tracker, "commune"), cccd=cccd, bhxh_code=bhxh_code,
    )


def create_request(
    tracker: Tracker, events: list[dict[str, Any]] | None, *, kind: str, topic: str,
    description: str, commune: str | None, cccd: str | None, bhxh_code: str | None,
    **extra: Any,
) -> dict[str, Any]:
    """A create request: what the form gives (kind, topic, description, commune, numbers,
    ``extra``) with what every request takes from the conversation (channel, language, name,
    phone, province, unit concerned, consent, the transcript of ``events``)."""
    return {
        "kind": kind,
        "topic": topic,
        "description": description,
        "channel": tracker.get_latest_input_channel() or "rest",
        "conversation_id": tracker.sender_id,
        "language": language_of(tracker),
        "citizen": {"name": _given(tracker, "full_name"), "phone": tracker.get_slot("phone") or "",
                    "cccd": cccd, "bhxh_code": bhxh_code},
        "province": _given(tracker, "province"),
        "commune": commune,
        "about_unit_code": tracker.get_slot("about_unit_code"),
        "consent": tracker.get_slot("consent") is True,
        "transcript": chat_transcript(tracker, events),
        **extra,
    }


def _confirmation(tracker: Tracker, ticket: dict[str, Any], kind: str) -> str:
    """The receipt: code, responsible unit and answer deadline, in the citizen's language."""
    kind_label = label(tracker, kind)
    message = text(tracker, "ticket_created", code=ticket["code"], kind=kind_label,
                   kind_lower=kind_label.lower())
    unit = ticket.get("unit") or {}
    name = unit.get("name_en" if language_of(tracker) == "en" else "name_vi") or unit.get("name_vi")
    if name:
        message += text(tracker, "ticket_unit", unit=name)
    resolution = (ticket.get("deadlines") or {}).get("resolution")
    if resolution:
        due = date.fromisoformat(resolution).strftime("%d/%m/%Y")
        message += text(tracker, "ticket_due", due=due)
    if ticket.get("receipt"):  # the proof of the ticket, shown once: never kept in a slot
        return message + text(tracker, "ticket_receipt", receipt=ticket["receipt"])
    return message + text(tracker, "ticket_keep_code")
