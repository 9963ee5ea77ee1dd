"""Vietnamese phone numbers: validation and one canonical form."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers have 10 digits (03x, 05x, 07x, 08x, 09x); landlines 11 (02x).
_VALID = re.compile(r"0[35789]\d{8}|02\d{9}")


def normalise_phone(text: str) -> str | None:
    """Return the number as ``0xxxxxxxxx`` or ``None`` when it is not a valid VN phone."""
    digits = _SEPARATORS.sub("", text.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _VALID.fullmatch(digits) else None
