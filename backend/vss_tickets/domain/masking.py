"""Masking of personal numbers (phone, CCCD, BHXH code) for responses and logs."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

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


# Attributes a record may carry (``logger.info(..., extra={"ticket_code": code})``).
CONTEXT_FIELDS = ("ticket_code", "conversation_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (the record's, UTC), level, logger, message, the ticket
    code or conversation id when the record carries them, the traceback; personal numbers
    masked in all of it."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: str(v) for k in CONTEXT_FIELDS if (v := getattr(record, k, None))})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_numbers(json.dumps(entry, ensure_ascii=False))


def configure_logging(json_lines: bool = False, level: int = logging.INFO) -> None:
    """Log to stdout with personal numbers masked, including uvicorn's loggers: text lines, or
    JSON objects with ``json_lines`` (``LOG_FORMAT=json``)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if json_lines else
                         MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
