"""Rasa actions answering from the knowledge base and storing "Was this helpful?" votes."""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import Counter
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offer import offer_if_for_an_officer
from bot.action_lib.knowledge.compose import decision_messages, text
from bot.action_lib.knowledge.feedback import record_feedback
from bot.action_lib.knowledge.policy import Decision, chosen_answer, decide
from bot.action_lib.knowledge.schema import LANGUAGES
from bot.action_lib.knowledge.store import DEFAULT_DIR, KnowledgeBase
from bot.common import clock
from bot.common.limits import Message, render

_shared: KnowledgeBase | None = None
# What the knowledge answers were ("unknown": the assistant said it does not know), on the
# action server's /metrics.
DECISIONS = Counter("vss_knowledge_decisions", "Knowledge answers, by outcome", ["kind"])


def shared_knowledge() -> KnowledgeBase:
    """The process-wide knowledge base (``$KNOWLEDGE_DIR`` or ``data/knowledge``)."""
    global _shared
    if _shared is None:
        _shared = KnowledgeBase(os.environ.get("KNOWLEDGE_DIR") or DEFAULT_DIR, background=True)
    return _shared


def _language(tracker: Tracker) -> str | None:
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else None


def _send(dispatcher: CollectingDispatcher, tracker: Tracker, messages: list[Message]) -> None:
    for kwargs in render(messages, tracker.get_latest_input_channel()):
        dispatcher.utter_message(**kwargs)


class ActionAnswerQuestion(Action):
    """Answer the latest question, or ask which of a few, or say we do not know or cannot."""

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        self._knowledge = knowledge

    def name(self) -> str:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        snapshot = (self._knowledge or shared_knowledge()).snapshot()
        language = _language(tracker)
        chosen = next(tracker.get_latest_entity_values("kb_entry"), None)
        if chosen is not None and chosen in snapshot.entries:
            decision = chosen_answer(chosen, snapshot.entries, language)
        else:
            question = tracker.latest_message.get("text") or ""
            # A button payload for an entry that no longer exists is not a question to search.
            decision = (
                Decision("unknown", language or "vi")
                if question.startswith("/")
                else decide(question, snapshot.index, snapshot.entries, language)
            )
        _send(dispatcher, tracker, decision_messages(decision, snapshot.entries, clock.today()))
        # never inside a form: the citizen is filing already
        if decision.kind in ("answer", "choose") and tracker.active_loop_name is None:
            offer_if_for_an_officer(dispatcher, decision.language,
                                    tracker.latest_message.get("text") or "")
        DECISIONS.labels(decision.kind).inc()
        if decision.kind == "answer":
            return [SlotSet("kb_entry", decision.entry_id)]
        return []


def _previous_question(tracker: Tracker) -> str | None:
    """The last thing the user typed before the current message (not a button payload)."""
    user_events = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(user_events[:-1]):
        text = event.get("text") or ""
        if text and not text.startswith("/"):
            return text
    return None


class ActionStoreFeedback(Action):
    """Store a "Was this helpful?" vote for content review and thank the user."""

    def name(self) -> str:
        return "action_store_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = _language(tracker) or "vi"
        entry_id = next(tracker.get_latest_entity_values("kb_entry"), None) or tracker.get_slot(
            "kb_entry"
        )
        helpful = next(tracker.get_latest_entity_values("helpful"), None)
        if not entry_id or helpful not in ("yes", "no"):
            _send(dispatcher, tracker, [Message(text("feedback_missing", language))])
            return []
        record_feedback(
            entry_id,
            helpful == "yes",
            language=language,
            channel=tracker.get_latest_input_channel(),
            question=_previous_question(tracker),
        )
        key = "thanks_yes" if helpful == "yes" else "thanks_no"
        _send(dispatcher, tracker, [Message(text(key, language))])
        return []
