"""``LOG_FORMAT=json``: one JSON object per log line for the assistant's processes.

Each line holds the record's time (UTC), level, logger, message and, where known, the
conversation id (set for the turn by the tracker store, for an action call by the action
server) or the ticket code (``extra={"ticket_code": ...}``). Personal numbers are masked in the
whole line, tracebacks included (bot/common/pii.py masks every record's message in any format).
``text`` (the default) keeps the formats Rasa, rasa-sdk and ``deliver`` set up themselves.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

from bot.common.identifiers import mask_numbers

LOG_FORMATS = ("text", "json")
# The conversation the current turn or action call belongs to.
conversation: ContextVar[str | None] = ContextVar("conversation", default=None)
# Loggers that bring their own handlers (Sanic's): in JSON mode they go through the root's.
OWN_HANDLERS = ("sanic.root", "sanic.error", "sanic.access")


class JsonFormatter(logging.Formatter):
    """A record as one JSON object, personal numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if found := getattr(record, "conversation_id", None) or conversation.get():
            entry["conversation_id"] = str(found)
        if code := getattr(record, "ticket_code", None):
            entry["ticket_code"] = str(code)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_numbers(json.dumps(entry, ensure_ascii=False))


def configure(log_format: str, level: int = logging.INFO) -> None:
    """For ``json``: every record of the process to stdout as JSON lines, replacing the handlers
    installed before (Rasa's coloured ones, Sanic's); ``text`` changes nothing."""
    if log_format != "json":
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(root.level or level, level))
    logging.captureWarnings(True)  # Python's warnings as records too, not bare stderr lines
    for name in OWN_HANDLERS:
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
