"""Rendering of outbox notifications for the citizen's chat."""

from __future__ import annotations

from bot.delivery import render

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
