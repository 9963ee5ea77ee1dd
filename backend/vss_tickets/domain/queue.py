"""Staff queue: unit-scoped ticket search with filters and pagination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from vss_tickets.domain.auth import in_scope, scope
from vss_tickets.domain.errors import not_found
from vss_tickets.domain.models import Staff, Ticket
from vss_tickets.domain.states import OPEN_STATES


@dataclass
class QueueFilter:
    states: list[str] | None = None
    kind: str | None = None
    unit: str | None = None
    assignee: str | None = None  # a username, "me" or "none"
    overdue: bool | None = None
    escalated: bool | None = None


def overdue(today: date) -> ColumnElement[bool]:
    """Open tickets whose resolution deadline passed before ``today`` (Vietnam's date)."""
    return Ticket.state.in_(OPEN_STATES) & (Ticket.resolution_due < today)


def query(staff: Staff, f: QueueFilter, today: date) -> Select[tuple[Ticket]]:
    """The tickets `staff` may see that match `f`, soonest resolution deadline first."""
    stmt = select(Ticket)
    allowed = scope(staff)
    if staff.role == "officer":  # plain equality lets the database walk the unit's index
        stmt = stmt.where(Ticket.unit_code == staff.unit_code)
    elif allowed is not None:
        stmt = stmt.where(Ticket.unit_code.in_(allowed))
    if f.unit:
        stmt = stmt.where(Ticket.unit_code == f.unit)
    if f.states:
        stmt = stmt.where(Ticket.state.in_(f.states))
    if f.kind:
        stmt = stmt.where(Ticket.kind == f.kind)
    if f.assignee == "me":
        stmt = stmt.where(Ticket.assignee_id == staff.id)
    elif f.assignee == "none":
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    elif f.assignee:
        stmt = stmt.where(Ticket.assignee.has(Staff.username == f.assignee))
    if f.overdue is not None:
        late = overdue(today)
        stmt = stmt.where(late if f.overdue else ~late)
    if f.escalated is not None:
        stmt = stmt.where((Ticket.escalation_level > 0) == f.escalated)
    return stmt.order_by(Ticket.resolution_due, Ticket.id)


def page(
    session: Session, staff: Staff, f: QueueFilter, today: date, number: int, size: int
) -> tuple[list[Ticket], int]:
    """One page of the queue and the total count."""
    if f.unit and not in_scope(session, staff, f.unit):
        raise not_found(f"Không có đơn vị {f.unit} trong phạm vi", f"Unit {f.unit} not in scope")
    stmt = query(staff, f, today)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.offset((number - 1) * size).limit(size)).all()
    return list(items), total or 0
