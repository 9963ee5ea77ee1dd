"""The complaint form's actions with real rasa-sdk trackers against a local HTTP service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ActionSubmitComplaint, ValidateComplaintForm
from tests.fake_tickets import FakeTicketService
from tests.stack import free_port

FORM_SLOTS = {
    "complaint_description": "Hồ sơ hưởng BHXH một lần nộp từ tháng 8 vẫn chưa được giải quyết.",
    "province": "Hà Nội",
    "full_name": "Nguyễn Văn An",
    "phone": "0912345678",
}


def make_tracker(slots: dict[str, Any], language: str = "vi", sender: str = "conv-1") -> Tracker:
    events = [{"event": "user", "text": "…", "input_channel": "socketio"}]
    return Tracker(
        sender_id=sender,
        slots={"language": language, **slots},
        latest_message={"text": "…", "intent": {"name": "inform"}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "complaint_form"},
        latest_action_name="complaint_form",
    )


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTicketService]:
    fake = FakeTicketService().start()
    monkeypatch.setenv("TICKETS_URL", fake.url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", "unit-test-token")
    yield fake
    fake.stop()


def _submit(tracker: Tracker) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = ActionSubmitComplaint().run(dispatcher, tracker, {})
    return dispatcher, events


def test_submit_sends_the_form_and_gives_code_unit_and_deadline(service: FakeTicketService) -> None:
    dispatcher, events = _submit(make_tracker(FORM_SLOTS))

    (request,) = service.creates()
    assert request["headers"]["Authorization"] == "Bearer unit-test-token"
    assert request["headers"]["Idempotency-Key"].startswith("rasa-")
    body = request["body"]
    assert body["kind"] == "complaint" and body["channel"] == "socketio"
    assert body["conversation_id"] == "conv-1"
    assert body["citizen"] == {"name": "Nguyễn Văn An", "phone": "0912345678", "cccd": None,
                               "bhxh_code": None}
    assert body["province"] == "Hà Nội"
    assert body["description"] == FORM_SLOTS["complaint_description"]

    (message,) = dispatcher.messages
    assert "BHXH-2026-000042" in message["text"]
    assert "Bảo hiểm xã hội thành phố Hà Nội" in message["text"]
    assert "06/01/2027" in message["text"]
    assert SlotSet("ticket_code", "BHXH-2026-000042") in events
    for slot in FORM_SLOTS:  # personal data leaves the conversation once submitted
        assert SlotSet(slot, None) in events


def test_receipt_in_english(service: FakeTicketService) -> None:
    dispatcher, _ = _submit(make_tracker(FORM_SLOTS, language="en"))
    text = dispatcher.messages[0]["text"]
    assert "Ticket code: BHXH-2026-000042" in text and "Hà Nội City Social Security" in text


def test_same_content_reuses_the_idempotency_key(service: FakeTicketService) -> None:
    _submit(make_tracker(FORM_SLOTS))
    _submit(make_tracker(FORM_SLOTS))
    _submit(make_tracker({**FORM_SLOTS, "phone": "0987654321"}))
    keys = [r["headers"]["Idempotency-Key"] for r in service.creates()]
    assert keys[0] == keys[1] != keys[2]


def test_server_errors_are_retried_then_reported_honestly(service: FakeTicketService) -> None:
    service.status = 500
    dispatcher, events = _submit(make_tracker(FORM_SLOTS))
    assert len(service.creates()) == 4  # the first try and three retries
    (message,) = dispatcher.messages
    assert "CHƯA được gửi" in message["text"] and "BHXH-" not in message["text"]
    assert message["buttons"] == [{"title": "Thử lại", "payload": "/file_complaint"}]
    assert events == []  # what the citizen entered is kept for "try again"


def test_unreachable_service_is_reported_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETS_URL", f"http://127.0.0.1:{free_port()}")
    dispatcher, events = _submit(make_tracker(FORM_SLOTS, language="en"))
    assert "has NOT been sent" in dispatcher.messages[0]["text"]
    assert events == []


def _validate(slot: str, value: str, language: str = "vi") -> tuple[Any, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateComplaintForm(), f"validate_{slot}")
    result = method(value, dispatcher, make_tracker({}, language=language), {})
    return result[slot], dispatcher.messages


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("quá ngắn", None), ("x" * 4001, None),
     ("  Hồ sơ   một lần chưa được giải quyết  ", "Hồ sơ   một lần chưa được giải quyết")],
)
def test_description_length(value: str, accepted: str | None) -> None:
    result, messages = _validate("complaint_description", value)
    assert result == accepted
    assert bool(messages) == (accepted is None)


def test_phone_is_normalised_or_re_asked() -> None:
    assert _validate("phone", "+84 912 345 678") == ("0912345678", [])
    result, messages = _validate("phone", "12345", language="en")
    assert result is None and "not valid" in messages[0]["text"]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("nguyễn   văn an", "nguyễn văn an"), ("<script>alert(1)</script>", None), ("An 123", None)],
)
def test_full_name(value: str, accepted: str | None) -> None:
    assert _validate("full_name", value)[0] == accepted


def test_province_is_checked_by_the_ticket_service(service: FakeTicketService) -> None:
    assert _validate("province", "binh duong") == ("binh duong", [])
    result, messages = _validate("province", "Atlantis")
    assert result is None and "chưa nhận ra" in messages[0]["text"]


def test_province_is_kept_when_the_service_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETS_URL", f"http://127.0.0.1:{free_port()}")
    assert _validate("province", "Nghệ An") == ("Nghệ An", [])
