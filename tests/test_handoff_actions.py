"""Asking for a human: real rasa-sdk trackers and dispatchers. Contract tests against the real
ticket service process at stated instants (its clock file, tests/instants.py); the rendering of
given answers against a local fake; the handoff ticket created on the real service, once per
request, with the conversation paused only when it exists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHuman, ActionStartHandoff
from bot.common.tickets import TicketClient
from tests import trackers
from tests.fake_tickets import FakeTicketService
from tests.instants import DAY_BEFORE_TET, LUNCH_BREAK, SUNDAY_NIGHT, WORKING_MORNING
from tests.stack import TICKETS_TOKEN, Stack, free_port

HOURS = "07:30-11:30,13:00-16:30"
TICKET_BUTTON = {"vi": {"title": "Gửi phiếu yêu cầu", "payload": "/file_complaint"},
                 "en": {"title": "File a ticket", "payload": "/file_complaint"}}


@pytest.fixture
def service_at(tickets: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``service_at(instant)``: the actions talk to the real service, whose clock is set there."""
    use(monkeypatch, tickets.tickets_url, tickets.env["TICKETS_SERVICE_TOKEN"])
    yield tickets.set_clock
    tickets.set_clock(None)


def use(monkeypatch: pytest.MonkeyPatch, url: str, token: str) -> None:
    monkeypatch.setenv("TICKETS_URL", url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", token)


def tracker(language: str = "vi", active_loop: str | None = None) -> Tracker:
    return trackers.tracker({"language": language}, sender="conv-handoff",
                            text="cho tôi gặp cán bộ", intent="request_human",
                            active_loop=active_loop, latest_action="action_listen")


def ask_human(language: str = "vi", active_loop: str | None = None) -> dict[str, Any]:
    """The reply to asking for a human; checks that a live handoff starts exactly when the
    reply is the handoff's opening line."""
    dispatcher = CollectingDispatcher()
    events = ActionRequestHuman().run(dispatcher, tracker(language, active_loop), {})
    (message,) = dispatcher.messages
    live = message["text"].startswith(("Hiện đang trong giờ làm việc: tôi có thể kết nối",
                                       "It is within working hours: I can put you through"))
    assert events == [SlotSet("handoff_start", live)]
    return message


# --- against the real ticket service process --------------------------------------------------


def test_the_client_reads_office_hours_from_the_service(service_at: Any) -> None:
    service_at(WORKING_MORNING)
    answer = TicketClient().office_hours()
    assert answer["hours"] == HOURS and answer["open"] and answer["next_open"] is None
    now = datetime.fromisoformat(answer["now"])
    assert now.utcoffset() == timedelta(hours=7)
    assert timedelta(0) <= now - WORKING_MORNING < timedelta(minutes=1)
    assert answer["closes_at"] == "2026-12-07T11:30:00+07:00"
    service_at(SUNDAY_NIGHT)
    answer = TicketClient().office_hours()
    assert not answer["open"] and answer["next_open"] == "2026-12-07T07:30:00+07:00"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_inside_office_hours_the_live_handoff_starts(service_at: Any, language: str) -> None:
    service_at(WORKING_MORNING)
    message = ask_human(language)
    assert message["buttons"] == []
    assert message["text"].startswith(("Hiện đang trong giờ làm việc: tôi có thể kết nối",
                                       "It is within working hours: I can put you through"))


@pytest.mark.parametrize(("moment", "vi_when", "en_when"), [
    (LUNCH_BREAK, "thứ Tư, ngày 09/12/2026, lúc 13:00", "Wednesday 9 December 2026 at 13:00"),
    (SUNDAY_NIGHT, "thứ Hai, ngày 07/12/2026, lúc 07:30", "Monday 7 December 2026 at 07:30"),
    (DAY_BEFORE_TET, "thứ Năm, ngày 11/02/2027, lúc 07:30", "Thursday 11 February 2027 at 07:30"),
], ids=["lunch-break", "sunday-night", "day-before-tet"])
def test_a_closed_office_says_when_staff_are_next_available(
    service_at: Any, moment: datetime, vi_when: str, en_when: str
) -> None:
    service_at(moment)
    vi, en = ask_human("vi"), ask_human("en")
    assert "ngoài giờ làm việc" in vi["text"] and vi_when in vi["text"]
    assert "not at work right now" in en["text"] and en_when in en["text"]
    assert vi["buttons"] == [TICKET_BUTTON["vi"]] and en["buttons"] == [TICKET_BUTTON["en"]]


def test_a_refused_token_falls_back_to_the_hotline(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, tickets.tickets_url, "not-the-service-token")
    message = ask_human("vi")
    assert "1900 9068" in message["text"] and "lúc" not in message["text"]
    assert message["buttons"] == [TICKET_BUTTON["vi"]]


def test_an_unreachable_service_falls_back_to_the_hotline_without_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use(monkeypatch, f"http://127.0.0.1:{free_port()}", "whatever-token")
    for language, hotline in (("vi", "gặp cán bộ BHXH qua tổng đài 1900 9068"),
                              ("en", "talk to a VSS officer on the hotline 1900 9068")):
        message = ask_human(language)
        assert hotline in message["text"]
        assert not any(word in message["text"] for word in ("lúc", " at ", "giờ làm việc",
                                                            "working hours"))
        assert message["buttons"] == [TICKET_BUTTON[language]]


# --- rendering of given answers (local fake service) ------------------------------------------


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTicketService]:
    service = FakeTicketService().start()
    use(monkeypatch, service.url, "fake-token")
    yield service
    service.stop()


def closed_until(next_open: str) -> dict[str, Any]:
    return {"open": False, "now": "2026-03-07T20:00:00+07:00", "next_open": next_open,
            "closes_at": None, "hours": HOURS, "timezone": "Asia/Ho_Chi_Minh"}


OPEN = {"open": True, "now": "2026-03-03T09:00:00+07:00", "next_open": None,
        "closes_at": "2026-03-03T11:30:00+07:00", "hours": HOURS, "timezone": "Asia/Ho_Chi_Minh"}


def test_open_office_starts_the_live_handoff(fake: FakeTicketService) -> None:
    fake.office_hours = OPEN
    vi, en = ask_human("vi"), ask_human("en")
    assert vi["text"].startswith("Hiện đang trong giờ làm việc: tôi có thể kết nối bạn với cán "
                                 "bộ BHXH ngay tại cuộc trò chuyện này.")
    assert en["text"].startswith("It is within working hours: I can put you through to a VSS "
                                 "officer here in this chat.")
    assert vi["buttons"] == [] and en["buttons"] == []  # the handoff form asks next
    assert fake.requests[0]["path"] == "/api/v1/office-hours"
    assert fake.requests[0]["headers"]["Authorization"] == "Bearer fake-token"


def test_open_office_in_the_middle_of_the_form_gives_the_hotline(fake: FakeTicketService) -> None:
    fake.office_hours = OPEN
    vi = ask_human("vi", active_loop="intake_form")
    assert vi["text"].startswith("Hiện đang trong giờ làm việc: cán bộ BHXH có thể hỗ trợ bạn "
                                 "qua tổng đài 1900 9068.")
    # the form is not left for a live chat: nothing may say the chat is being passed on
    for claim in ("kết nối", "chuyển bạn", "đang chờ"):
        assert claim not in vi["text"].lower()


def test_asking_again_inside_the_handoff_form_keeps_the_form(fake: FakeTicketService) -> None:
    fake.office_hours = OPEN
    dispatcher = CollectingDispatcher()
    events = ActionRequestHuman().run(dispatcher, tracker("en", "handoff_form"), {})
    assert events == [SlotSet("handoff_start", False)]
    assert dispatcher.messages[0]["text"].startswith("I am putting you through to an officer")
    assert fake.requests == []  # office hours are not asked again


def test_closed_on_saturday_evening_names_monday_morning(fake: FakeTicketService) -> None:
    fake.office_hours = closed_until("2026-03-09T07:30:00+07:00")
    vi, en = ask_human("vi"), ask_human("en")
    assert vi["text"] == (
        "Hiện ngoài giờ làm việc của cán bộ. Cán bộ làm việc trở lại vào thứ Hai, ngày "
        "09/03/2026, lúc 07:30. Bạn có thể gửi phiếu yêu cầu ngay bây giờ, đơn vị có trách "
        "nhiệm sẽ xử lý trong giờ làm việc.")
    assert en["text"] == (
        "Our officers are not at work right now. They are next available on Monday 9 March "
        "2026 at 07:30. You can file a ticket now and the responsible office will handle it "
        "during working hours.")
    assert vi["buttons"] == [TICKET_BUTTON["vi"]] and en["buttons"] == [TICKET_BUTTON["en"]]


def test_next_opening_is_shown_in_vietnam_time(fake: FakeTicketService) -> None:
    fake.office_hours = closed_until("2026-02-23T00:30:00+00:00")  # 07:30 in Vietnam
    assert "thứ Hai, ngày 23/02/2026, lúc 07:30" in ask_human("vi")["text"]
    fake.office_hours = closed_until("2026-02-22T06:00:00+07:00")
    assert "Sunday 22 February 2026 at 06:00" in ask_human("en")["text"]


def test_in_the_middle_of_the_form_no_second_ticket_is_offered(fake: FakeTicketService) -> None:
    fake.office_hours = closed_until("2026-03-03T13:00:00+07:00")
    message = ask_human("vi", active_loop="intake_form")
    assert "thứ Ba, ngày 03/03/2026, lúc 13:00" in message["text"]
    assert message["text"].endswith("Chúng ta tiếp tục phiếu bạn đang điền.")
    assert message["buttons"] == []
    fake.office_hours = OPEN
    english = ask_human("en", active_loop="intake_form")
    assert english["text"].endswith("Let us carry on with the request you are filling in.")
    assert english["buttons"] == []


@pytest.mark.parametrize("answer", [
    {"open": False, "next_open": None},
    {"open": False, "next_open": "next Monday"},
    {"now": "2026-03-03T09:00:00+07:00"},
])
def test_an_unusable_answer_falls_back_to_the_hotline(
    fake: FakeTicketService, answer: dict[str, Any]
) -> None:
    fake.office_hours = answer
    message = ask_human("en")
    assert message["text"].startswith("You can talk to a VSS officer on the hotline 1900 9068.")
    assert message["buttons"] == [TICKET_BUTTON["en"]]


# --- the handoff ticket (real ticket service process) -----------------------------------------

T0 = 1772416800.0  # Monday 2 March 2026, 02:00 UTC
HANDOFF_SLOTS = {"language": "vi", "province": "Hà Nội", "full_name": None,
                 "phone": "0912345678", "consent": True}


def handoff_tracker(sender: str) -> Tracker:
    """A conversation whose handoff form was just completed."""
    events = [
        {"event": "user", "timestamp": T0, "text": "cho tôi gặp cán bộ, CCCD 001099012345",
         "input_channel": "socketio"},
        {"event": "active_loop", "timestamp": T0 + 1, "name": "handoff_form"},
        {"event": "user", "timestamp": T0 + 2, "text": "ha noi", "input_channel": "socketio"},
        {"event": "active_loop", "timestamp": T0 + 9, "name": None},
    ]
    return Tracker(sender_id=sender, slots=dict(HANDOFF_SLOTS), latest_message={}, events=events,
                   paused=False, followup_action=None, active_loop={},
                   latest_action_name="handoff_form")


def start_handoff(tracker: Tracker) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = ActionStartHandoff().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def read_ticket(stack: Stack, code: str) -> dict[str, Any]:
    answer = requests.get(f"{stack.tickets_url}/api/v1/tickets/{code}", timeout=10,
                          headers={"Authorization": f"Bearer {TICKETS_TOKEN}"})
    answer.raise_for_status()
    return answer.json()


def test_the_handoff_ticket_waits_for_an_officer_and_the_conversation_pauses(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, tickets.tickets_url, TICKETS_TOKEN)
    messages, events = start_handoff(handoff_tracker("conv-handoff-1"))
    code = next(e["value"] for e in events if e.get("name") == "ticket_code")
    assert code.startswith("BHXH-") and code in messages[0]["text"]
    assert "trợ lý ảo tạm dừng" in messages[0]["text"]
    assert events[-1] == ConversationPaused()
    for slot in ("province", "full_name", "phone", "consent", "handoff_request"):
        assert SlotSet(slot, None) in events  # personal details cleared once sent
    assert SlotSet("ticket_phone_last4", "5678") in events
    ticket = read_ticket(tickets, code)
    assert ticket["chat_state"] == "waiting" and ticket["kind"] == "enquiry"
    assert ticket["conversation_id"] == "conv-handoff-1" and ticket["channel"] == "socketio"
    assert ticket["unit"]["code"] == "bhxh.ha-noi"
    # the message that asked for the officer goes along, its personal number masked
    assert "cho tôi gặp cán bộ" in ticket["description"]
    assert "001099012345" not in ticket["description"]
    assert ticket["citizen"]["cccd"] is None

    again, _ = start_handoff(handoff_tracker("conv-handoff-1"))  # the same request re-run
    assert code in again[0]["text"]  # the idempotency key gave back the same ticket


def test_a_failed_handoff_tells_the_truth_and_a_retry_makes_one_ticket(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, f"http://127.0.0.1:{free_port()}", TICKETS_TOKEN)
    tracker = handoff_tracker("conv-handoff-2")
    messages, events = start_handoff(tracker)
    assert "chưa kết nối được" in messages[0]["text"] and "1900 9068" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/request_human"
    assert ConversationPaused() not in events  # nobody would answer a paused chat
    frozen = next(e["value"] for e in events if e.get("name") == "handoff_request")

    use(monkeypatch, tickets.tickets_url, TICKETS_TOKEN)
    tracker.slots["handoff_request"] = frozen
    first, events = start_handoff(tracker)
    code = next(e["value"] for e in events if e.get("name") == "ticket_code")
    second, _ = start_handoff(tracker)
    assert code in first[0]["text"] and code in second[0]["text"]
    listed = requests.get(f"{tickets.tickets_url}/api/v1/tickets/{code}/outbox", timeout=10,
                          headers={"Authorization": f"Bearer {TICKETS_TOKEN}"})
    assert listed.status_code == 200
    chats = requests.post(f"{tickets.tickets_url}/api/v1/chats/sweep", timeout=10,
                          headers={"Authorization": f"Bearer {TICKETS_TOKEN}"}).json()
    assert [c["code"] for c in chats if c["conversation_id"] == "conv-handoff-2"] == [code]
