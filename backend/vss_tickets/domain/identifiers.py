"""Personal identifiers (phone, CCCD, BHXH code) checked for the API, with the error messages
of `refdata/identifiers.yaml`; the rules themselves and the masking are
`refdata/identifier_rules.py`, which the assistant runs too."""

from __future__ import annotations

import re

from vss_tickets.refdata.identifier_rules import mask_numbers, phone_or_none, rules

__all__ = ["check_digits", "check_number", "mask_numbers", "normalise_phone"]


def normalise_phone(raw: str) -> str:
    """The number as 0 + 9 digits (mobile) or 0 + 10 digits (landline); ValueError otherwise."""
    value = phone_or_none(raw)
    if value is None:
        phone = rules()["phone"]
        raise ValueError(f"{phone['message_vi']} / {phone['message_en']}")
    return value


def check_digits(raw: str, length: int, label_vi: str, label_en: str) -> str:
    """`raw` without spaces if it is exactly `length` ASCII digits, else ValueError."""
    value = re.sub(r"\s", "", raw)
    if not (value.isascii() and value.isdigit() and len(value) == length):
        raise ValueError(
            f"{label_vi} phải gồm đúng {length} chữ số 0-9 / "
            f"{label_en} must be exactly {length} digits 0-9"
        )
    return value


def check_number(kind: str, raw: str) -> str:
    """A CCCD (`cccd`) or BHXH code (`bhxh_code`), by the rules' digit count."""
    rule = rules()[kind]
    return check_digits(raw, rule["digits"], rule["label_vi"], rule["label_en"])
