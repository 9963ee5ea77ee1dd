"""An English speaker files a ticket and checks it: every reply stays in English.

Through Rasa's REST channel with the trained model, so the NLU's language rule is in the
test: a place, a name, a ticket code, numbers and a Vietnamese term typed by the citizen
must not switch the conversation to Vietnamese.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import Chat

CODE = re.compile(r"BHXH-\d{4}-\d{6}")
# Words only a Vietnamese reply of the bot contains (the citizen's own words are echoed in
# the summary, so they are not used here).
VIETNAMESE_REPLY = re.compile(r"Bạn|bạn|vui lòng|của|không|Mã phiếu|Đơn vị")


def _english(reply: str) -> str:
    assert reply, "no reply"
    assert not VIETNAMESE_REPLY.search(reply), reply
    return reply


def test_a_whole_english_filing_and_status_check_stay_in_english(chat: Chat) -> None:
    assert "describe" in _english(chat.say_text("Hello, I want to file a complaint"))
    description = ("My lương hưu has not been paid since August 2026 although the office in "
                   "Thủ Dầu Một received every paper.")
    reply = _english(chat.say_text(description))
    if "Which area" in reply:  # the topic is asked only when the story does not say it
        reply = _english(chat.say_text("it is about my pension"))
    assert "province" in reply
    assert "commune" in _english(chat.say_text("Bình Dương"))
    assert "full name" in _english(chat.say_text("Phường Phú Lợi"))
    assert "phone" in _english(chat.say_text("Nguyễn Văn An"))
    assert "citizen ID" in _english(chat.say_text("0912 345 678"))
    assert "Decree 13/2023" in _english(chat.say_text("079123456789"))
    summary = _english_summary(chat.say_text("yes"))
    assert "Please check before I send it" in summary and "0912345678" in summary
    receipt = _english(chat.say_text("/affirm"))
    code = CODE.search(receipt)
    assert code and "Ticket code" in receipt, receipt
    proof = _english(chat.say_text(f"what is the status of {code.group()}"))
    assert "last 4 digits" in proof  # always asked (issue #16)
    status = _english(chat.say_text("5678"))
    assert f"Ticket {code.group()}" in status and "Responsible office" in status


def test_a_ticket_code_or_a_name_alone_does_not_switch_an_english_chat(chat: Chat) -> None:
    assert "Hello" in chat.say_text("hello")
    assert "ticket code" in _english(chat.say_text("I want to check my ticket"))
    _english(chat.say_text("BHXH-2026-999999"))
    assert "stopped" in _english(chat.say_text("stop"))


def _english_summary(reply: str) -> str:
    """The summary echoes the citizen's Vietnamese words: check only the bot's lines."""
    bot_lines = [line for line in reply.splitlines() if not line.startswith("- ")]
    _english("\n".join(bot_lines))
    return reply
