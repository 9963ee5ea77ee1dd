"""Supervisor figures per unit (open, at risk, overdue, on time, resolution time, transfers,
satisfaction) and the geometry of their SVG bar chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vss_tickets.console.queries import at_risk
from vss_tickets.domain.models import Staff, Unit
from vss_tickets.domain.queue import QueueFilter, query
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.infra.clock import VIETNAM


@dataclass
class UnitFigures:
    code: str
    name_vi: str
    name_en: str
    open: int = 0
    at_risk: int = 0
    overdue: int = 0
    transfers: int = 0
    ping_pong: int = 0
    rated: int = 0
    rating_avg: float | None = None
    resolved: int = 0
    on_time_rate: float | None = None
    median_days: float | None = None


def unit_figures(session: Session, staff: Staff, today: date) -> list[UnitFigures]:
    """Figures for every unit in `staff`'s scope that has tickets, most overdue first."""
    tickets = query(staff, QueueFilter(), today).order_by(None).subquery()
    is_open = tickets.c.state.in_(OPEN_STATES)

    def count_if(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(
            tickets.c.unit_code,
            count_if(is_open),
            count_if(at_risk(tickets.c.state, tickets.c.resolution_due, today)),
            count_if(is_open & (tickets.c.resolution_due < today)),
            func.coalesce(func.sum(tickets.c.transfer_count), 0),
            count_if(tickets.c.transfer_count >= 2),
            func.count(tickets.c.rating),
            func.avg(tickets.c.rating),
        ).group_by(tickets.c.unit_code)
    ).all()
    names = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_([r[0] for r in rows])))
    }
    figures = {
        code: UnitFigures(
            code,
            names[code].name_vi,
            names[code].name_en,
            int(o),
            int(r),
            int(late),
            int(t),
            int(pp),
            int(n),
            float(avg) if avg is not None else None,
        )  # fmt: skip
        for code, o, r, late, t, pp, n, avg in rows
    }
    _add_resolution_times(session, tickets, figures)
    return sorted(figures.values(), key=lambda f: (-f.overdue, -f.at_risk, f.code))


def _add_resolution_times(session: Session, tickets, figures: dict[str, UnitFigures]) -> None:
    """On-time rate and median days from receipt to resolution of resolved tickets."""
    rows = session.execute(
        select(
            tickets.c.unit_code,
            tickets.c.created_at,
            tickets.c.resolved_at,
            tickets.c.resolution_due,
        ).where(tickets.c.resolved_at.is_not(None))
    )
    per_unit: dict[str, list[tuple[float, bool]]] = {}
    for code, created, resolved, due in rows:
        days = (resolved - created).total_seconds() / 86400
        per_unit.setdefault(code, []).append((days, resolved.astimezone(VIETNAM).date() <= due))
    for code, items in per_unit.items():
        fig = figures[code]
        fig.resolved = len(items)
        fig.on_time_rate = sum(ok for _, ok in items) / len(items)
        fig.median_days = median(days for days, _ in items)


@dataclass
class Bar:
    """One row of the stacked bar chart: the unit's name (HTML, so it wraps instead of being
    cut) and its bar's parts as (x, width) in percent of the bar's width."""

    label: str
    code: str
    overdue: tuple[float, float]
    at_risk: tuple[float, float]
    other: tuple[float, float]
    total: int


def chart_bars(figures: list[UnitFigures], lang: str) -> list[Bar]:
    """Stacked bars (overdue, at risk, other open) scaled to the largest open count."""
    scale_max = max((f.open for f in figures), default=0) or 1
    bars = []
    for f in figures:
        widths = [
            n * 100 / scale_max for n in (f.overdue, f.at_risk, f.open - f.overdue - f.at_risk)
        ]
        x = 0.0
        parts = []
        for w in widths:
            parts.append((x, w))
            x += w
        label = f.name_en if lang == "en" else f.name_vi
        bars.append(Bar(label, f.code, parts[0], parts[1], parts[2], f.open))
    return bars
