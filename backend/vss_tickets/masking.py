"""Masking of personal numbers (phone, CCCD, BHXH code) for responses and logs."""

from __future__ import annotations

import logging
import re
import sys

_LONG_NUMBER = re.compile(r"(?<!\d)(?:\+?84|0)?\d{8,11}(?!\d)")


def mask_tail(value: str | None, keep: int = 4) -> str | None:
    """Replace all but the last `keep` characters with '*'."""
    if value is None:
        return None
    return "*" * max(len(value) - keep, 0) + value[-keep:]


def mask_numbers(text: str) -> str:
    """Mask every run of 9–12 digits (phone, CCCD, BHXH code) in free text."""
    return _LONG_NUMBER.sub(lambda m: mask_tail(m.group(0), 2) or "", text)


class MaskingFormatter(logging.Formatter):
    """Formatter that masks personal numbers in the whole record, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers(super().format(record))


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stdout with personal numbers masked, including uvicorn's loggers."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
