"""Statutory deadlines of a ticket, computed from deadlines.yaml on a WorkingCalendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from vss_tickets.domain.calendar import WorkingCalendar
from vss_tickets.refdata import read_yaml


@dataclass
class Deadlines:
    """Last days to accept, to first answer and to resolve (None: no such legal step)."""

    acceptance: date | None
    first_response: date | None
    resolution: date


@cache
def deadline_rules() -> dict[str, Any]:
    """The per-kind rules of deadlines.yaml (days, unit, start, variants, legal basis)."""
    return read_yaml("deadlines.yaml")["kinds"]


def _days(rule: dict[str, Any], conditions: set[str]) -> int:
    days = rule["days"]
    for variant in rule.get("variants", ()):
        if conditions.issuperset(variant["when"]):
            days = variant["days"]
    return days


def _end(
    rule: dict[str, Any], conditions: set[str], starts: dict[str, date], cal: WorkingCalendar
) -> date:
    start, days = starts[rule["from"]], _days(rule, conditions)
    if rule["unit"] == "working":
        return cal.add_working_days(start, days)
    return cal.add_calendar_days(start, days)


def compute_deadlines(
    kind: str,
    received: date,
    cal: WorkingCalendar,
    *,
    complex_case: bool = False,
    remote_area: bool = False,
    units_involved: int = 1,
    several_sites: bool = False,
    accepted: date | None = None,
) -> Deadlines:
    """Deadlines for a ticket of `kind` received on `received`. Periods counted from acceptance
    start at `accepted`, or at the acceptance deadline while the ticket is not yet accepted."""
    rules = deadline_rules()
    if kind not in rules:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(rules)}")
    if units_involved < 1:
        raise ValueError("units_involved must be >= 1")
    conditions = {
        name
        for name, on in (
            ("complex_case", complex_case),
            ("remote_area", remote_area),
            ("several_units", units_involved > 1),
            ("several_sites", several_sites),
        )
        if on
    }
    kind_rules = rules[kind]
    starts = {"received": received}

    def end(step: str) -> date | None:
        rule = kind_rules.get(step)
        return None if rule is None else _end(rule, conditions, starts, cal)

    acceptance = end("acceptance")
    starts["acceptance"] = accepted or acceptance or received
    return Deadlines(
        acceptance=acceptance,
        first_response=end("first_response"),
        resolution=_end(kind_rules["resolution"], conditions, starts, cal),
    )


def extend_for_pause(deadline: date, paused_working_days: int, cal: WorkingCalendar) -> date:
    """Push a deadline back by the working days the clock was paused (waiting for the citizen)."""
    if paused_working_days < 0:
        raise ValueError("paused_working_days must be >= 0")
    return cal.add_working_days(deadline, paused_working_days)
