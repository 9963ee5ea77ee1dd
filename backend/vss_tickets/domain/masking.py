"""Masking of personal numbers (phone, CCCD, BHXH code) for responses and logs."""

from __future__ import annotations

import logging
import sys

from vss_tickets.domain.identifiers import mask_numbers


def mask_tail(value: str | None, keep: int = 4) -> str | None:
    """Replace all but the last `keep` characters with '*'."""
    if value is None:
        return None
    return "*" * max(len(value) - keep, 0) + value[-keep:]


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
