"""Mask personal numbers (phone, CCCD, BHXH code) before they reach a log.

``install_log_masking`` swaps the logging record factory so that every record
created in the process formats its message through :func:`mask`, whichever
library logs it.
"""

from __future__ import annotations

import logging
import re

# Runs of 9 or more digits, possibly grouped by spaces, dots or dashes, with an
# optional +84 prefix: Vietnamese phones (10–11 digits), CCCD (12), BHXH codes (10).
# Digits glued to letters (hashes, ids such as "8fe943547895") are not personal numbers.
# Ticket codes (BHXH-2026-000123) are not personal and are matched first to keep them.
_NUMBER = re.compile(
    r"(?P<ticket>BHXH-\d{4}-\d{6})|(?<![^\W_])\+?\d(?:[ .\-]?\d){8,}(?![^\W_])"
)


def mask(text: str) -> str:
    """Replace all but the last two digits of each personal-number-like run by ``*``."""

    def _mask(match: re.Match[str]) -> str:
        if match.group("ticket"):
            return match.group()
        digits = re.sub(r"\D", "", match.group())
        return "*" * (len(digits) - 2) + digits[-2:]

    return _NUMBER.sub(_mask, text)


class _MaskedRecord(logging.LogRecord):
    def getMessage(self) -> str:  # noqa: N802 - overrides the logging API
        return mask(super().getMessage())


def install_log_masking() -> None:
    """Make every log record of this process mask personal numbers (idempotent)."""
    logging.setLogRecordFactory(_MaskedRecord)
