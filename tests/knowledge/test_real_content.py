"""The shipped knowledge base answers key questions through the real action."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerQuestion
from bot.action_lib.knowledge.store import KnowledgeBase
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


@pytest.mark.parametrize(("question", "slots", "offer"), [
    ("Cán bộ BHXH đòi tiền mới giải quyết hồ sơ thì tố cáo ở đâu ạ?", {}, "Gửi nội dung này"),
    ("cho e hoi muon to cao can bo bhxh thi lam sao a", {}, "Gửi phiếu yêu cầu"),
    ("so tien rut bhxh 1 lan cua e bi tinh thieu", {}, "Gửi nội dung này"),
    ("Can someone check my social insurance record? I'm a foreign employee.",
     {"language": "en"}, "Send this"),
])
def test_a_question_only_an_officer_can_settle_gets_the_ticket_offer(
    shipped: KnowledgeBase, question: str, slots: dict, offer: str
) -> None:
    """Answered (or "did you mean") and, in the question's language, one button that sends
    the matter as a ticket: the story itself ("Send this"), or a ticket to tell it in."""
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion(shipped).run(dispatcher, make_tracker(question, slots=slots), {})
    last = dispatcher.messages[-1]
    assert [b["title"] for b in last["buttons"]] == [offer]
    assert last["buttons"][0]["payload"] == "/file_complaint"
    assert len(dispatcher.messages) > 1  # the answer or the choice came first


@pytest.mark.parametrize("question", [
    "Lương hưu được tính như thế nào?", "muc dong bhxh tu nguyen la bao nhieu",
    "What is the VSS hotline number",
])
def test_a_plain_question_gets_no_ticket_offer(shipped: KnowledgeBase, question: str) -> None:
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion(shipped).run(dispatcher, make_tracker(question), {})
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert "/file_complaint" not in payloads and dispatcher.messages
