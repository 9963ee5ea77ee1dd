"""Asking for a human through Rasa's REST channel, with the ticket service's office hours."""

from __future__ import annotations

import requests

from tests.e2e.conftest import Chat
from tests.stack import TICKETS_TOKEN, Stack


def office_hours(stack: Stack) -> dict:
    return requests.get(f"{stack.tickets_url}/api/v1/office-hours", timeout=10,
                        headers={"Authorization": f"Bearer {TICKETS_TOKEN}"}).json()


def test_asking_for_a_human_tells_when_officers_are_available(stack: Stack) -> None:
    before = office_hours(stack)
    messages = Chat(stack).say("cho tôi gặp cán bộ")
    after = office_hours(stack)
    text = "\n".join(m.get("text", "") for m in messages)
    buttons = [b["payload"] for m in messages for b in m.get("buttons", [])]
    if before["open"] and after["open"]:  # the live handoff starts (tests/e2e/test_live_handoff)
        assert "kết nối bạn với cán bộ" in text and buttons == []
    elif not before["open"] and not after["open"]:
        next_open = before["next_open"]
        assert f"ngày {next_open[8:10]}/{next_open[5:7]}/{next_open[:4]}, lúc " \
               f"{next_open[11:16]}" in text
        assert buttons == ["/file_complaint"]


def test_asking_for_a_human_mid_form_resumes_the_form(chat: Chat) -> None:
    first = chat.say_text("tôi muốn gửi khiếu nại về lương hưu")
    assert "tỉnh/thành phố" in first or "mô tả" in first
    reply = chat.say_text("cho tôi gặp cán bộ")
    assert "Chúng ta tiếp tục phiếu bạn đang điền." in reply
    assert first.splitlines()[-1] in reply  # the form asks its question again
