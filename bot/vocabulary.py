"""The ticket service's vocabulary: ticket kinds and topics with their Vietnamese and English
labels, read from its reference data (``backend/vss_tickets/refdata/routing.yaml``, where the
service's routing reads them), so the two sides cannot disagree on a code or its name."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from bot.nlu.gazetteer import REFDATA


@cache
def _routing() -> dict[str, Any]:
    return yaml.safe_load((REFDATA / "routing.yaml").read_text(encoding="utf-8"))


def _labels(section: str) -> dict[str, tuple[str, str]]:
    return {code: (names["vi"], names["en"]) for code, names in _routing()[section].items()}


def kinds() -> dict[str, tuple[str, str]]:
    """Ticket kind code → (Vietnamese, English) label, in the service's order."""
    return _labels("kinds")


def topics() -> dict[str, tuple[str, str]]:
    """Topic code → (Vietnamese, English) label, in the service's order."""
    return _labels("topics")


def about_staff_routed_above(kind: str, topic: str) -> bool:
    """Whether the service routes such a ticket about a unit's own staff above that unit
    (``conflict_of_interest`` in routing.yaml)."""
    rule = _routing()["conflict_of_interest"]
    return kind in rule["kinds"] or topic in rule["topics"]
