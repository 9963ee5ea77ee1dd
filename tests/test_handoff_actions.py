"""Asking for a human: real rasa-sdk trackers and dispatchers. Contract tests against the real
ticket service process (whose clock cannot be frozen from outside, so they check that the reply
follows whatever the service answers, plus one service configured to be closed almost always);
the rendering of given answers against a local fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHuman, reply
from bot.tickets import TicketClient
from tests.fake_tickets import FakeTicketService
from tests.stack import Stack, free_port

VN = timezone(timedelta(hours=7))
HOURS = "07:30-11:30,13:00-16:30"
TICKET_BUTTON = {"vi": {"title": "Gửi phiếu yêu cầu", "payload": "/file_complaint"},
                 "en": {"title": "File a ticket", "payload": "/file_complaint"}}


def start(workdir: Path, office_hours: str) -> Stack:
    stack = Stack.configure(workdir)
    stack.env["TICKETS_OFFICE_HOURS"] = office_hours
    try:
        stack.start_tickets()
    except Exception:
        print(stack.logs())
        stack.stop_all()
        raise
    return stack


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The ticket service with its default office hours."""
    stack = start(Path(tmp_path_factory.mktemp("tickets")), HOURS)
    yield stack
    stack.stop_all()


@pytest.fixture(scope="module")
def night_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A ticket service open only 00:00-00:01 on working days: closed at almost any moment."""
    stack = start(Path(tmp_path_factory.mktemp("night")), "00:00-00:01")
    yield stack
    stack.stop_all()


def use(monkeypatch: pytest.MonkeyPatch, url: str, token: str) -> None:
    monkeypatch.setenv("TICKETS_URL", url)
    monkeypatch.setenv("TICKETS_SERVICE_TOKEN", token)


def tracker(language: str = "vi", active_loop: str | None = None) -> Tracker:
    return Tracker(
        sender_id="conv-handoff", slots={"language": language},
        latest_message={"text": "cho tôi gặp cán bộ", "intent": {"name": "request_human"},
                        "entities": []},
        events=[], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def ask_human(language: str = "vi", active_loop: str | None = None) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    events = ActionRequestHuman().run(dispatcher, tracker(language, active_loop), {})
    assert events == []
    (message,) = dispatcher.messages
    return message


# --- against the real ticket service process --------------------------------------------------


def test_the_client_reads_office_hours_from_the_service(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, tickets.tickets_url, tickets.env["TICKETS_SERVICE_TOKEN"])
    answer = TicketClient().office_hours()
    assert answer["hours"] == HOURS
    now = datetime.fromisoformat(answer["now"])
    assert now.utcoffset() == timedelta(hours=7)
    assert abs(now - datetime.now(VN)) < timedelta(minutes=1)
    if answer["open"]:
        assert answer["next_open"] is None
        assert datetime.fromisoformat(answer["closes_at"]) > now
    else:
        next_open = datetime.fromisoformat(answer["next_open"])
        assert next_open > now and next_open.utcoffset() == timedelta(hours=7)
        assert next_open.strftime("%H:%M") in ("07:30", "13:00")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_reply_follows_the_services_answer(
    tickets: Stack, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    use(monkeypatch, tickets.tickets_url, tickets.env["TICKETS_SERVICE_TOKEN"])
    before = TicketClient().office_hours()
    message = ask_human(language)
    after = TicketClient().office_hours()
    expected = [reply(tracker(language), answer) for answer in (before, after)]
    assert (message["text"], message["buttons"]) in expected
    assert message["buttons"] == [TICKET_BUTTON[language]]
    if before["open"] and after["open"]:
        assert "1900 9068" in message["text"]


def test_a_closed_office_says_when_staff_are_next_available(
    night_office: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, night_office.tickets_url, night_office.env["TICKETS_SERVICE_TOKEN"])
    answer = TicketClient().office_hours()
    if answer["open"]:
        pytest.skip("run in the one minute a day this office is open")
    next_open = datetime.fromisoformat(answer["next_open"])
    assert next_open.strftime("%H:%M") == "00:00" and next_open.date() > datetime.now(VN).date()
    vi, en = ask_human("vi"), ask_human("en")
    assert f"ngày {next_open:%d/%m/%Y}, lúc 00:00" in vi["text"]
    assert "ngoài giờ làm việc" in vi["text"]
    assert f"{next_open.day} {next_open:%B %Y} at 00:00" in en["text"]
    assert next_open.strftime("%A") in en["text"]
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


def test_open_office_gives_the_hotline_and_a_ticket_button(fake: FakeTicketService) -> None:
    fake.office_hours = OPEN
    vi, en = ask_human("vi"), ask_human("en")
    assert vi["text"].startswith("Hiện đang trong giờ làm việc: cán bộ BHXH có thể hỗ trợ bạn "
                                 "qua tổng đài 1900 9068.")
    assert en["text"].startswith("It is within working hours: a VSS officer can help you on "
                                 "the hotline 1900 9068.")
    assert vi["buttons"] == [TICKET_BUTTON["vi"]] and en["buttons"] == [TICKET_BUTTON["en"]]
    # no live takeover exists yet: nothing may say the chat is being passed to an officer
    for claim in ("kết nối", "chuyển bạn", "đang chờ", "connect", "transfer", "hold on"):
        assert claim not in vi["text"].lower() and claim not in en["text"].lower()
    assert fake.requests[0]["path"] == "/api/v1/office-hours"
    assert fake.requests[0]["headers"]["Authorization"] == "Bearer fake-token"


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
