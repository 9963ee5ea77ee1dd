"""A live chat with an officer through every process: the citizen asks for a human during office
hours over Rasa's REST channel, the conversation pauses, the citizen's messages reach the ticket,
the officer takes the chat, answers and releases it, and the bot answers again; a chat nobody
takes expires and the bot resumes with a ticket offer. Every process runs at a working morning
(tests/instants.py)."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import requests

from tests.e2e.conftest import Chat
from tests.instants import WORKING_MORNING
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack

CODE = re.compile(r"BHXH-\d{4}-\d{6}")
SERVICE = {"Authorization": f"Bearer {TICKETS_TOKEN}"}


@pytest.fixture(autouse=True)
def _working_morning(at: Callable) -> None:
    at(WORKING_MORNING)


def tracker_events(stack: Stack, conversation: str) -> list[dict]:
    answer = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                          params={"token": RASA_TOKEN}, timeout=10)
    answer.raise_for_status()
    return answer.json()["events"]


def wait_for(what: str, check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds:.0f} s"
        time.sleep(0.5)


def bot_said(stack: Stack, conversation: str, words: str) -> bool:
    return any(words in (e.get("text") or "") for e in tracker_events(stack, conversation)
               if e["event"] == "bot")


def ask_for_an_officer(chat: Chat) -> str:
    """The handoff form, typed without diacritics; returns the handoff ticket's code."""
    opening = chat.say_text("cho toi gap can bo")
    assert "kết nối bạn với cán bộ" in opening and "tỉnh/thành phố" in opening
    assert "họ và tên" in chat.say_text("ha noi")
    assert "điện thoại" in chat.say_text("bo qua")
    assert "13/2023" in chat.say_text("0912 345 678")
    waiting = chat.say_text("dong y")
    match = CODE.search(waiting)
    assert match and "trợ lý ảo tạm dừng" in waiting, waiting
    return match.group()


def tickets_of(stack: Stack, conversation: str) -> int:
    with sqlite3.connect(stack.workdir / "tickets.db") as db:
        return db.execute("SELECT count(*) FROM tickets WHERE conversation_id = ?",
                          (conversation,)).fetchone()[0]


def test_an_officer_takes_answers_and_releases_the_chat(chat: Chat, stack: Stack) -> None:
    code = ask_for_an_officer(chat)
    assert chat.say("toi bi mat so bhxh, can cap lai gap") == []  # paused: the bot is silent

    officer = stack.staff_session("bhxh.ha-noi", "officer.chat", "Mat-khau-chat-2026")
    base = f"{stack.tickets_url}/api/v1/tickets/{code}"

    def thread() -> list[str]:
        return [m["body"] for m in officer.get(base, timeout=10).json()["messages"]]

    wait_for("the citizen's message in the ticket's thread",
             lambda: "toi bi mat so bhxh, can cap lai gap" in thread())
    taken = officer.post(f"{base}/take-chat", timeout=30)
    assert taken.status_code == 200 and taken.json()["chat_state"] == "held"
    wait_for("the officer joining", lambda: bot_said(stack, chat.sender, "đã nhận trao đổi"))

    answer = "Chào bạn, bạn mang CCCD đến cơ quan BHXH nơi cư trú để được cấp lại sổ."
    assert officer.post(f"{base}/reply", json={"body": answer}, timeout=30).status_code == 200
    wait_for("the officer's reply", lambda: bot_said(stack, chat.sender, f"Cán bộ: {answer}"))
    assert chat.say("cam on, toi se mang den") == []  # still held: the officer reads it
    wait_for("the second message", lambda: "cam on, toi se mang den" in thread())

    assert officer.post(f"{base}/release-chat", timeout=30).status_code == 200
    wait_for("the bot resuming", lambda: bot_said(stack, chat.sender, "Trợ lý ảo tiếp tục"))
    events = [e["event"] for e in tracker_events(stack, chat.sender)]
    assert events.count("pause") == 1 and events.index("resume") > events.index("pause")
    assert chat.say_text("xin chao")  # the bot answers again
    assert tickets_of(stack, chat.sender) == 1  # one handoff ticket, never two


def test_a_chat_nobody_takes_expires_and_the_bot_offers_a_ticket(
    chat: Chat, stack: Stack, at: Callable
) -> None:
    code = ask_for_an_officer(chat)
    assert chat.say("co ai o day khong") == []
    at(WORKING_MORNING + timedelta(minutes=6))  # past the 5-minute wait
    wait_for("the bot resuming", lambda: bot_said(stack, chat.sender, f"ghi nhận với mã {code}"))
    resumed = [e for e in tracker_events(stack, chat.sender) if e["event"] == "bot"][-1]
    assert resumed["data"]["buttons"] == [{"title": "Gửi phiếu yêu cầu",
                                           "payload": "/file_complaint"}]
    assert chat.say_text("xin chao")
    ticket = requests.get(f"{stack.tickets_url}/api/v1/tickets/{code}", headers=SERVICE,
                          timeout=10).json()
    assert ticket["chat_state"] == "closed" and ticket["chat_closed_reason"] == "expired"
    assert tickets_of(stack, chat.sender) == 1
