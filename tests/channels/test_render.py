"""Fitting one bot message to a channel's limits."""

from __future__ import annotations

from bot.common.limits import MORE_OPTIONS, Limits, fit

LIMITS = Limits(max_text=50, max_text_with_buttons=20, max_buttons=2, max_title=8)


def test_text_is_split_and_choices_go_on_the_last_part() -> None:
    text = "Một câu khá dài. Câu thứ hai cũng dài. Câu ba."
    buttons = [{"title": "Có", "payload": "/affirm"}, {"title": "Không", "payload": "/deny"}]
    parts = fit(text, buttons, LIMITS)
    assert all(len(p.text) <= 50 for p in parts) and len(parts[-1].text) <= 20
    assert [p.buttons for p in parts[:-1]] == [()] * (len(parts) - 1)
    assert [(c.title, c.payload) for c in parts[-1].buttons] == [("Có", "/affirm"),
                                                                  ("Không", "/deny")]
    assert " ".join(p.text for p in parts) == text


def test_overflowing_buttons_are_listed_and_titles_shortened() -> None:
    buttons = [{"title": f"Lựa chọn {i}", "payload": f"/c{i}"} for i in range(4)]
    parts = fit("Chọn:", buttons, Limits(2000, 2000, 2, 8))
    [part] = parts
    assert [c.title for c in part.buttons] == ["Lựa chọ…", "Lựa chọ…"]
    assert part.text == f"Chọn:\n\n{MORE_OPTIONS}\n• Lựa chọn 2\n• Lựa chọn 3"


def test_a_button_without_payload_sends_its_title_and_untitled_ones_are_dropped() -> None:
    [part] = fit("?", [{"title": "Xin chào"}, {"payload": "/x"}], Limits(100, 100, 3, 20))
    assert [(c.title, c.payload) for c in part.buttons] == [("Xin chào", "Xin chào")]
