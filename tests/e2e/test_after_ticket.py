"""The conversation goes on after the ticket, through every process over Rasa's REST channel:
an officer's information request answered in the chat resumes the clock (the moved deadline is
announced with its reason), a transfer names the new office, and after the decision the
citizen reopens the ticket and then rates the new decision from the chat."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Chat
from tests.e2e.test_intake_to_staff import CODE, bot_texts
from tests.instants import WORKING_MORNING
from tests.stack import TICKETS_TOKEN, Stack

STORY = ("Tôi nộp hồ sơ hưởng trợ cấp thất nghiệp ở Hà Nội từ đầu tháng 10 đến nay vẫn chưa "
         "được chi trả, gọi điện hỏi thì không ai trả lời.")
PASSWORD = "Mat-khau-e2e-2026"
ANSWER = "Tôi đã gửi bản sao quyết định nghỉ việc qua bưu điện ngày 8/12."


@pytest.fixture(autouse=True)
def _working_morning(at: Callable) -> None:
    at(WORKING_MORNING)


def wait_for_bot(stack: Stack, chat: Chat, words: str, seconds: float = 60) -> str:
    """The bot message containing ``words`` once the deliver process put it in the chat."""
    deadline = time.monotonic() + seconds
    while True:
        found = [t for t in bot_texts(stack, chat.sender) if words in t]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"never delivered: {words!r}"
        time.sleep(0.5)


def ticket(stack: Stack, code: str) -> dict[str, Any]:
    return requests.get(f"{stack.tickets_url}/api/v1/tickets/{code}", timeout=10,
                        headers={"Authorization": f"Bearer {TICKETS_TOKEN}"}).json()


def file_from_the_story(chat: Chat) -> str:
    """Story first: the story is offered, the button starts the form without asking the
    description again; returns the code."""
    offer = chat.say(STORY)
    assert [b["payload"] for m in offer for b in m.get("buttons", [])] == ["/file_complaint"]
    question = chat.say_text("/file_complaint")
    if "tỉnh/thành phố" in question:  # the NLU was unsure ("did you mean"): the place is asked
        question = chat.say_text("Hà Nội")
    assert "Xã/phường" in question  # kind and topic known; the story is the description (below)
    for answer in ("bo qua", "Nguyen Thi Lan", "0912 345 678", "bo qua", "dong y"):
        said = chat.say_text(answer)
    assert STORY[:60] in said and "Khiếu nại" in said and "Bảo hiểm thất nghiệp" in said
    receipt = chat.say_text("dạ đúng")
    match = CODE.search(receipt)
    assert match, receipt
    return match.group()


def test_information_transfer_deadline_reopen_and_rating_from_the_chat(
    chat: Chat, stack: Stack, at: Callable
) -> None:
    code = file_from_the_story(chat)
    officer = stack.staff_session("bhxh.ha-noi", "officer.after", PASSWORD)
    base = f"{stack.tickets_url}/api/v1/tickets/{code}"

    def act(step: str, body: dict[str, Any] | None = None) -> None:
        response = officer.post(f"{base}/{step}", json=body, timeout=30)
        assert response.status_code == 200, response.text

    for step in ("accept", "claim"):
        act(step)
    due_before = ticket(stack, code)["deadlines"]["resolution"]
    act("request-info", {"body": "Bạn gửi giúp bản sao quyết định nghỉ việc."})
    asked = wait_for_bot(stack, chat, "Cán bộ đề nghị bạn bổ sung")
    assert "tin nhắn tiếp theo của bạn sẽ được chuyển đến cán bộ" in asked
    assert ticket(stack, code)["state"] == "waiting_citizen"

    at(WORKING_MORNING + timedelta(days=3))  # Thursday: three working days paused
    assert f"vào phiếu {code}" in chat.say_text(ANSWER)
    after = ticket(stack, code)
    assert after["state"] == "in_progress"  # the citizen's answer resumed the clock
    assert after["deadlines"]["resolution"] > due_before
    moved = wait_for_bot(stack, chat, "được lùi đến ngày")
    assert "(3 ngày làm việc)" in moved

    login = requests.post(f"{stack.tickets_url}/api/v1/auth/login", timeout=30,
                          json={"username": "officer.after", "password": PASSWORD})
    officer.headers["Authorization"] = f"Bearer {login.json()['token']}"  # three days later

    act("transfer", {"to_unit_code": "bhxh.nghe-an", "reason": "Người lao động cư trú ở Nghệ An"})
    transferred = wait_for_bot(stack, chat, "đã được chuyển đến")
    assert "Bảo hiểm xã hội tỉnh Nghệ An" in transferred and "đã thụ lý" not in transferred

    handler = stack.staff_session("bhxh.nghe-an", "officer.nghean", PASSWORD)
    for step, body in (("claim", None), ("resolve", {"resolution": "Đã chi trả đủ."})):
        assert handler.post(f"{base}/{step}", json=body, timeout=30).status_code == 200
    decided = wait_for_bot(stack, chat, "Đã chi trả đủ.")
    assert "từ 1 (không hài lòng) đến 5" in decided and "trong 30 ngày" in decided
    assert "lý do" in chat.say_text("Mở lại yêu cầu")
    assert "đã được mở lại" in chat.say_text("Tôi chưa nhận được tiền tháng 11.")
    assert ticket(stack, code)["state"] != "resolved"

    assert handler.post(f"{base}/resolve", json={"resolution": "Đã chi trả tháng 11."},
                        timeout=30).status_code == 200
    wait_for_bot(stack, chat, "Đã chi trả tháng 11.")
    assert "4/5" in chat.say_text("4")
    assert ticket(stack, code)["rating"] == 4
