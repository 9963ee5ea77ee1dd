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
