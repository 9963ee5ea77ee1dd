"""The rasa-sdk actions with real Tracker and CollectingDispatcher objects."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerQuestion, ActionStoreFeedback
from bot.action_lib.knowledge.store import KnowledgeBase
from tests.knowledge.helpers import make_entry, make_tracker, write_topic


def _run(action: object, tracker: object) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})  # type: ignore[attr-defined]
    return dispatcher.messages, events


def _payload(button: dict) -> tuple[str, dict]:
    intent, _, body = button["payload"][1:].partition("{")
    return intent, json.loads("{" + body)


def test_confident_answer_in_vietnamese_with_legal_basis(kb: KnowledgeBase) -> None:
    messages, events = _run(ActionAnswerQuestion(kb), make_tracker("tong dai bhxh la so nao"))
    body = messages[0]["text"]
    assert body.startswith("Câu hỏi: Số tổng đài BHXH là gì?\n\nTrả lời hotline.")
    assert "Căn cứ pháp lý: Luật 41/2024/QH15, Điều 70." in body
    assert "Áp dụng từ 01/07/2025." in body
    assert events == [SlotSet("kb_entry", "hotline")]
    feedback = [_payload(b) for b in messages[-1]["buttons"]]
    assert feedback == [
        ("knowledge_feedback", {"kb_entry": "hotline", "helpful": "yes"}),
        ("knowledge_feedback", {"kb_entry": "hotline", "helpful": "no"}),
    ]


def test_english_slot_gives_the_english_answer(kb: KnowledgeBase) -> None:
    tracker = make_tracker("what is the VSS hotline number", slots={"language": "en"})
    messages, _ = _run(ActionAnswerQuestion(kb), tracker)
    assert messages[0]["text"].startswith(
        "Question: What is the VSS hotline number?\n\nAnswer hotline."
    )
    assert "Legal basis:" in messages[0]["text"]
    assert messages[-1]["text"] == "Was this helpful?"


def test_without_a_language_slot_the_matched_variant_decides(kb: KnowledgeBase) -> None:
    messages, _ = _run(ActionAnswerQuestion(kb), make_tracker("how long is maternity leave"))
    assert messages[0]["text"].startswith(
        "Question: How much maternity benefit do I get?\n\nAnswer maternity."
    )


def test_kb_entry_entity_answers_that_entry(kb: KnowledgeBase) -> None:
    payload = '/ask_question{"kb_entry":"one_time"}'
    tracker = make_tracker(payload, entities=[{"entity": "kb_entry", "value": "one_time"}])
    messages, events = _run(ActionAnswerQuestion(kb), tracker)
    assert messages[0]["text"].startswith(
        "Câu hỏi: Rút bảo hiểm xã hội một lần cần điều kiện gì?\n\nTrả lời one_time."
    )
    assert events == [SlotSet("kb_entry", "one_time")]


def test_ended_rule_says_so(kb_dir: Path) -> None:
    old = make_entry(
        "covid",
        ["Hỗ trợ covid cho hộ kinh doanh"],
        ["Covid support"],
        valid_from="2021-05-01",
        valid_to="2022-01-31",
    )
    write_topic(kb_dir, "covid", [old])
    messages, _ = _run(ActionAnswerQuestion(KnowledgeBase(kb_dir)), make_tracker("ho tro covid"))
    assert "đã hết hiệu lực: chỉ áp dụng từ 01/05/2021 đến 31/01/2022" in messages[0]["text"]


def test_unsure_offers_at_most_three_did_you_mean_buttons(tmp_path: Path) -> None:
    similar = [
        make_entry(f"card_{n}", [f"Thẻ bảo hiểm y tế loại {n} cấp ở đâu?"], [f"Card type {n}?"])
        for n in range(5)
    ]
    write_topic(tmp_path, "cards", similar)
    tracker = make_tracker("the bhyt", channel="facebook")
    messages, events = _run(ActionAnswerQuestion(KnowledgeBase(tmp_path)), tracker)
    assert events == []
    assert len(messages) == 1 and messages[0]["text"].startswith("Tôi chưa chắc")
    buttons = [_payload(b) for b in messages[0]["buttons"]]
    assert 1 <= len(buttons) <= 3
    assert all(
        intent == "ask_question" and body["kb_entry"].startswith("card_")
        for intent, body in buttons
    )


@pytest.mark.parametrize(("slots", "expected"), [({}, "Xin lỗi"), ({"language": "en"}, "Sorry")])
def test_nothing_fits_offers_a_human_or_a_ticket(
    kb: KnowledgeBase, slots: dict, expected: str
) -> None:
    tracker = make_tracker("xyz qwv", slots=slots)
    messages, events = _run(ActionAnswerQuestion(kb), tracker)
    assert events == []
    assert messages[0]["text"].startswith(expected)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/file_complaint"]



def test_feedback_is_stored_with_the_question_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "nested" / "feedback.db"
    monkeypatch.setenv("KNOWLEDGE_FEEDBACK_DB", str(db))
    tracker = make_tracker(
        '/knowledge_feedback{"kb_entry":"hotline","helpful":"no"}',
        channel="zalo",
        entities=[{"entity": "kb_entry", "value": "hotline"}, {"entity": "helpful", "value": "no"}],
        history=["tổng đài bhxh, sdt của tôi 0912345678"],
    )
    messages, _ = _run(ActionStoreFeedback(), tracker)
    assert messages[0]["text"].startswith("Cảm ơn bạn.")
    rows = (
        sqlite3.connect(db)
        .execute("SELECT kb_entry, helpful, language, channel, question FROM feedback")
        .fetchall()
    )
    assert rows == [("hotline", 0, "vi", "zalo", "tổng đài bhxh, sdt của tôi **********")]


def test_feedback_without_entities_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "feedback.db"
    monkeypatch.setenv("KNOWLEDGE_FEEDBACK_DB", str(db))
    messages, _ = _run(
        ActionStoreFeedback(), make_tracker("/knowledge_feedback", slots={"language": "en"})
    )
    assert messages[0]["text"] == "Sorry, I could not record this feedback."
    assert not db.exists()


def test_a_stale_button_for_a_removed_entry_says_it_does_not_know(kb: KnowledgeBase) -> None:
    payload = '/ask_question{"kb_entry":"removed_entry"}'
    tracker = make_tracker(payload, entities=[{"entity": "kb_entry", "value": "removed_entry"}])
    messages, events = _run(ActionAnswerQuestion(kb), tracker)
    assert events == []
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/file_complaint"]



def test_an_answer_offers_its_related_entries_as_buttons(tmp_path: Path) -> None:
    write_topic(tmp_path, "t", [
        make_entry("hotline", ["Số tổng đài BHXH là gì?"], ["What is the VSS hotline?"],
                   related=["office"]),
        make_entry("office", ["Trụ sở BHXH ở đâu?"], ["Where is the VSS office?"]),
    ])
    tracker = make_tracker("/ask_question", entities=[{"entity": "kb_entry", "value": "hotline"}])
    messages, events = _run(ActionAnswerQuestion(KnowledgeBase(tmp_path)), tracker)
    assert events == [SlotSet("kb_entry", "hotline")]
    assert messages[1]["text"] == "Câu hỏi liên quan:"
    assert [_payload(b) for b in messages[1]["buttons"]] == [("ask_question",
                                                               {"kb_entry": "office"})]
    assert messages[-1]["text"] == "Câu trả lời có hữu ích không?"


def test_a_missing_capability_gets_a_plain_no_with_a_human_or_a_ticket(kb: KnowledgeBase) -> None:
    tracker = make_tracker("có gửi được email xác nhận phiếu cho tôi không?")
    messages, events = _run(ActionAnswerQuestion(kb), tracker)
    assert events == []
    assert len(messages) == 1 and messages[0]["text"].startswith("Không, trợ lý này chưa gửi")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/file_complaint"]


def test_asking_to_attach_a_photo_gets_a_yes_and_how(kb: KnowledgeBase) -> None:
    messages, _ = _run(ActionAnswerQuestion(kb), make_tracker("gửi kèm ảnh sổ BHXH được không"))
    assert len(messages) == 1 and messages[0]["text"].startswith("Có. Bạn gửi ảnh")
