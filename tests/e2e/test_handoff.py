"""Asking for a human through Rasa's REST channel at stated instants (tests/instants.py): inside
office hours the live handoff starts; outside them the reply says when officers are next at work
(the ticket service's office hours and working-day calendar) and offers a ticket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from tests.e2e.conftest import Chat
from tests.instants import DAY_BEFORE_TET, LUNCH_BREAK, SUNDAY_NIGHT, WORKING_MORNING


def test_inside_office_hours_the_live_handoff_starts(chat: Chat, at: Callable) -> None:
    at(WORKING_MORNING)
    messages = chat.say("cho tôi gặp cán bộ")
    text = "\n".join(m.get("text", "") for m in messages)
    assert "kết nối bạn với cán bộ" in text and "tỉnh/thành phố" in text
    assert [b for m in messages for b in m.get("buttons", [])] == []


@pytest.mark.parametrize(("moment", "next_open"), [
    (LUNCH_BREAK, "thứ Tư, ngày 09/12/2026, lúc 13:00"),
    (SUNDAY_NIGHT, "thứ Hai, ngày 07/12/2026, lúc 07:30"),
    (DAY_BEFORE_TET, "thứ Năm, ngày 11/02/2027, lúc 07:30"),  # after the 7 days of Tết
], ids=["lunch-break", "sunday-night", "day-before-tet"])
def test_outside_office_hours_the_reply_says_when_and_offers_a_ticket(
    chat: Chat, at: Callable, moment: datetime, next_open: str
) -> None:
    at(moment)
    messages = chat.say("cho tôi gặp cán bộ")
    text = "\n".join(m.get("text", "") for m in messages)
    assert "ngoài giờ làm việc" in text and next_open in text, text
    assert [b["payload"] for m in messages for b in m.get("buttons", [])] == ["/file_complaint"]


def test_asking_for_a_human_mid_form_resumes_the_form(chat: Chat) -> None:
    first = chat.say_text("tôi muốn gửi khiếu nại về lương hưu")
    assert "tỉnh/thành phố" in first or "mô tả" in first
    reply = chat.say_text("cho tôi gặp cán bộ")
    assert "Chúng ta tiếp tục phiếu bạn đang điền." in reply
    assert first.splitlines()[-1] in reply  # the form asks its question again
