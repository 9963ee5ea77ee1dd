"""Rendering of outbox notifications for the citizen's chat, and the live-chat relay's choice
of the citizen messages to pass on (its ticket service and Rasa replaced by stand-ins)."""

from __future__ import annotations

import re
from typing import Any

from bot.common.tickets import TicketServiceError
from bot.common.vocabulary import state_labels
from bot.deliver.delivery import WORDS, events, render
from bot.deliver.handoff_relay import HandoffRelay, new_messages, paused_since

REPLY = {
    "id": 7, "ticket_code": "BHXH-2026-000042", "event": "staff_reply",
    "payload": {"code": "BHXH-2026-000042", "state": "in_progress", "language": "vi",
                "unit": "bhxh.ha-noi", "message": "Chúng tôi đã nhận đủ hồ sơ."},
}


def test_a_staff_reply_carries_the_officers_words_in_the_tickets_language() -> None:
    text = render(REPLY)
    assert text.splitlines()[:2] == ["Yêu cầu BHXH-2026-000042: đang xử lý.",
                                     "Cán bộ trả lời: Chúng tôi đã nhận đủ hồ sơ."]
    english = render({**REPLY, "payload": {**REPLY["payload"], "language": "en"}})
    assert english.startswith("Request BHXH-2026-000042: in progress.\nThe officer replied: ")


def test_a_status_change_with_an_outcome() -> None:
    item = {**REPLY, "event": "status_changed",
            "payload": {**REPLY["payload"], "state": "resolved", "message": None,
                        "resolution": "Đã chi trả bổ sung tháng 10."}}
    lines = render(item).splitlines()
    assert lines[0] == "Yêu cầu BHXH-2026-000042: đã giải quyết."
    assert lines[1] == "Kết quả giải quyết: Đã chi trả bổ sung tháng 10."
    assert "từ 1 (không hài lòng) đến 5" in lines[2] and len(lines) == 3


def test_a_decision_asks_for_a_rating_and_offers_reopening_within_the_period() -> None:
    item = {**REPLY, "event": "status_changed",
            "payload": {**REPLY["payload"], "state": "resolved", "message": None,
                        "language": "en", "resolution": "Paid in full.", "reopen_days": 30}}
    message, *loop = events(item)
    assert "from 1 (not at all) to 5" in message["text"] and "within 30 days" in message["text"]
    assert [b["payload"] for b in message["data"]["buttons"]] == ["1", "2", "3", "4", "5",
                                                                  "Reopen"]
    assert {"event": "active_loop", "name": "ticket_reply_form"} in loop
    assert {"event": "slot", "name": "reply_kind", "value": "rating"} in loop
    assert {"event": "slot", "name": "reply_ticket", "value": "BHXH-2026-000042"} in loop


def test_an_information_request_makes_the_next_message_the_answer() -> None:
    item = {**REPLY, "event": "info_requested",
            "payload": {**REPLY["payload"], "state": "waiting_citizen",
                        "message": "Bạn gửi giúp ảnh quyết định nghỉ việc."}}
    message, *loop = events(item)
    assert "Cán bộ đề nghị bạn bổ sung: Bạn gửi giúp ảnh quyết định nghỉ việc." in message["text"]
    assert "tin nhắn tiếp theo của bạn sẽ được chuyển đến cán bộ" in message["text"]
    assert {"event": "slot", "name": "reply_kind", "value": "info"} in loop
    assert loop[-1] == {"event": "slot", "name": "requested_slot", "value": "ticket_reply"}


def test_a_transfer_names_the_new_office() -> None:
    item = {**REPLY, "event": "status_changed",
            "payload": {**REPLY["payload"], "state": "accepted", "message": None,
                        "to_unit": "bhxh.nghe-an",
                        "to_unit_name_vi": "Bảo hiểm xã hội tỉnh Nghệ An",
                        "to_unit_name_en": "Nghệ An Provincial Social Security"}}
    assert render(item).splitlines()[0] == (
        "Yêu cầu BHXH-2026-000042 đã được chuyển đến Bảo hiểm xã hội tỉnh Nghệ An để giải quyết.")
    assert "đã thụ lý" not in render(item)
    assert len(events(item)) == 1


def test_a_moved_deadline_is_announced_with_the_reason() -> None:
    item = {**REPLY, "event": "deadline_moved",
            "payload": {**REPLY["payload"], "message": None, "resolution_due": "2027-01-20",
                        "paused_working_days": 3}}
    first = render(item).splitlines()[0]
    assert "được lùi đến ngày 20/01/2027" in first and "(3 ngày làm việc)" in first


def test_a_reply_in_a_held_live_chat_reads_as_chat() -> None:
    held = {**REPLY, "payload": {**REPLY["payload"], "chat_state": "held"}}
    assert render(held) == "Cán bộ: Chúng tôi đã nhận đủ hồ sơ."
    english = {**held, "payload": {**held["payload"], "language": "en"}}
    assert events(english) == [{"event": "bot", "text": "Officer: Chúng tôi đã nhận đủ hồ sơ.",
                                "metadata": {"outbox_id": 7}}]


def test_no_commands_are_suggested_while_the_conversation_is_paused_for_a_chat() -> None:
    taken = {**REPLY, "event": "chat_taken",
             "payload": {**REPLY["payload"], "chat_state": "held", "message": None}}
    assert render(taken) == ("Một cán bộ BHXH đã nhận trao đổi với bạn về yêu cầu "
                             "BHXH-2026-000042. Bạn cứ nhắn tại đây.")


def test_the_end_of_a_live_chat_resumes_the_conversation_and_offers_a_ticket() -> None:
    for event, first, words in (
        ("chat_released", "Cán bộ đã kết thúc trao đổi trực tiếp về yêu cầu BHXH-2026-000042.",
         "Trợ lý ảo tiếp tục hỗ trợ bạn."),
        ("chat_expired", "Hiện chưa có cán bộ tiếp nhận trao đổi trực tiếp về yêu cầu "
         "BHXH-2026-000042.", "vẫn được ghi nhận với mã BHXH-2026-000042"),
    ):
        item = {**REPLY, "event": event,
                "payload": {**REPLY["payload"], "chat_state": "closed", "message": None}}
        resume, listen, message = events(item)
        assert resume == {"event": "resume"}
        assert listen == {"event": "action", "name": "action_listen"}
        assert message["text"].startswith(first + "\n")
        assert words in message["text"] and "tra cứu phiếu" not in message["text"]
        assert message["data"] == {"buttons": [{"title": "Gửi phiếu yêu cầu",
                                                "payload": "/file_complaint"}]}


def test_every_sentence_has_both_languages_with_the_same_facts() -> None:
    for key, (vi, en) in WORDS.items():
        assert vi.strip() and en.strip() and vi != en, key
        assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_state_is_announced_in_the_tickets_language() -> None:
    for state, (vi, en) in state_labels().items():
        item = {**REPLY, "event": "status_changed",
                "payload": {**REPLY["payload"], "state": state, "message": None}}
        english = {**item, "payload": {**item["payload"], "language": "en"}}
        assert render(item).splitlines()[0] == f"Yêu cầu BHXH-2026-000042: {vi}.", state
        assert render(english).splitlines()[0] == f"Request BHXH-2026-000042: {en}.", state


def test_only_typed_messages_after_the_pause_are_passed_on() -> None:
    history = [
        {"event": "user", "timestamp": 10.0, "text": "cho tôi gặp cán bộ"},
        {"event": "pause", "timestamp": 20.0},
        {"event": "user", "timestamp": 21.0, "text": "  Tôi bị mất sổ BHXH  "},
        {"event": "user", "timestamp": 22.0, "text": "/affirm"},
        {"event": "user", "timestamp": 23.0, "text": "EXTERNAL: staff_reply"},
        {"event": "bot", "timestamp": 24.0, "text": "Cán bộ: chào bạn"},
        {"event": "user", "timestamp": 25.0, "text": "x" * 5000},
    ]
    chat = {"requested_at": "2026-03-02T09:00:00+07:00"}
    since = paused_since(history, chat)
    assert since == 20.0
    passed = list(new_messages(history, since))
    assert passed == [("Tôi bị mất sổ BHXH", 21.0), ("x" * 4000, 25.0)]
    assert list(new_messages(history, 21.0)) == [("x" * 4000, 25.0)]
    # never paused (e.g. the pause was not recorded): the chat's request time
    assert paused_since(history[:1], chat) == 1772416800.0


class Chats:
    """The ticket service's live-chat endpoints: active chats with the relay's position, and
    chat messages received (a chat listed in ``closed`` refuses them with 409)."""

    def __init__(self, *codes: str) -> None:
        self.active = list(codes)
        self.closed: set[str] = set()
        self.received: list[tuple[str, str]] = []
        self.relayed_until: dict[str, float] = {}

    def sweep_chats(self) -> list[dict[str, Any]]:
        return [{"code": code, "conversation_id": f"conv-{code}",
                 "requested_at": "2026-03-02T09:00:00+07:00",
                 "relayed_until": self.relayed_until.get(code)} for code in self.active]

    def add_chat_message(
        self, code: str, conversation_id: str, body: str, sent_at: float
    ) -> dict[str, Any]:
        if code in self.closed:
            raise TicketServiceError("ticket service answered 409", status=409)
        assert conversation_id == f"conv-{code}"
        if sent_at <= self.relayed_until.get(code, 0.0):
            return {"duplicate": True}
        self.relayed_until[code] = sent_at
        self.received.append((code, body))
        return {"duplicate": False}


class Relay(HandoffRelay):
    """The relay with each conversation's events given instead of read from Rasa."""

    def __init__(self, chats: Chats, history: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__(tickets=chats)  # type: ignore[arg-type]
        self.history = history

    def conversation_events(self, conversation: str) -> list[dict[str, Any]]:
        return self.history[conversation]


def said(*texts: str, start: float = 21.0) -> list[dict[str, Any]]:
    return [{"event": "pause", "timestamp": 20.0}] + [
        {"event": "user", "timestamp": start + i, "text": text} for i, text in enumerate(texts)]


def test_each_message_is_passed_on_once_by_any_number_of_relays() -> None:
    chats = Chats("A", "B")
    history = {"conv-A": said("một", "hai"), "conv-B": said("ba")}
    relay = Relay(chats, history)
    assert relay.run_once() == 3
    history["conv-A"] += said("bốn", start=30.0)[1:]
    other = Relay(chats, history)  # a second deliver process, or this one restarted
    assert other.run_once() == 1  # only the new one
    assert relay.run_once() == 0
    assert chats.received == [("A", "một"), ("A", "hai"), ("B", "ba"), ("A", "bốn")]


def test_a_chat_that_refuses_messages_stops_the_pass_for_that_chat() -> None:
    chats = Chats("A", "B")
    chats.closed.add("A")  # ended between the sweep and the message
    relay = Relay(chats, {"conv-A": said("một", "hai"), "conv-B": said("ba")})
    assert relay.run_once() == 1 and chats.received == [("B", "ba")]
