"""The shipped knowledge base answers key questions through the real action."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerQuestion
from bot.knowledge.store import KnowledgeBase
from tests.knowledge.helpers import make_tracker


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.mark.parametrize(
    ("question", "slots"),
    [
        ("tổng đài bảo hiểm xã hội là số nào", {}),
        ("tong dai bhxh la so nao", {}),
        ("what is the VSS hotline number", {"language": "en"}),
    ],
)
def test_hotline_answer_contains_the_number(
    shipped: KnowledgeBase, question: str, slots: dict
) -> None:
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion(shipped).run(dispatcher, make_tracker(question, slots=slots), {})
    assert "1900 9068" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    "question", ["thời tiết hôm nay thế nào", "gia vang hom nay", "bitcoin price"]
)
def test_off_topic_questions_get_a_human_or_a_ticket(shipped: KnowledgeBase, question: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion(shipped).run(dispatcher, make_tracker(question), {})
    payloads = [button["payload"] for button in dispatcher.messages[-1]["buttons"]]
    assert payloads == ["/request_human", "/file_complaint"]


def test_an_ended_covid_policy_is_answered_as_ended(shipped: KnowledgeBase) -> None:
    entity = [{"entity": "kb_entry", "value": "res68_household_business"}]
    tracker = make_tracker('/ask_question{"kb_entry":"res68_household_business"}', entities=entity)
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion(shipped).run(dispatcher, tracker, {})
    assert "3.000.000 đồng" in dispatcher.messages[0]["text"]
    assert (
        "đã hết hiệu lực: chỉ áp dụng từ 01/07/2021 đến 31/01/2022"
        in dispatcher.messages[0]["text"]
    )
