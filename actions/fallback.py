"""The two-stage fallback: "did you mean…", "say it another way", then a human or a ticket."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import story
from actions.knowledge import shared_knowledge
from actions.offer import offer_if_for_an_officer, offer_story
from actions.replies import LABELS, button, language_of, say
from bot.action_lib.knowledge.policy import suggestions, thresholds
from bot.common.user_text import typed

MIN_CONFIDENCE = 0.1
MAX_CHOICES = 3


class ActionAskAffirmation(Action):
    """Offers the likeliest intents and answers as buttons, plus "something else".

    "Something else" sends ``/out_of_scope``, which the two-stage fallback takes as a
    no: it asks to rephrase, and after a second miss offers a human or a ticket. A story the
    NLU is unsure of (a complaint among the likely intents, or a message that asks for what
    only an officer can do: ``story.wants_action``) is offered as a ticket with one
    button instead; the button's turn takes the story as the description
    (``actions.intake._told_before``).
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intents = _likely_intents(tracker)
        message = (tracker.latest_message or {}).get("text") or ""
        if (typed(message) and story.is_story(message)
                and ("file_complaint" in intents or story.wants_action(message))):
            offer_story(dispatcher, language_of(tracker), message)
            return []
        choices = [button(tracker, name, f"/{name}") for name in intents]
        choices += _likely_answers(tracker)
        choices = choices[:MAX_CHOICES] + [button(tracker, "something_else", "/out_of_scope")]
        say(dispatcher, tracker, "did_you_mean", buttons=choices)
        return []


def _likely_intents(tracker: Tracker) -> list[str]:
    """Intents worth offering: named in LABELS (never abuse or out of scope), likely enough."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return [r["name"] for r in ranking
            if r["name"] in LABELS and r.get("confidence", 0) >= MIN_CONFIDENCE][:2]


def _likely_answers(tracker: Tracker) -> list[dict[str, str]]:
    """Knowledge-base entries close to the message, as ``/ask_question{"kb_entry": id}``."""
    snapshot = shared_knowledge().snapshot()
    text = (tracker.latest_message or {}).get("text") or ""
    hits = suggestions(snapshot.index.search(text), thresholds(snapshot.index))
    language = language_of(tracker)
    return [{"title": snapshot.entries[hit.entry_id].questions[language][0],
             "payload": f'/ask_question{{"kb_entry":"{hit.entry_id}"}}'} for hit in hits[:2]]


class ActionAskRephrase(Action):
    """The second stage: ask the citizen to say it another way."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "rephrase")
        return []


class ActionGiveUp(Action):
    """After a second miss: offer a human or a ticket, and forget the message not understood."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        choices = [button(tracker, "human", "/request_human"),
                   button(tracker, "ticket", "/file_complaint")]
        say(dispatcher, tracker, "give_up", buttons=choices)
        return [UserUtteranceReverted()]


class ActionOutOfScope(Action):
    """The out-of-scope reply, unless the message asks for what only an officer can do
    ("My record has the wrong nationality. Can someone check?"): that is offered as a ticket."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = (tracker.latest_message or {}).get("text") or ""
        if not offer_if_for_an_officer(dispatcher, language_of(tracker), message):
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
