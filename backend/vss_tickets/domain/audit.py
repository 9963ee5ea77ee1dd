"""Append-only audit trail: every change to a ticket writes one event in its transaction, and
every change to a staff account (the CLI's) one event without a ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from vss_tickets.domain.models import AuditEvent, Ticket


def record(
    session: Session,
    ticket: Ticket,
    actor: str,
    action: str,
    at: datetime,
    *,
    from_state: str | None,
    reason: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add the audit event for a change to `ticket` (flushed with the change itself)."""
    event = AuditEvent(
        **event_values(
            ticket.id,
            actor,
            action,
            at,
            from_state=from_state,
            to_state=ticket.state,
            reason=reason,
            **details,
        )
    )
    session.add(event)
    return event


def record_staff_change(
    session: Session, actor: str, action: str, at: datetime, **details: Any
) -> None:
    """Add the audit event of a change to a staff account (no ticket; `details` name it)."""
    values = event_values(None, actor, action, at, from_state=None, to_state=None, **details)
    session.add(AuditEvent(**values))


def event_values(
    ticket_id: int | None,
    actor: str,
    action: str,
    at: datetime,
    *,
    from_state: str | None,
    to_state: str | None,
    reason: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """The columns of one audit event, for `record` or for a Core insert of the same row."""
    return {
        "ticket_id": ticket_id,
        "actor": actor,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "details": details,
        "created_at": at,
    }
