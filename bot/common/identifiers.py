"""Personal identifiers (phone, CCCD, BHXH code) and their masking in free text, by the rules
the ticket service keeps (`backend/vss_tickets/refdata/identifiers.yaml`, read by
`vss_tickets/domain/identifiers.py` too), so both sides accept and mask the same numbers."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from bot.common.gazetteer import REFDATA


@cache
def rules() -> dict[str, Any]:
    return yaml.safe_load((REFDATA / "identifiers.yaml").read_text(encoding="utf-8"))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    phone, masking = rules()["phone"], rules()["masking"]
    run = masking["min_digits"] - 1
    return (
        re.compile(f"[{re.escape(phone['separators'])}]"),
        re.compile(f"{phone['mobile']}|{phone['landline']}"),
        re.compile(rf"(?P<ticket>{masking['ticket_code']})"
                   rf"|(?<![^\W_])\+?\d(?:[ .\-]?\d){{{run},}}(?![^\W_])"),
    )


def normalise_phone(text: str) -> str | None:
    """The number as 0 + 9 digits (mobile) or 0 + 10 digits (landline), else ``None``."""
    separators, valid, _ = _patterns()
    country = rules()["phone"]["country_code"]
    value = separators.sub("", text.strip())
    if value.startswith("+" + country):
        value = "0" + value[len(country) + 1:]
    elif value.startswith(country) and len(value) in (11, 12):
        value = "0" + value[len(country):]
    return value if value.isascii() and valid.fullmatch(value) else None


def number_kind(digits: str) -> str | None:
    """``cccd`` or ``bhxh_code`` for a string of exactly that many ASCII digits, else ``None``."""
    if not (digits.isascii() and digits.isdigit()):
        return None
    return next((kind for kind in ("cccd", "bhxh_code")
                 if len(digits) == rules()[kind]["digits"]), None)


def mask_numbers(text: str) -> str:
    """Every personal-number-like run in ``text`` with all but its last digits as ``*``."""
    keep = rules()["masking"]["keep"]

    def _mask(match: re.Match[str]) -> str:
        if match.group("ticket"):
            return match.group()
        digits = re.sub(r"\D", "", match.group())
        return "*" * (len(digits) - keep) + digits[-keep:]

    return _patterns()[2].sub(_mask, text)
