"""An officer answers in the staff console a complaint that a citizen filed through the chat,
and the answer reaches the citizen's conversation (all processes running, headless Chromium)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import ARTIFACTS
from tests.e2e.conftest import Chat
from tests.e2e.test_intake_to_staff import bot_texts, file_complaint_without_diacritics
from tests.stack import Stack

PASSWORD = "Mat-khau-console-2026"
pytestmark = pytest.mark.e2e

ANSWER = "Chào anh, phần lương hưu còn thiếu sẽ được chi trả bổ sung trong tháng này."


def test_officer_answers_in_the_console_a_complaint_filed_in_the_chat(
    browser: Browser, stack: Stack
) -> None:
    chat = Chat(stack)
    code = file_complaint_without_diacritics(chat)
    stack.staff_session("bhxh.ha-noi", "officer.console", PASSWORD)  # the account
    page = browser.new_page(base_url=stack.tickets_url)
    page.goto("/console/login")
    page.fill("#username", "officer.console")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    assert code in page.locator(f'tr[data-code="{code}"]').inner_text()

    page.goto(f"/console/tickets/{code}")
    transcript = page.locator("#transcript").inner_text()
    assert "toi muon khieu nai ve luong huu" in transcript  # the citizen's own words
    assert "Lương hưu" in transcript  # and the assistant's summary
    assert "0988777666" not in transcript and "0988 777 666" not in transcript  # masked
    for action in ("accept", "claim"):
        page.click(f"#do-{action}")
        page.wait_for_url(f"**done={action}")
    page.fill("#reply-body", ANSWER)
    page.click("#do-reply")
    page.wait_for_url("**done=reply")
    assert ANSWER in page.locator("#thread").inner_text()
    page.screenshot(path=ARTIFACTS / "console-answer-to-chat.png", full_page=True)
    page.close()

    deadline = time.monotonic() + 60
    while not any(ANSWER in text for text in bot_texts(stack, chat.sender)):
        assert time.monotonic() < deadline, "the console's answer never reached the chat"
        time.sleep(0.5)
