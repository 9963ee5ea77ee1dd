"""The status check always asks for a proof; the receipt is shown and accepted (findings 2a
and 5, the assistant's side).

Before: the status form skipped the phone digits whenever the conversation held the ticket's
code and digits in its slots, so whoever spoke in that conversation (any REST sender, any socket
``session_id``) read the ticket; after wrong digits the form ended, so the next digits typed
were not taken; the receipt the ticket service issues was never shown. Now the proof (the
phone's last four digits or the receipt) is asked every time, a wrong one is asked again, and
the filing's confirmation shows the receipt, which opens the ticket from any conversation.
"""

from __future__ import annotations

import re

import requests

from tests.e2e.conftest import Chat
from tests.e2e.test_intake_to_staff import file_complaint_without_diacritics
from tests.stack import RASA_TOKEN, Stack

RECEIPT = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
ASKED = "4 số cuối của số điện thoại"


def bot_texts(stack: Stack, conversation: str) -> list[str]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                           params={"token": RASA_TOKEN}, timeout=30).json()
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]


def test_the_proof_is_asked_even_in_the_conversation_that_filed(stack: Stack) -> None:
    chat = Chat(stack)
    code = file_complaint_without_diacritics(chat)  # phone 0988 777 666
    [confirmation] = [t for t in bot_texts(stack, chat.sender) if "Mã phiếu: " + code in t]
    receipt = RECEIPT.search(confirmation)
    assert receipt and "Mã biên nhận" in confirmation, confirmation

    assert ASKED in chat.say_text(f"tra cứu phiếu {code}")  # the slots hold the code
    wrong = chat.say_text("0000")
    assert "Không tìm thấy" in wrong and ASKED in wrong  # asked again, code kept
    status = chat.say_text("7666")  # the next digits typed are taken
    assert code in status and "Đã tiếp nhận" in status

    stranger = Chat(stack)  # another conversation, with the receipt only
    assert ASKED in stranger.say_text(f"tra cứu phiếu {code}")
    shown = stranger.say_text(receipt.group().lower())
    assert code in shown and "Đã tiếp nhận" in shown
    slots = requests.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker",
                         params={"token": RASA_TOKEN}, timeout=30).json()["slots"]
    assert receipt.group() not in repr(slots)  # shown once, never kept as a credential
