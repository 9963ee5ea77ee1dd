"""The walking skeleton, end to end through Rasa's REST channel with all processes up."""

from __future__ import annotations

import re

import requests

from tests.e2e.conftest import Chat
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack

CODE = re.compile(r"BHXH-\d{4}-\d{6}")


def _tracker(stack: Stack, sender: str) -> dict:
    url = f"{stack.rasa_url}/conversations/{sender}/tracker"
    return requests.get(url, params={"token": RASA_TOKEN}, timeout=10).json()


def test_every_process_reports_healthy(stack: Stack) -> None:
    rasa = requests.get(f"{stack.rasa_url}/webhooks/health/", timeout=5).json()
    assert rasa["status"] == "ok" and rasa["model"].startswith("vss-")
    assert requests.get(f"{stack.actions_url}/health", timeout=5).json()["status"] == "ok"
    assert requests.get(f"{stack.tickets_url}/health", timeout=5).json()["status"] == "ok"


def test_greeting_in_vietnamese_and_english(stack: Stack) -> None:
    assert "Xin chào" in Chat(stack).say_text("xin chào")
    assert "Hello" in Chat(stack).say_text("hello there")


def test_greeting_without_diacritics_is_answered_in_vietnamese(chat: Chat) -> None:
    assert "Xin chào" in chat.say_text("xin chao ban")


def test_knowledge_answer_in_both_languages(stack: Stack) -> None:
    assert "1900 9068" in Chat(stack).say_text("tổng đài bảo hiểm xã hội là số nào")
    assert "1900 9068" in Chat(stack).say_text("what is the VSS hotline number")


def test_complaint_form_creates_a_ticket_readable_through_the_api(chat: Chat, stack: Stack) -> None:
    assert "mô tả" in chat.say_text("toi muon khieu nai").lower()  # the kind came with it
    description = "Tôi nộp hồ sơ hưởng BHXH một lần từ tháng 8 nhưng đến nay chưa được giải quyết."
    assert "tỉnh/thành phố" in chat.say_text(description)  # the topic came with the description
    assert "chưa nhận ra" in chat.say_text("Atlantis")
    assert "Xã/phường" in chat.say_text("binh duong")
    assert "họ và tên" in chat.say_text("bỏ qua")
    assert "điện thoại" in chat.say_text("Nguyễn Văn An")

    assert "chưa hợp lệ" in chat.say_text("12345")
    assert "CCCD" in chat.say_text("0912 345 678")
    assert "13/2023" in chat.say_text("079123456789")
    summary = chat.say_text("đồng ý")
    assert "Bình Dương" in summary and "0912345678" in summary and not CODE.search(summary)
    assert "điện thoại" in chat.say_text('/inform{"edit_field":"phone"}')
    assert "0987654321" in chat.say_text("0987 654 321")  # back at the summary
    receipt = chat.say_text("/affirm")
    match = CODE.search(receipt)
    assert match, receipt

    response = requests.get(
        f"{stack.tickets_url}/api/v1/tickets/{match.group()}",
        headers={"Authorization": f"Bearer {TICKETS_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200
    ticket = response.json()
    assert ticket["code"] == match.group()
    assert ticket["kind"] == "complaint"
    assert ticket["topic"] == "one_time_withdrawal"
    assert ticket["description"] == description
    assert ticket["conversation_id"] == chat.sender
    assert ticket["channel"] == "rest"
    assert ticket["citizen"]["name"] == "Nguyễn Văn An"
    assert ticket["unit"]["code"] == "bhxh.ho-chi-minh"  # Bình Dương merged into HCMC in 2025

    slots = _tracker(stack, chat.sender)["slots"]
    assert slots["ticket_code"] == match.group()
    assert slots["phone"] is None and slots["id_number"] is None and slots["full_name"] is None


def test_a_question_in_the_middle_of_the_form_is_answered_then_the_form_resumes(
    chat: Chat,
) -> None:
    chat.say_text("tôi muốn gửi kiến nghị")
    chat.say_text("/inform{\"topic\":\"other\"}")
    chat.say_text("Thủ tục ở bộ phận một cửa quá rườm rà, phải đi lại nhiều lần.")
    reply = chat.say_text("tổng đài bảo hiểm xã hội là số nào")
    assert "1900 9068" in reply and "tỉnh/thành phố" in reply


def test_language_can_be_switched_at_any_time(chat: Chat) -> None:
    assert "Xin chào" in chat.say_text("xin chào")
    assert "English" in chat.say_text("English please")
    assert "anything else" in chat.say_text("ok")  # an ambiguous reply keeps English
    assert "tiếng Việt" in chat.say_text("chuyển sang tiếng Việt")


def test_stopping_the_form_sends_nothing(chat: Chat) -> None:
    chat.say_text("I want to file a complaint")
    assert "Are you sure" in chat.say_text("stop")  # the kind is an answer already: asked once
    reply = chat.say_text("yes")
    assert "cancelled" in reply
    assert not CODE.search(reply)


def test_conversation_survives_a_rasa_restart(chat: Chat, stack: Stack) -> None:
    chat.say_text("xin chào")
    stack.stop("rasa")
    stack.start_rasa()
    tracker = _tracker(stack, chat.sender)
    texts = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    assert "xin chào" in texts


def test_http_api_requires_the_token(stack: Stack) -> None:
    url = f"{stack.rasa_url}/conversations/nobody/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": RASA_TOKEN}, timeout=10).status_code == 200
