"""What the Rasa server counts of its turns, from the events the tracker store is about to
store (it sees every turn, whatever the channel): citizen messages by channel, the time from
loading the conversation to storing its answer (a monotonic clock, started by ``started`` in the
same task), the fallbacks by action."""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextvars import ContextVar

from prometheus_client import Counter, Histogram
from rasa.shared.core.events import ActionExecuted, Event, UserUttered

from bot.common.conversation_ids import PREFIXES

# The two-stage fallback (data/dialogue/rules.yml, actions/fallback.py): each of its steps ("did
# you mean", "say it another way"), and its giving up.
FALLBACKS = ("action_two_stage_fallback", "action_default_fallback")
TURNS = Counter("vss_rasa_turns", "Citizen messages handled, by channel", ["channel"])
TURN_SECONDS = Histogram(
    "vss_rasa_turn_seconds", "From loading a conversation to storing its answer, by channel",
    ["channel"], buckets=(0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60))
FALLBACK_RUNS = Counter("vss_rasa_fallbacks", "Fallback actions run, by action", ["action"])
_started: ContextVar[float | None] = ContextVar("turn_started", default=None)


def started() -> None:
    """A turn loads its conversation now (the tracker store's retrieve)."""
    _started.set(time.monotonic())


def record(events: Iterable[Event]) -> None:
    """Count the turns and fallbacks among ``events`` (new in one save)."""
    for event in events:
        if isinstance(event, UserUttered):
            channel = event.input_channel if event.input_channel in PREFIXES else "other"
            TURNS.labels(channel).inc()
            began = _started.get()
            if began is not None:
                TURN_SECONDS.labels(channel).observe(time.monotonic() - began)
        elif isinstance(event, ActionExecuted) and event.action_name in FALLBACKS:
            FALLBACK_RUNS.labels(event.action_name).inc()
