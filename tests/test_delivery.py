"""Rendering of outbox notifications for the citizen's chat, and the live-chat relay's choice
of the citizen messages to pass on."""

from __future__ import annotations

from bot.delivery import events, render
from bot.handoff_relay import new_messages, paused_since

REPLY = {
    "id": 7, "ticket_code": "BHXH-2026-000042", "event": "staff_reply",
    "payload": {"code": "BHXH-2026-000042", "state": "in_progress", "language": "vi",
                "text_vi": "Yêu cầu BHXH-2026-000042: đang xử lý.",
                "text_en": "Request BHXH-2026-000042: in progress.",
                "message": "Chúng tôi đã nhận đủ hồ sơ."},
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
                        "text_vi": "Yêu cầu BHXH-2026-000042: đã giải quyết.",
                        "resolution": "Đã chi trả bổ sung tháng 10."}}
    lines = render(item).splitlines()
    assert lines[0] == "Yêu cầu BHXH-2026-000042: đã giải quyết."
    assert lines[1] == "Kết quả giải quyết: Đã chi trả bổ sung tháng 10."
    assert "tra cứu phiếu" in lines[2]


def test_a_reply_in_a_held_live_chat_reads_as_chat() -> None:
    held = {**REPLY, "payload": {**REPLY["payload"], "chat_state": "held"}}
    assert render(held) == "Cán bộ: Chúng tôi đã nhận đủ hồ sơ."
    english = {**held, "payload": {**held["payload"], "language": "en"}}
    assert events(english) == [{"event": "bot", "text": "Officer: Chúng tôi đã nhận đủ hồ sơ.",
                                "metadata": {"outbox_id": 7}}]


def test_no_commands_are_suggested_while_the_conversation_is_paused_for_a_chat() -> None:
    taken = {**REPLY, "event": "chat_taken",
             "payload": {**REPLY["payload"], "chat_state": "held", "message": None,
                         "text_vi": "Một cán bộ BHXH đã nhận trao đổi với bạn."}}
    assert render(taken) == "Một cán bộ BHXH đã nhận trao đổi với bạn."


def test_the_end_of_a_live_chat_resumes_the_conversation_and_offers_a_ticket() -> None:
    for event, words in (("chat_released", "Trợ lý ảo tiếp tục hỗ trợ bạn."),
                         ("chat_expired", "vẫn được ghi nhận với mã BHXH-2026-000042")):
        item = {**REPLY, "event": event,
                "payload": {**REPLY["payload"], "chat_state": "closed", "message": None,
                            "text_vi": "Cán bộ đã kết thúc trao đổi trực tiếp."}}
        resume, listen, message = events(item)
        assert resume == {"event": "resume"}
        assert listen == {"event": "action", "name": "action_listen"}
        assert message["text"].startswith("Cán bộ đã kết thúc trao đổi trực tiếp.\n")
        assert words in message["text"] and "tra cứu phiếu" not in message["text"]
        assert message["data"] == {"buttons": [{"title": "Gửi phiếu yêu cầu",
                                                "payload": "/file_complaint"}]}


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
