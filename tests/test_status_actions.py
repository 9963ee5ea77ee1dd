"""Checking a ticket's status: real rasa-sdk trackers and dispatchers against the real ticket
service process (contract tests)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.status import ActionCheckStatus, ValidateStatusForm
from bot.common.tickets import TicketClient, idempotency_key, parse_receipt
from tests import trackers
from tests.stack import Stack

PHONE = "0912345678"


@pytest.fixture
def client(tickets: Stack, monkeypatch: pytest.MonkeyPatch) -> TicketClient:
    monkeypatch.setenv("TICKETS_URL", tickets.tickets_url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", tickets.env["TICKETS_SERVICE_TOKEN"])
    return TicketClient()


def file_ticket(client: TicketClient, conversation: str) -> dict[str, Any]:
    payload = {
        "kind": "complaint", "topic": "pension", "channel": "rest",
        "description": "Lương hưu tháng này chưa được chi trả dù đã đến hạn.",
        "conversation_id": conversation, "language": "vi", "province": "Hà Nội",
        "citizen": {"name": "Trần Thị Bình", "phone": PHONE, "cccd": None, "bhxh_code": None},
        "consent": True,
    }
    return client.create_ticket(payload, idempotency_key(conversation, "status-test"))


def tracker(slots: dict[str, Any], language: str = "vi") -> Tracker:
    return trackers.tracker({"language": language, **slots}, sender="conv-status",
                            active_loop="status_form", latest_action="status_form")


def check(code: str, digits: str, language: str = "vi") -> tuple[str, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = ActionCheckStatus().run(
        dispatcher, tracker({"status_code": code, "status_digits": digits}, language), {})
    (message,) = dispatcher.messages
    return message["text"], events


def test_a_typed_code_is_normalised_and_bad_codes_re_asked() -> None:
    form, dispatcher = ValidateStatusForm(), CollectingDispatcher()
    assert form.validate_status_code("ma bhxh 2026 000123 a", dispatcher, tracker({}), {}) == {
        "status_code": "BHXH-2026-000123"}
    assert form.validate_status_code("12345", dispatcher, tracker({}), {}) == {
        "status_code": None}
    assert "BHXH-2026-000123" in dispatcher.messages[0]["text"]


def test_digits_accept_the_last_four_or_the_whole_number() -> None:
    form = ValidateStatusForm()
    assert form.validate_status_digits("5678", CollectingDispatcher(), tracker({}), {}) == {
        "status_digits": "5678"}
    assert form.validate_status_digits("0912 345 678", CollectingDispatcher(), tracker({}), {}) \
        == {"status_digits": "5678"}
    assert form.validate_status_digits("56", CollectingDispatcher(), tracker({}), {}) == {
        "status_digits": None}


def test_the_proof_may_be_the_receipt_typed_leniently() -> None:
    form = ValidateStatusForm()
    assert form.validate_status_digits("7k2m 9qxd 4htp", CollectingDispatcher(), tracker({}),
                                       {}) == {"status_digits": "7K2M-9QXD-4HTP"}
    assert form.validate_status_digits("7K2M-9QXD-4HTU", CollectingDispatcher(), tracker({}),
                                       {}) == {"status_digits": None}  # U is not in base32


def test_status_shows_state_unit_deadline_and_the_last_staff_message(
    client: TicketClient, tickets: Stack
) -> None:
    ticket = file_ticket(client, "conv-status-1")
    code = ticket["code"]
    officer = tickets.staff_session("bhxh.ha-noi", "officer.status", "Mat-khau-thu-nghiem-1")
    base = f"{tickets.tickets_url}/api/v1/tickets/{code}"
    for step, body in (("accept", None), ("claim", None),
                       ("reply", {"body": "Chúng tôi đang xác minh hồ sơ của bạn."})):
        answer: requests.Response = officer.post(f"{base}/{step}", json=body, timeout=30)
        assert answer.status_code == 200, answer.text

    text, events = check(code, PHONE[-4:])
    assert code in text and "Đang giải quyết" in text
    assert ticket["unit"]["name_vi"] in text
    due = answer.json()["deadlines"]["resolution"]  # set again when the ticket was accepted
    assert f"{due[8:10]}/{due[5:7]}/{due[:4]}" in text
    assert "Chúng tôi đang xác minh hồ sơ của bạn." in text
    assert events == [SlotSet("status_code", None), SlotSet("status_digits", None)]

    english, _ = check(code, PHONE[-4:], language="en")
    assert "Being handled" in english and ticket["unit"]["name_en"] in english


def test_unknown_code_and_wrong_digits_get_the_same_reply_then_the_code_locks(
    client: TicketClient,
) -> None:
    code = file_ticket(client, "conv-status-2")["code"]
    wrong_digits, _ = check(code, "0000")
    unknown_code, _ = check("BHXH-2019-999999", PHONE[-4:])
    assert wrong_digits == unknown_code
    assert "Không tìm thấy phiếu" in wrong_digits and code not in wrong_digits
    for digits in ("1111", "2222"):  # the second and third failures for this code
        check(code, digits)
    locked, events = check(code, PHONE[-4:])  # even the right digits are refused for a while
    assert "quá nhiều lần" in locked and "15 phút" in locked and "1900 9068" in locked
    assert "khóa" not in locked
    assert events == [SlotSet("status_code", None), SlotSet("status_digits", None)]


def test_a_wrong_proof_asks_for_it_again_keeping_the_code(client: TicketClient) -> None:
    code = file_ticket(client, "conv-status-3")["code"]
    _, events = check(code, "0000")
    assert events == [SlotSet("status_digits", None), FollowupAction("status_form")]


def test_the_receipt_given_at_filing_opens_the_ticket(client: TicketClient) -> None:
    ticket = file_ticket(client, "conv-status-4")
    text, _ = check(ticket["code"], parse_receipt(ticket["receipt"]))
    assert ticket["code"] in text and "Không tìm thấy" not in text


def test_an_unreachable_service_is_said_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.stack import free_port

    monkeypatch.setenv("TICKETS_URL", f"http://127.0.0.1:{free_port()}")
    text, events = check("BHXH-2026-000001", "1234", language="en")
    assert "cannot be reached" in text
    assert events == [SlotSet("status_code", None), SlotSet("status_digits", None)]
