"""Personal identifiers (phone, CCCD, BHXH code) and their masking in free text, by the rules of
`refdata/identifiers.yaml`, which the assistant reads too (`bot/common/identifiers.py`)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from vss_tickets.refdata import read_yaml


@cache
def rules() -> dict[str, Any]:
    return read_yaml("identifiers.yaml")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    phone, masking = rules()["phone"], rules()["masking"]
    separators = re.compile(f"[{re.escape(phone['separators'])}]")
    valid = re.compile(f"{phone['mobile']}|{phone['landline']}")
    run = masking["min_digits"] - 1
    number = re.compile(
        rf"(?P<ticket>{masking['ticket_code']})|(?<![^\W_])\+?\d(?:[ .\-]?\d){{{run},}}(?![^\W_])"
    )
    return separators, valid, number


def normalise_phone(raw: str) -> str:
    """The number as 0 + 9 digits (mobile) or 0 + 10 digits (landline); ValueError otherwise."""
    separators, valid, _ = _patterns()
    phone = rules()["phone"]
    value = separators.sub("", raw.strip())
    country = phone["country_code"]
    if value.startswith("+" + country):
        value = "0" + value[len(country) + 1 :]
    elif value.startswith(country) and len(value) in (11, 12):
        value = "0" + value[len(country) :]
    if not (value.isascii() and valid.fullmatch(value)):
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


def mask_numbers(text: str) -> str:
    """Every personal-number-like run in `text` with all but its last digits as '*'."""
    keep = rules()["masking"]["keep"]

    def _mask(match: re.Match[str]) -> str:
        if match.group("ticket"):
            return match.group()
        digits = re.sub(r"\D", "", match.group())
        return "*" * (len(digits) - keep) + digits[-keep:]

    return _patterns()[2].sub(_mask, text)
