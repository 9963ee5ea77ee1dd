"""The ticket service's vocabulary: ticket kinds, topics and states with their Vietnamese and
English labels, read from its reference data (``backend/vss_tickets/refdata/routing.yaml`` and
``states.yaml``, which the service reads too), so the two sides cannot disagree on a code or its
name."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from bot.common.gazetteer import REFDATA


@cache
def _routing() -> dict[str, Any]:
    return yaml.safe_load((REFDATA / "routing.yaml").read_text(encoding="utf-8"))


@cache
def _states() -> dict[str, Any]:
    return yaml.safe_load((REFDATA / "states.yaml").read_text(encoding="utf-8"))["states"]


def _labels(section: str) -> dict[str, tuple[str, str]]:
    return {code: (names["vi"], names["en"]) for code, names in _routing()[section].items()}


def kinds() -> dict[str, tuple[str, str]]:
    """Ticket kind code → (Vietnamese, English) label, in the service's order."""
    return _labels("kinds")


def topics() -> dict[str, tuple[str, str]]:
    """Topic code → (Vietnamese, English) label, in the service's order."""
    return _labels("topics")


def state_labels() -> dict[str, tuple[str, str]]:
    """State code → (Vietnamese, English) name, as a notice reads it ("đã thụ lý")."""
    return {code: (s["label"]["vi"], s["label"]["en"]) for code, s in _states().items()}


def state_statuses() -> dict[str, tuple[str, str]]:
    """State code → (Vietnamese, English) status the status check tells the citizen."""
    return {code: (s["status"]["vi"], s["status"]["en"]) for code, s in _states().items()}


def about_staff_routed_above(kind: str, topic: str) -> bool:
    """Whether the service routes such a ticket about a unit's own staff above that unit
    (``conflict_of_interest`` in routing.yaml)."""
    rule = _routing()["conflict_of_interest"]
    return kind in rule["kinds"] or topic in rule["topics"]
