"""Parsing of the intake form's answers (pure functions)."""

from __future__ import annotations

import unicodedata

import pytest

from actions import fields


@pytest.mark.parametrize(
    ("text", "kind"),
    [("complaint", "complaint"), ("tôi muốn tố cáo", "denunciation"),
     ("phan anh", "recommendation"), ("I want to complain", "complaint"), ("cái gì đó", None)],
)
def test_kind(text: str, kind: str | None) -> None:
    assert fields.parse_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "topic"),
    [("pension", "pension"), ("về lương hưu", "pension"), ("rut bhxh 1 lan", "one_time_withdrawal"),
     ("thẻ BHYT bị sai", "si_book_hi_card"), ("bỏ qua", "other"), ("xyz", None),
     (unicodedata.normalize("NFD", "thai sản"), "sickness_maternity")],
)
def test_topic(text: str, topic: str | None) -> None:
    assert fields.parse_topic(text) == topic


def test_description_length_and_nfc() -> None:
    assert fields.parse_description("quá ngắn") == (None, "description_too_short")
    assert fields.parse_description("x" * 4001) == (None, "description_too_long")
    text = unicodedata.normalize("NFD", "  Hồ sơ một lần chưa được giải quyết  ")
    assert fields.parse_description(text) == ("Hồ sơ một lần chưa được giải quyết", "")


def test_name_is_required_for_complaints_and_denunciations_only() -> None:
    assert fields.parse_name("nguyễn   văn an", "complaint") == "nguyễn văn an"
    assert fields.parse_name("bỏ qua", "complaint") is None
    assert fields.parse_name("bỏ qua", "denunciation") is None
    assert fields.parse_name("skip", "recommendation") == fields.SKIPPED
    assert fields.parse_name("<script>alert(1)</script>", "recommendation") is None


@pytest.mark.parametrize(
    ("text", "expected", "split"),
    [("079 123 456 789", "079123456789", ("079123456789", None)),
     ("0101234567", "0101234567", (None, "0101234567")),
     ("bo qua", fields.SKIPPED, (None, None)), ("12345", None, None), ("abc", None, None)],
)
def test_id_number_is_a_cccd_or_a_bhxh_code(text: str, expected: str | None, split: tuple) -> None:
    assert fields.parse_id_number(text) == expected
    if expected:
        assert fields.split_id_number(expected) == split


def test_commune_and_phone() -> None:
    assert fields.parse_commune("  Phường   Sài Gòn ") == "Phường Sài Gòn"
    assert fields.parse_commune("Không rõ") == fields.SKIPPED
    assert fields.parse_commune("12345") is None
    assert fields.parse_phone("+84 912 345 678") == "0912345678"
    assert fields.parse_phone("12345") is None


@pytest.mark.parametrize(
    ("text", "field"),
    [("sửa số điện thoại", "phone"), ("change my name", "full_name"), ("doi tinh", "province"),
     ("ok", None)],
)
def test_field_named_in_an_edit_request(text: str, field: str | None) -> None:
    assert fields.field_named(text) == field


@pytest.mark.parametrize(("text", "answer"), [("đừng gửi", False), ("đừng", False),
                                              ("đúng, gửi đi", True), ("không", False)])
def test_dont_send_is_a_no_at_the_summary(text: str, answer: bool) -> None:
    assert fields.yes_no(text) is answer
