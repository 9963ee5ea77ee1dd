"""Console reads composed from core's queue and scope: topic filter, search, counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from vss_tickets.domain.auth import in_scope, scope
from vss_tickets.domain.errors import not_found, ticket_not_found
from vss_tickets.domain.identifiers import normalise_phone
from vss_tickets.domain.lifecycle import load
from vss_tickets.domain.models import AuditEvent, Consultation, Staff, Ticket, Unit
from vss_tickets.domain.queue import QueueFilter, query
from vss_tickets.domain.reference import add_working_days, reference_data
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.domain.text import nfc

PAGE_SIZE = 50
AT_RISK_WORKING_DAYS = 2


def at_risk(
    state: ColumnElement[str], due: ColumnElement[date], today: date
) -> ColumnElement[bool]:
    """Open, not yet late, and due within AT_RISK_WORKING_DAYS working days."""
    limit = add_working_days(today, AT_RISK_WORKING_DAYS)
    return state.in_(OPEN_STATES) & (due >= today) & (due <= limit)


@dataclass
class ConsoleFilter:
    """What the queue form asks for (all optional)."""

    state: str = ""
    kind: str = ""
    topic: str = ""
    unit: str = ""
    overdue: bool = False
    mine: bool = False
    at_risk: bool = False
    q: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def core(self) -> QueueFilter:
        return QueueFilter(
            states=[self.state] if self.state else None,
            kind=self.kind or None,
            unit=self.unit or None,
            assignee="me" if self.mine else None,
            overdue=True if self.overdue else None,
        )


def search_terms(q: str) -> tuple[str | None, str | None]:
    """(ticket code, phone) the search box may mean; both None when it means neither."""
    text = nfc(q)
    if not text:
        return None, None
    try:
        return None, normalise_phone(text)
    except ValueError:
        pass
    code = text.upper()
    return (code, None) if code.startswith("BHXH-") else (None, None)


def statement(staff: Staff, f: ConsoleFilter, today: date) -> Select[tuple[Ticket]]:
    """Core's unit-scoped queue query plus the console's topic filter and search."""
    stmt = query(staff, f.core(), today)
    if f.topic:
        stmt = stmt.where(Ticket.topic == f.topic)
    if f.at_risk:
        stmt = stmt.where(at_risk(Ticket.state, Ticket.resolution_due, today))
    if nfc(f.q):
        code, phone = search_terms(f.q)
        matches = or_(Ticket.code == code, Ticket.citizen_phone == phone)
        stmt = stmt.where(matches if code or phone else false())
    return stmt


def queue_page(
    session: Session, staff: Staff, f: ConsoleFilter, today: date
) -> tuple[list[Ticket], int]:
    """One page of matching tickets (soonest deadline first) and how many match."""
    if f.unit and not in_scope(session, staff, f.unit):
        raise not_found(f"Không có đơn vị {f.unit} trong phạm vi", f"Unit {f.unit} not in scope")
    stmt = statement(staff, f, today)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).unique()
    return list(rows), total or 0


def state_counts(session: Session, staff: Staff, today: date) -> dict[str, int]:
    """Tickets in scope per state, plus `open` and `overdue` totals."""
    base = query(staff, QueueFilter(), today).order_by(None).subquery()
    rows = session.execute(select(base.c.state, func.count()).group_by(base.c.state))
    counts = {state: n for state, n in rows}
    counts["open"] = sum(counts.get(s, 0) for s in OPEN_STATES)
    late = query(staff, QueueFilter(overdue=True), today).order_by(None).subquery()
    counts["overdue"] = session.scalar(select(func.count()).select_from(late)) or 0
    return counts


def consulted(session: Session, staff: Staff, ticket: Ticket) -> list[Consultation]:
    """The ticket's consultations addressed to a unit in `staff`'s scope, oldest first."""
    stmt = select(Consultation).where(Consultation.ticket_id == ticket.id)
    allowed = scope(staff)
    if allowed is not None:
        stmt = stmt.where(Consultation.to_unit_code.in_(allowed))
    return list(session.scalars(stmt.order_by(Consultation.id)))


def ticket_access(session: Session, staff: Staff, code: str) -> tuple[Ticket, bool]:
    """(ticket, handles): True for staff of the ticket's unit; False for a unit it was
    consulted with, which reads it (as the staff API shows it to them); 404 for anyone else
    (existence is not revealed)."""
    ticket = load(session, code, lock=False)
    if in_scope(session, staff, ticket.unit_code):
        return ticket, True
    if consulted(session, staff, ticket):
        return ticket, False
    raise ticket_not_found(code)


def receiving_units(session: Session, structure: str, exclude: str) -> list[Unit]:
    """Active units a ticket can be sent to, except `exclude`: not the reference data's
    placeholder offices (stand-ins for offices not loaded yet, which have no staff)."""
    placeholders = [c for c, u in reference_data(structure).units.items() if u.placeholder]
    stmt = select(Unit).where(
        Unit.active.is_(True), Unit.code != exclude, Unit.code.not_in(placeholders)
    )
    return list(session.scalars(stmt.order_by(Unit.level, Unit.code)))


def last_transfer_by(session: Session, staff: Staff, code: str) -> tuple[Ticket, AuditEvent]:
    """The ticket and the latest transfer of it that `staff` made; 404 when they made none."""
    ticket = load(session, code, lock=False)
    event = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.ticket_id == ticket.id,
            AuditEvent.action == "transfer",
            AuditEvent.actor == f"staff:{staff.username}",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        raise ticket_not_found(code)
    return ticket, event


def waiting_chats(session: Session, staff: Staff, limit: int = 20) -> list[Ticket]:
    """Tickets in scope whose live chat waits for an officer, longest waiting first."""
    stmt = (
        query(staff, QueueFilter(), date.min)
        .where(Ticket.chat_state == "waiting")
        .order_by(None)
        .order_by(Ticket.chat_requested_at, Ticket.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())
