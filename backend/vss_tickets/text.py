"""Vietnamese text normalisation and validation of personal numbers."""

from __future__ import annotations

import re
import unicodedata

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0\d{9}")


def nfc(value: str) -> str:
    """NFC-normalise and strip; Vietnamese text is compared only in this form."""
    return unicodedata.normalize("NFC", value).strip()


def normalise_phone(raw: str) -> str:
    """Return a Vietnamese phone number as 10 digits starting with 0, or raise ValueError."""
    value = _PHONE_SEPARATORS.sub("", raw)
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    if not _PHONE.fullmatch(value):
        raise ValueError(
            "Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 hoặc +84 / "
            "Invalid phone number: 10 digits starting with 0 or +84"
        )
    return value


def check_digits(raw: str, length: int, label_vi: str, label_en: str) -> str:
    """Return `raw` without spaces if it is exactly `length` digits, else raise ValueError."""
    value = re.sub(r"\s", "", raw)
    if not (value.isascii() and value.isdigit() and len(value) == length):
        raise ValueError(
            f"{label_vi} phải gồm đúng {length} chữ số 0-9 / "
            f"{label_en} must be exactly {length} digits 0-9"
        )
    return value
