"""Vietnamese text normalisation."""

from __future__ import annotations

import unicodedata


def nfc(value: str) -> str:
    """NFC-normalise and strip; Vietnamese text is compared only in this form."""
    return unicodedata.normalize("NFC", value).strip()
