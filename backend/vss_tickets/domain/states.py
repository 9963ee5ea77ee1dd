"""Ticket states, defined once in the reference data (`refdata/states.yaml`): their codes in
order, which are open, and their Vietnamese and English labels."""

from __future__ import annotations

from vss_tickets.refdata import read_yaml

_STATES: dict[str, dict] = read_yaml("states.yaml")["states"]

STATES: tuple[str, ...] = tuple(_STATES)
OPEN_STATES: tuple[str, ...] = tuple(code for code, s in _STATES.items() if s["open"])
# state → (Vietnamese, English) name, as staff and notices read it
LABELS: dict[str, tuple[str, str]] = {
    code: (s["label"]["vi"], s["label"]["en"]) for code, s in _STATES.items()
}
