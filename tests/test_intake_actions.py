"""The intake form's actions with real rasa-sdk trackers against a local HTTP service."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import (
    ASK_ACTIONS,
    FORM_SLOTS,
    ActionSubmitTicket,
    ActionTakeStory,
    ValidateIntakeForm,
)
from actions.session import ActionSessionStart
from tests.fake_tickets import FakeTicketService
from tests.stack import Stack, free_port
from tests.trackers import FORM_SLOTS_FILLED, T0, chat, make_tracker


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTicketService]:
    fake = FakeTicketService().start()
    monkeypatch.setenv("TICKETS_URL", fake.url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", "unit-test-token")
    yield fake
    fake.stop()


def _submit(tracker: Tracker) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = ActionSubmitTicket().run(dispatcher, tracker, {})
    return dispatcher, events


def test_submit_sends_the_form_and_gives_code_unit_and_deadline(service: FakeTicketService) -> None:
    dispatcher, events = _submit(make_tracker(FORM_SLOTS_FILLED))

    (request,) = service.creates()
    assert request["headers"]["Authorization"] == "Bearer unit-test-token"
    assert request["headers"]["Idempotency-Key"].startswith("rasa-")
    body = request["body"]
    assert body["kind"] == "complaint" and body["channel"] == "socketio"
    assert body["topic"] == "one_time_withdrawal"
    assert body["conversation_id"] == "conv-1"
    assert body["citizen"] == {"name": "Nguyễn Văn An", "phone": "0912345678",
                               "cccd": "001099012345", "bhxh_code": None}
    assert body["province"] == "Hà Nội" and body["commune"] == "Phường Hoàn Kiếm"
    assert body["description"] == FORM_SLOTS_FILLED["description"]
    assert body["consent"] is True

    (message,) = dispatcher.messages
    assert "Khiếu nại của bạn đã được tiếp nhận" in message["text"]
    assert "BHXH-2026-000042" in message["text"]
    assert "Bảo hiểm xã hội thành phố Hà Nội" in message["text"]
    assert "06/01/2027" in message["text"]
    assert SlotSet("ticket_code", "BHXH-2026-000042") in events
    for slot in FORM_SLOTS:  # personal data leaves the conversation once submitted
        assert SlotSet(slot, None) in events


def test_skipped_answers_are_sent_as_missing(service: FakeTicketService) -> None:
    slots = {**FORM_SLOTS_FILLED, "ticket_kind": "recommendation", "full_name": "-",
             "commune": "-", "id_number": "0101234567"}
    _submit(make_tracker(slots, language="en"))
    body = service.creates()[0]["body"]
    assert body["kind"] == "recommendation" and body["commune"] is None
    assert body["citizen"] == {"name": None, "phone": "0912345678", "cccd": None,
                               "bhxh_code": "0101234567"}


def test_receipt_in_english(service: FakeTicketService) -> None:
    dispatcher, _ = _submit(make_tracker(FORM_SLOTS_FILLED, language="en"))
    text = dispatcher.messages[0]["text"]
    assert "Your complaint has been received" in text
    assert "Ticket code: BHXH-2026-000042" in text and "Hà Nội City Social Security" in text


def test_same_content_reuses_the_idempotency_key(service: FakeTicketService) -> None:
    _submit(make_tracker(FORM_SLOTS_FILLED))
    _submit(make_tracker(FORM_SLOTS_FILLED))
    _submit(make_tracker({**FORM_SLOTS_FILLED, "phone": "0987654321"}))
    keys = [r["headers"]["Idempotency-Key"] for r in service.creates()]
    assert keys[0] == keys[1] != keys[2]


def test_server_errors_are_retried_then_reported_honestly(service: FakeTicketService) -> None:
    service.status = 500
    dispatcher, events = _submit(make_tracker(FORM_SLOTS_FILLED))
    assert len(service.creates()) == 4  # the first try and three retries
    (message,) = dispatcher.messages
    assert "chưa có mã phiếu" in message["text"] and "BHXH-" not in message["text"]
    assert message["buttons"] == [{"title": "Thử lại", "payload": "/file_complaint"}]
    # The request is kept; "try again" resends exactly it (this language and channel).
    (kept,) = events
    assert kept["name"] == "submission" and kept["value"]["payload"] == service.creates()[0]["body"]
    assert kept["value"]["payload"]["language"] == "vi"
    assert kept["value"]["key"] == service.creates()[0]["headers"]["Idempotency-Key"]


def test_unreachable_service_is_reported_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETS_URL", f"http://127.0.0.1:{free_port()}")
    dispatcher, events = _submit(make_tracker(FORM_SLOTS_FILLED, language="en"))
    assert "no ticket code yet" in dispatcher.messages[0]["text"]
    (kept,) = events
    assert kept["name"] == "submission" and kept["value"]["payload"]["language"] == "en"
    assert kept["value"]["payload"]["channel"] == "socketio"


def chat_tracker(events: list[dict[str, Any]], **slots: Any) -> Tracker:
    tracker = make_tracker({**FORM_SLOTS_FILLED, **slots})
    tracker.events = events
    return tracker


def test_payload_carries_the_masked_transcript_of_the_current_conversation(
    service: FakeTicketService,
) -> None:
    long_text = "Tôi đã chờ rất lâu. " * 150  # 3000 characters
    events = [
        *chat(("user", "cuộc trò chuyện hôm trước"), ("bot", "Chào bạn"), start=T0 - 86400),
        *chat(
            ("session_started", None), ("action", None),
            ("user", "Tôi muốn khiếu nại"),
            ("bot", "Bạn muốn gửi loại yêu cầu nào?"),
            ("user", "/inform{\"ticket_kind\": \"complaint\"}"),  # a button
            ("bot", ""), ("bot", None),  # buttons or an image only
            ("user", "SĐT 0912 345 678, CCCD 001099012345, mã BHXH-2026-000042"),
            ("slot", None),
            ("user", long_text),
            ("user", "   "), ("user", "EXTERNAL: staff_reply"),
        ),
        {"event": "user", "text": "no time, left out"},
    ]
    _submit(chat_tracker(events))
    transcript = service.creates()[0]["body"]["transcript"]
    assert transcript == [
        {"author": "citizen", "text": "Tôi muốn khiếu nại", "at": "2026-03-02T02:00:02+00:00"},
        {"author": "assistant", "text": "Bạn muốn gửi loại yêu cầu nào?",
         "at": "2026-03-02T02:00:03+00:00"},
        {"author": "citizen", "text": "SĐT ********78, CCCD **********45, mã BHXH-2026-000042",
         "at": "2026-03-02T02:00:07+00:00"},
        {"author": "citizen", "text": long_text[:2000].strip(), "at": "2026-03-02T02:00:09+00:00"},
    ]
    body = json.dumps(service.creates()[0]["body"]["transcript"])
    assert "0912" not in body and "001099012345" not in body


def test_a_receipt_in_the_conversation_is_hidden_from_staff(service: FakeTicketService) -> None:
    events = chat(("session_started", None), ("action", None),
                  ("bot", "Mã phiếu BHXH-2026-000041, mã biên nhận 7K3M-9QXA-2F4P."),
                  ("user", "bien nhan cua toi la 7k3m 9qxa 2f4p va 7K3M-9QXA-2F4P"),
                  ("user", "dong y"))  # the confirming message, not in the transcript
    _submit(chat_tracker(events))
    texts = [turn["text"] for turn in service.creates()[0]["body"]["transcript"]]
    assert texts[0] == "Mã phiếu BHXH-2026-000041, mã biên nhận ••••-••••-••••."
    assert "7K3M-9QXA-2F4P" not in texts[1] and texts[1].endswith("••••-••••-••••")


def test_only_the_last_100_turns_are_sent(service: FakeTicketService) -> None:
    events = chat(*[("user" if i % 2 else "bot", f"tin nhắn {i}") for i in range(150)],
                  ("user", "/affirm"))
    _submit(chat_tracker(events))
    transcript = service.creates()[0]["body"]["transcript"]
    assert len(transcript) == 100
    assert transcript[0]["text"] == "tin nhắn 50" and transcript[-1]["text"] == "tin nhắn 149"


def test_the_transcript_is_not_part_of_the_idempotency_key(service: FakeTicketService) -> None:
    _submit(chat_tracker(chat(("user", "Tôi muốn khiếu nại"), ("user", "/affirm"))))
    _submit(chat_tracker(chat(("user", "Cho tôi gửi khiếu nại"), ("bot", "Vâng"),
                              ("user", "/affirm"))))
    first, second = service.creates()
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    assert first["body"]["transcript"] != second["body"]["transcript"]


def test_a_retry_resends_exactly_the_first_attempts_body(service: FakeTicketService) -> None:
    tracker = chat_tracker(chat(("user", "Tôi muốn khiếu nại"), ("bot", "Mời bạn xác nhận"),
                                ("user", "/affirm")))
    service.status = 500
    dispatcher, events = _submit(tracker)
    failed = service.creates()[0]
    assert "chưa có mã phiếu" in dispatcher.messages[0]["text"]
    (kept,) = events
    assert kept["value"]["payload"] == failed["body"]
    assert [t["text"] for t in kept["value"]["payload"]["transcript"]] == [
        "Tôi muốn khiếu nại", "Mời bạn xác nhận"]
    # Rasa applies the slot; the chat goes on ("no code yet", "try again") before the retry.
    tracker.slots.update({e["name"]: e["value"] for e in events})
    tracker.events = [*tracker.events, *chat(
        ("bot", dispatcher.messages[0]["text"]), ("user", "/file_complaint"),
        ("user", "thử lại giúp tôi"), start=T0 + 60)]
    service.status = 201
    dispatcher, events = _submit(tracker)
    retry = service.creates()[-1]
    assert "BHXH-2026-000042" in dispatcher.messages[0]["text"]
    assert retry["body"] == failed["body"]
    assert retry["headers"]["Idempotency-Key"] == failed["headers"]["Idempotency-Key"]
    assert SlotSet("submission", None) in events  # forgotten once the ticket exists


def _validate(
    slot: str, value: Any, language: str = "vi", **slots: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateIntakeForm(), f"validate_{slot}")
    result = method(value, dispatcher, make_tracker(slots, language=language), {})
    return result, dispatcher.messages


def test_a_valid_answer_is_kept_and_resets_the_failure_count() -> None:
    result, messages = _validate("phone", "+84 912 345 678", failed_attempts=1)
    assert result == {"phone": "0912345678", "failed_attempts": 0} and messages == []


def test_of_two_values_in_one_message_the_first_valid_one_is_kept() -> None:
    result, messages = _validate("topic", ["nothing known", "staff_conduct", "pension"])
    assert result == {"topic": "staff_conduct", "failed_attempts": 0} and messages == []
    refused, _ = _validate("phone", [])
    assert refused == {"phone": None, "failed_attempts": 1}


def test_an_invalid_answer_is_re_asked_with_a_reason() -> None:
    result, messages = _validate("phone", "12345", language="en")
    assert result == {"phone": None, "failed_attempts": 1}
    assert [m["text"] for m in messages] == [
        "That phone number is not valid. A mobile number has 10 digits starting with 0 "
        "(e.g. 0912345678)."
    ]


def test_a_second_failure_at_a_required_step_offers_a_human() -> None:
    result, messages = _validate("phone", "12345", failed_attempts=1)
    assert result == {"phone": None, "failed_attempts": 2}
    assert "10 chữ số" in messages[0]["text"]
    assert "vẫn được giữ lại" in messages[1]["text"]
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/stop", "/request_human"]


@pytest.mark.parametrize(("slot", "answer", "kept"), [
    ("id_number", "12345", "-"), ("commune", "1", "-"), ("topic", "xyz", "other")])
def test_a_second_failure_at_an_optional_step_moves_on(slot: str, answer: str, kept: str) -> None:
    result, messages = _validate(slot, answer, failed_attempts=1)
    assert result == {slot: kept, "failed_attempts": 0}
    assert "bỏ qua" in messages[0]["text"] and len(messages) == 1
    name, _ = _validate("full_name", "123", failed_attempts=1, ticket_kind="recommendation")
    assert name == {"full_name": "-", "failed_attempts": 0}
    required, _ = _validate("full_name", "123", failed_attempts=1, ticket_kind="denunciation")
    assert required == {"full_name": None, "failed_attempts": 2}


def test_the_value_the_bot_suggests_at_the_topic_step_is_accepted() -> None:
    assert _validate("topic", "khác")[0]["topic"] == "other"
    assert _validate("topic", "Other", language="en")[0]["topic"] == "other"


def test_a_question_instead_of_an_answer_is_answered_without_counting_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({}, intent="ask_question", text="tổng đài bảo hiểm xã hội là số nào")
    result = ValidateIntakeForm().validate_phone(tracker.latest_message["text"], dispatcher,
                                                 tracker, {})
    assert result["phone"] is None and "failed_attempts" not in result
    assert any("1900 9068" in m["text"] for m in dispatcher.messages)


def test_name_may_be_skipped_for_a_recommendation_but_not_for_a_complaint() -> None:
    assert _validate("full_name", "bỏ qua", ticket_kind="recommendation")[0]["full_name"] == "-"
    result, messages = _validate("full_name", "bỏ qua", ticket_kind="complaint")
    assert result["full_name"] is None and messages


def test_consent_refused_is_explained() -> None:
    result, messages = _validate("consent", False)
    assert result["consent"] is None and "đồng ý" in messages[0]["text"]
    assert _validate("consent", True)[0]["consent"] is True


INTAKE_DOMAIN = {"forms": {"intake_form": {"required_slots": list(FORM_SLOTS)}},
                 "slots": {slot: {} for slot in FORM_SLOTS}}


def _turn(
    text: str, requested: str, intent: str = "inform", extracted: Any = None, **slots: Any
) -> tuple[dict[str, Any], list[str]]:
    """One message to the running intake form: the slots its validation sets and the texts
    said. ``extracted`` is what the slot mappings took for the requested slot (default the
    text, as ``from_text`` does)."""
    value = text if extracted is None else extracted
    tracker = make_tracker({**slots, "requested_slot": requested}, intent=intent, text=text)
    tracker.events.append({"event": "slot", "name": requested, "value": value})
    tracker.slots[requested] = value
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIntakeForm().run(dispatcher, tracker, INTAKE_DOMAIN))
    return {e["name"]: e["value"] for e in events}, [m["text"] for m in dispatcher.messages]


BEFORE_SUMMARY = {k: v for k, v in FORM_SLOTS_FILLED.items() if k != "confirmed"}


@pytest.mark.parametrize("text", [
    "đúng", "dạ", "dạ đúng", "ừ", "ok", "chuẩn", "được", "gửi đi", "yes", "yep", "sure",
    "dung roi", "Dạ đúng rồi ạ", "ok gửi đi"])
@pytest.mark.parametrize("intent", ["affirm", "stop", "deny", "inform"])
def test_every_everyday_yes_sends_at_the_summary_whatever_the_nlu_guessed(
    text: str, intent: str
) -> None:
    extracted = {"affirm": True, "deny": False}.get(intent)
    slots, said = _turn(text, "confirmed", intent, extracted, **BEFORE_SUMMARY)
    assert slots["confirmed"] is True and slots["intake_end"] == "confirmed" and said == []
    consent = {k: v for k, v in BEFORE_SUMMARY.items() if k != "consent"}
    slots, _ = _turn(text, "consent", intent, extracted, **consent)
    assert slots["consent"] is True


@pytest.mark.parametrize("text", ["không", "no", "ko", "không đồng ý", "nope"])
def test_a_no_is_a_no(text: str) -> None:
    consent = {k: v for k, v in BEFORE_SUMMARY.items() if k != "consent"}
    slots, said = _turn(text, "consent", "affirm", True, **consent)
    assert slots["consent"] is None and "đồng ý" in said[0]
    slots, said = _turn(text, "confirmed", "affirm", True, **BEFORE_SUMMARY)
    assert slots["confirmed"] is None and said == ["Bạn muốn sửa mục nào?"]


@pytest.mark.parametrize(("text", "field", "requested"), [
    ("sửa tên", "full_name", "confirmed"), ("sua lai ten", "full_name", "confirmed"),
    ("tôi muốn sửa nội dung", "description", "confirmed"), ("edit the phone", "phone", "confirmed"),
    ("số điện thoại", "phone", "confirmed"), ("sửa tỉnh", "province", "phone"),
    ("cho tôi sửa lại tên", "full_name", "id_number")])
@pytest.mark.parametrize("intent", ["stop", "deny", "inform"])
def test_an_edit_goes_to_the_field_it_names(
    text: str, field: str, requested: str, intent: str
) -> None:
    slots_before = {k: v for k, v in BEFORE_SUMMARY.items()
                    if list(FORM_SLOTS).index(k) < list(FORM_SLOTS).index(requested)}
    slots, said = _turn(text, requested, intent, **slots_before)
    assert slots[field] is None and slots[requested] is None and said == []
    assert "intake_end" not in slots


def test_cancelling_a_form_with_answers_asks_once() -> None:
    slots, said = _turn("dừng", "phone", "stop", **{"ticket_kind": "complaint"})
    assert slots == {"cancel_asked": True, "phone": None}
    assert said[0].startswith("Bạn chắc chắn muốn hủy")
    for yes in ("có", "/stop", "hủy", "dạ"):
        slots, said = _turn(yes, "phone", "affirm", ticket_kind="complaint", cancel_asked=True)
        assert slots == {"intake_end": "cancelled", "requested_slot": None} and said == []
    slots, said = _turn("không", "phone", "deny", ticket_kind="complaint", cancel_asked=True)
    assert slots == {"cancel_asked": None, "phone": None}
    # an answer instead of yes or no carries on with the form
    slots, _ = _turn("0912345678", "phone", "inform", ticket_kind="complaint", cancel_asked=True)
    assert slots["phone"] == "0912345678"


def test_cancelling_an_empty_form_needs_no_question() -> None:
    slots, said = _turn("stop", "ticket_kind", "stop")
    assert slots == {"intake_end": "cancelled", "requested_slot": None} and said == []


def test_the_are_you_sure_question_is_not_followed_by_the_form_question() -> None:
    dispatcher = CollectingDispatcher()
    ASK_ACTIONS["phone"]().run(dispatcher, make_tracker({"cancel_asked": True}), {})
    assert dispatcher.messages == []
    ASK_ACTIONS["phone"]().run(dispatcher, make_tracker({}), {})
    assert len(dispatcher.messages) == 1


def test_several_details_in_one_message_fill_several_slots() -> None:
    text = "Tôi tên là Võ Thị Bích, số điện thoại 0939123456"
    slots, said = _turn(text, "full_name", "inform", **{"ticket_kind": "complaint"})
    assert slots["full_name"] == "Võ Thị Bích" and slots["phone"] == "0939123456"
    assert said == []
    slots, _ = _turn("my name is Tran Van Nam, phone +84 912 345 678, ID 001099012345",
                     "full_name", "inform", ticket_kind="complaint")
    assert (slots["full_name"], slots["phone"], slots["id_number"]) == (
        "Tran Van Nam", "0912345678", "001099012345")
    # a detail already given is not overwritten
    slots, _ = _turn(text, "full_name", "inform", ticket_kind="complaint", phone="0912345678")
    assert "phone" not in slots


def test_summary_edit_clears_the_field_and_asks_for_it_again() -> None:
    result, _ = _validate("confirmed", True)
    assert result["confirmed"] is True and result["submission"]["key"].startswith("rasa-")
    assert _validate("confirmed", "phone")[0] == {"confirmed": None, "phone": None}
    assert _validate("confirmed", "sửa số điện thoại")[0] == {"confirmed": None, "phone": None}
    result, messages = _validate("confirmed", False, language="en")
    assert result == {"confirmed": None}
    assert messages[0]["text"] == "Which part would you like to change?"
    assert '/inform{"edit_field": "phone"}' in [b["payload"] for b in messages[0]["buttons"]]


def test_province_is_checked_by_the_ticket_service(service: FakeTicketService) -> None:
    assert _validate("province", "binh duong")[0]["province"] == "binh duong"
    result, messages = _validate("province", "Atlantis")
    assert result["province"] is None and "chưa nhận ra" in messages[0]["text"]


def test_no_place_is_taken_only_for_a_matter_of_a_central_unit(
    service: FakeTicketService,
) -> None:
    """ "bỏ qua" at the province: a VssID matter goes to a central unit whatever the place, so
    the step is skipped; a pension complaint needs the place, and the bot says why."""
    result, messages = _validate("province", "bỏ qua", topic="digital_services",
                                 ticket_kind="recommendation")
    assert result["province"] == "-" and messages == []
    result, messages = _validate("province", "skip", language="en", topic="pension",
                                 ticket_kind="complaint")
    assert result["province"] is None
    assert "decides which VSS office handles it" in messages[0]["text"]
    preview = [r["body"] for r in service.requests if r["path"] == "/api/v1/routing/preview"]
    assert preview[-1]["province"] is None and preview[-1]["topic"] == "pension"


def test_province_is_kept_when_the_service_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETS_URL", f"http://127.0.0.1:{free_port()}")
    assert _validate("province", "Nghệ An")[0]["province"] == "Nghệ An"


def test_the_summary_lists_every_answer_with_send_change_cancel() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**FORM_SLOTS_FILLED, "commune": "-", "confirmed": None}, "en")
    ASK_ACTIONS["confirmed"]().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert "- Kind: Complaint" in message["text"]
    assert "- Area: One-time SI withdrawal" in message["text"]
    assert "- Commune: —" in message["text"] and "- Phone: 0912345678" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/stop"]


def test_a_new_session_keeps_only_the_language_and_the_ticket_code() -> None:
    tracker = make_tracker({**FORM_SLOTS_FILLED, "ticket_code": "BHXH-2026-000042"}, "en")
    events = ActionSessionStart().run(CollectingDispatcher(), tracker, {})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"language": "en", "ticket_code": "BHXH-2026-000042"}


STORY = ("Cán bộ một cửa BHXH tỉnh Nghệ An quát tháo tôi và đòi 2 triệu mới nhận hồ sơ "
         "hưởng BHXH một lần của tôi.")


def _take(text: str, intent: str = "file_complaint", **slots: Any) -> tuple[dict[str, Any], list]:
    tracker = make_tracker(slots, intent=intent, text=text)
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    events = ActionTakeStory().run(dispatcher, tracker, {})
    return {e["name"]: e["value"] for e in events}, dispatcher.messages


def test_a_story_is_offered_as_a_ticket_with_one_button() -> None:
    slots, (offer,) = _take(STORY)
    assert slots == {"story": STORY, "intake_offer": True}
    assert "tố cáo" in offer["text"] and "không cần viết lại" in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/file_complaint"]


def test_the_button_starts_the_form_with_the_story_as_the_description() -> None:
    slots, said = _take("/file_complaint", story=STORY, intake_offer=True)
    assert said == [] and slots["intake_offer"] is False and slots["story"] is None
    assert slots["description"] == STORY
    assert (slots["ticket_kind"], slots["topic"], slots["office_level"]) == (
        "denunciation", "staff_conduct", "province")


def test_a_second_story_adds_to_the_first_and_a_bare_request_starts_the_form() -> None:
    more = "Việc này xảy ra sáng thứ Hai tuần trước, có nhiều người chứng kiến ở quầy."
    slots, _ = _take(more, story=STORY, intake_offer=True)
    assert slots["story"] == f"{STORY}\n{more}"
    slots, said = _take("tôi muốn khiếu nại")
    assert slots == {"story": None, "intake_offer": False} and said == []


def test_the_kind_given_by_the_citizen_is_not_overwritten_by_the_reading() -> None:
    slots, _ = _take("/file_complaint", story=STORY, ticket_kind="complaint")
    assert "ticket_kind" not in slots and slots["office_level"] == "province"


def test_a_typed_description_fills_kind_topic_and_level_when_plain() -> None:
    result, _ = _validate("description", STORY)
    assert (result["ticket_kind"], result["topic"], result["office_level"]) == (
        "denunciation", "staff_conduct", "province")
    result, _ = _validate("description", "Tôi đến nộp hồ sơ nhưng không biết phải làm gì tiếp")
    assert "ticket_kind" not in result and result["office_level"] == "none"


def test_the_level_is_asked_with_three_buttons_when_the_story_does_not_say() -> None:
    dispatcher = CollectingDispatcher()
    ASK_ACTIONS["office_level"]().run(dispatcher, make_tracker({}, "en"), {})
    (question,) = dispatcher.messages
    assert "level above" in question["text"] and len(question["buttons"]) == 3
    for title in [b["payload"] for b in question["buttons"]]:
        assert _validate("office_level", title)[0]["office_level"] in (
            "grassroots", "province", "central")


def test_a_denouncer_is_told_the_name_is_required_and_the_identity_protected() -> None:
    dispatcher = CollectingDispatcher()
    ASK_ACTIONS["full_name"]().run(dispatcher, make_tracker({"ticket_kind": "denunciation"}), {})
    (question,) = dispatcher.messages
    assert "họ tên" in question["text"] and "giữ bí mật" in question["text"]


@pytest.mark.parametrize(("kind", "level", "concerned", "above", "above_name"), [
    ("denunciation", "province", "bhxh.nghe-an", "vss.inspectorate", "Thanh tra BHXH Việt Nam"),
    ("denunciation", "grassroots", "bhxh.nghe-an.placeholder", "bhxh.nghe-an",
     "Bảo hiểm xã hội tỉnh Nghệ An"),
    # the service routes any kind about staff conduct above the office (routing.yaml)
    ("recommendation", "province", "bhxh.nghe-an", "vss.inspectorate", "Thanh tra BHXH Việt Nam"),
])
def test_misconduct_goes_to_the_unit_above_the_office_concerned(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch, kind: str, level: str, concerned: str,
    above: str, above_name: str,
) -> None:
    monkeypatch.setenv("TICKETS_URL", tickets.tickets_url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", tickets.env["TICKETS_SERVICE_TOKEN"])
    slots = {**FORM_SLOTS_FILLED, "ticket_kind": kind, "topic": "staff_conduct",
             "description": STORY, "province": "Nghệ An", "commune": "-", "confirmed": None,
             "office_level": level}
    dispatcher = CollectingDispatcher()
    events = ASK_ACTIONS["confirmed"]().run(dispatcher, make_tracker(slots), {})
    assert events == [SlotSet("about_unit_code", concerned)]
    (summary,) = dispatcher.messages
    assert f"được chuyển đến {above_name} (cấp trên)" in summary["text"]
    tracker = make_tracker({**slots, "confirmed": True, "about_unit_code": concerned})
    dispatcher, events = _submit(tracker)
    code = next(e["value"] for e in events if e["name"] == "ticket_code")
    ticket = requests.get(f"{tickets.tickets_url}/api/v1/tickets/{code}", timeout=10, headers={
        "Authorization": f"Bearer {tickets.env['TICKETS_SERVICE_TOKEN']}"}).json()
    assert ticket["unit"]["code"] == above
    assert "không giao cho chính đơn vị bị phản ánh" in ticket["routing_reasons"][0]


def test_a_matter_not_about_staff_has_no_office_concerned(tickets: Stack) -> None:
    slots = {**FORM_SLOTS_FILLED, "confirmed": None, "office_level": "none"}
    dispatcher = CollectingDispatcher()
    assert ASK_ACTIONS["confirmed"]().run(dispatcher, make_tracker(slots), {}) == [
        SlotSet("about_unit_code", None)]
    assert "cấp trên" not in dispatcher.messages[0]["text"]


def test_a_story_told_as_a_question_becomes_the_description_when_the_form_starts() -> None:
    tracker = make_tracker({}, intent="file_complaint", text="/file_complaint")
    tracker.active_loop = {}
    tracker.events = [{"event": "user", "text": STORY}, {"event": "bot", "text": "…"},
                      {"event": "user", "text": "/file_complaint"}]
    events = ActionTakeStory().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("description", STORY) in events
    tracker.events[0] = {"event": "user", "text": "tổng đài là số nào"}  # not a story
    assert not any(e["name"] == "description" for e in
                   ActionTakeStory().run(CollectingDispatcher(), tracker, {}))


def test_an_office_level_not_named_twice_moves_on_as_grassroots() -> None:
    result, messages = _validate("office_level", "không rõ nữa", failed_attempts=1)
    assert result == {"office_level": "grassroots", "failed_attempts": 0}
    assert "BHXH cơ sở" in messages[0]["text"] and len(messages) == 1


def test_an_answer_repeated_after_a_digression_counts_as_a_failure() -> None:
    """The NLU took "Phu Cat social insurance office" for a question: said again, it is not
    answered from the knowledge base again (the form must not loop)."""
    text = "ở đâu vậy"
    tracker = make_tracker({"failed_attempts": 0}, intent="ask_question", text=text)
    tracker.events = [{"event": "user", "text": text}, {"event": "bot", "text": "…"},
                      {"event": "user", "text": text}]
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().validate_office_level(text, dispatcher, tracker, {})
    assert result == {"office_level": None, "failed_attempts": 1}
    assert [m["text"] for m in dispatcher.messages] == [
        "Bạn chọn một cấp: BHXH cơ sở (xã, phường), BHXH tỉnh/thành phố, hoặc BHXH Việt Nam."]


def test_a_story_before_a_did_you_mean_becomes_the_description() -> None:
    """The two-stage fallback reverts the story's turn and replays the button: the story the
    citizen typed is still the description."""
    story_text = "luong huu cua toi bi tinh thieu, toi ko dong y voi quyet dinh"
    tracker = make_tracker({}, intent="file_complaint", text="/file_complaint")
    tracker.active_loop = {}
    # the events Rasa 3.6 stores for it (seen in the intake bench)
    tracker.events = [
        {"event": "user", "text": story_text},
        {"event": "action", "name": "action_two_stage_fallback"},
        {"event": "active_loop", "name": "action_two_stage_fallback"},
        {"event": "bot", "text": "Có phải ý bạn là"}, {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/file_complaint"},
        {"event": "action", "name": "action_two_stage_fallback"},
        {"event": "active_loop", "name": None}, {"event": "rewind"},
        {"event": "action", "name": "action_listen"}, {"event": "user", "text": "/file_complaint"}]
    events = ActionTakeStory().run(CollectingDispatcher(), tracker, {})
    assert SlotSet("description", story_text) in events
    assert SlotSet("ticket_kind", "complaint") in events and SlotSet("topic", "pension") in events
    # a story told before a form that already ran is not taken again
    tracker.events.insert(1, {"event": "active_loop", "name": "intake_form"})
    assert not any(e["name"] == "description" for e in
                   ActionTakeStory().run(CollectingDispatcher(), tracker, {}))


def test_grassroots_misconduct_of_an_office_not_named_says_it_goes_above(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The commune does not say which grassroots office: no office code is sent, the summary
    still says the matter goes to the provincial office above, and the ticket goes there."""
    monkeypatch.setenv("TICKETS_URL", tickets.tickets_url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", tickets.env["TICKETS_SERVICE_TOKEN"])
    slots = {**FORM_SLOTS_FILLED, "ticket_kind": "complaint", "topic": "staff_conduct",
             "description": STORY, "province": "TP Hồ Chí Minh", "commune": "-",
             "confirmed": None, "office_level": "grassroots"}
    dispatcher = CollectingDispatcher()
    events = ASK_ACTIONS["confirmed"]().run(dispatcher, make_tracker(slots), {})
    assert events == [SlotSet("about_unit_code", None)]
    (summary,) = dispatcher.messages
    dispatcher, events = _submit(make_tracker({**slots, "confirmed": True}))
    code = next(e["value"] for e in events if e["name"] == "ticket_code")
    ticket = requests.get(f"{tickets.tickets_url}/api/v1/tickets/{code}", timeout=10, headers={
        "Authorization": f"Bearer {tickets.env['TICKETS_SERVICE_TOKEN']}"}).json()
    assert ticket["unit"]["code"] == "bhxh.ho-chi-minh"
    assert "cán bộ của BHXH cơ sở" in summary["text"]
    assert f"được chuyển đến {ticket['unit']['name_vi']} (cấp trên)" in summary["text"]
