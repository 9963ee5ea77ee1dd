"""The two-stage fallback's custom steps, in both languages."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation, ActionAskRephrase, ActionGiveUp, ActionOutOfScope


def _tracker(text: str, ranking: list[tuple[str, float]], language: str = "vi") -> Tracker:
    latest = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": [],
              "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    return Tracker("conv-1", {"language": language}, latest, [], False, None, None, None)


def test_did_you_mean_offers_likely_intents_by_name_never_abuse() -> None:
    dispatcher = CollectingDispatcher()
    ranking = [("nlu_fallback", 0.5), ("abuse", 0.3), ("request_human", 0.25),
               ("file_complaint", 0.2), ("greet", 0.01)]
    ActionAskAffirmation().run(dispatcher, _tracker("zzz qqq", ranking, "en"), {})
    (message,) = dispatcher.messages
    assert message["text"] == "Did you mean:"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Talk to an officer", "/request_human"),
        ("File a complaint or request", "/file_complaint"),
        ("No, something else", "/out_of_scope"),
    ]


def test_did_you_mean_offers_close_knowledge_base_answers() -> None:
    dispatcher = CollectingDispatcher()
    ActionAskAffirmation().run(dispatcher, _tracker("tong dai", [("nlu_fallback", 0.5)]), {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads[-1] == "/out_of_scope"
    assert any(p.startswith('/ask_question{"kb_entry":') for p in payloads[:-1])


def test_rephrase_then_give_up_with_a_human_or_a_ticket() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker("zzz", [])
    ActionAskRephrase().run(dispatcher, tracker, {})
    events = ActionGiveUp().run(dispatcher, tracker, {})
    assert "nói theo cách khác" in dispatcher.messages[0]["text"]
    assert "1900 9068" in dispatcher.messages[1]["text"]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == [
        "/request_human", "/file_complaint"]
    assert events == [{"event": "rewind", "timestamp": None}]


def test_out_of_scope_is_said_for_what_is_out_of_scope() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker("Who won the World Cup 2022?", [("out_of_scope", 0.9)], "en")
    ActionOutOfScope().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]


def test_a_case_for_an_officer_taken_for_out_of_scope_is_offered_as_a_ticket() -> None:
    dispatcher = CollectingDispatcher()
    text = ("My social insurance record has the wrong nationality and passport number. "
            "Can someone check?")
    ActionOutOfScope().run(dispatcher, _tracker(text, [("out_of_scope", 0.6)], "en"), {})
    (message,) = dispatcher.messages
    assert "I can send what you just told me" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/file_complaint"]
