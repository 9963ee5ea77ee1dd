"""Escalation of overdue tickets and consultations (run periodically in-process or from cron)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select, text

from vss_tickets.domain import audit
from vss_tickets.domain.lifecycle import escalate, load
from vss_tickets.domain.models import Consultation, Ticket
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.infra.clock import VIETNAM, Clock
from vss_tickets.infra.db import Database

log = logging.getLogger(__name__)


@dataclass
class EscalationReport:
    tickets: list[tuple[str, str]] = field(default_factory=list)  # (code, escalated to)
    consultations: list[int] = field(default_factory=list)
    skipped: bool = False  # another host was running it


# PostgreSQL advisory lock taken for a run: one host escalates at a time, the others skip.
ADVISORY_LOCK = 0x56535345  # "VSSE"


@contextmanager
def only_host(db: Database) -> Iterator[bool]:
    """Whether this process may run the escalation now: on PostgreSQL, whether it got the
    session advisory lock (held until the block ends); on SQLite (one host) always."""
    if db.is_sqlite:
        yield True
        return
    with db.engine.connect() as conn:
        got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK}))
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK})
            conn.rollback()


def missed_deadlines(ticket: Ticket, today: date) -> list[tuple[date, str]]:
    """Distinct deadlines of an open, unpaused ticket that passed (sorted by date)."""
    if ticket.state not in OPEN_STATES or ticket.state == "waiting_citizen":
        return []
    missed: dict[date, str] = {}
    if ticket.state == "received" and ticket.acceptance_due and ticket.acceptance_due < today:
        missed.setdefault(ticket.acceptance_due, "acceptance")
    if (
        ticket.first_response_at is None
        and ticket.first_response_due
        and ticket.first_response_due < today
    ):
        missed.setdefault(ticket.first_response_due, "first_response")
    if ticket.resolution_due < today:
        missed.setdefault(ticket.resolution_due, "resolution")
    return sorted(missed.items())


def run_escalation(db: Database, clock: Clock) -> EscalationReport:
    """Escalate every ticket with more missed deadlines than escalations so far, one
    transaction per ticket; report overdue consultations once on their ticket's trail.
    Skipped (``skipped``) while another host runs it."""
    with only_host(db) as mine:
        return _escalate(db, clock) if mine else EscalationReport(skipped=True)


def _escalate(db: Database, clock: Clock) -> EscalationReport:
    now = clock.now()
    today = now.astimezone(VIETNAM).date()
    report = EscalationReport()
    with db.session() as session:
        candidates = list(
            session.scalars(
                select(Ticket.code).where(
                    Ticket.state.in_(("received", "accepted", "in_progress")),
                    Ticket.escalation_level < 3,  # at most three distinct deadlines to miss
                    or_(
                        Ticket.acceptance_due < today,
                        Ticket.first_response_due < today,
                        Ticket.resolution_due < today,
                    ),
                )
            )
        )
    for code in candidates:
        with db.session(write=True) as session:
            ticket = load(session, code)
            missed = missed_deadlines(ticket, today)
            if len(missed) > ticket.escalation_level:
                target = escalate(session, ticket, now, missed[ticket.escalation_level][1])
                report.tickets.append((code, target))
    with db.session(write=True) as session:
        overdue = session.scalars(
            select(Consultation).where(
                Consultation.status == "open",
                Consultation.due_on < today,
                Consultation.overdue_reported_at.is_(None),
            )
        )
        for consultation in overdue:
            consultation.overdue_reported_at = now
            ticket = session.get(Ticket, consultation.ticket_id)
            assert ticket is not None
            audit.record(
                session,
                ticket,
                "system",
                "consultation_overdue",
                now,
                from_state=ticket.state,
                consultation_id=consultation.id,
                to_unit=consultation.to_unit_code,
                due_on=consultation.due_on.isoformat(),
            )
            report.consultations.append(consultation.id)
    return report


async def escalation_loop(db: Database, clock: Clock, interval: int) -> None:
    """Run the escalation every `interval` seconds until cancelled."""
    while True:
        try:
            report = await asyncio.to_thread(run_escalation, db, clock)
            if report.tickets or report.consultations:
                log.info(
                    "escalated %d tickets, %d overdue consultations",
                    len(report.tickets),
                    len(report.consultations),
                )
        except Exception:  # keep the loop alive; the next run retries
            log.exception("escalation run failed")
        await asyncio.sleep(interval)
