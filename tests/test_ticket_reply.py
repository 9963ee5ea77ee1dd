"""Reading the citizen's answer to a decision (actions/ticket_reply.py)."""

from __future__ import annotations

import pytest

from actions.ticket_reply import rating, wants_reopen


@pytest.mark.parametrize(("text", "value"), [
    ("4", 4), (" 5 sao ", 5), ("3/5", 3), ("1 star", 1), ("5 điểm", 5), ("6", None),
    ("0", None), ("45", None), ("tốt", None), ("", None)])
def test_a_rating_is_one_to_five(text: str, value: int | None) -> None:
    assert rating(text) == value


@pytest.mark.parametrize(("text", "reopen"), [
    ("Mở lại yêu cầu", True), ("mo lai", True), ("Reopen", True), ("tôi chưa đồng ý", True),
    ("cảm ơn", False), ("4", False)])
def test_a_request_to_reopen(text: str, reopen: bool) -> None:
    assert wants_reopen(text) is reopen
