"""Append-only audit trail: every change to a ticket writes one event in its transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Ticket


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


def event_values(
    ticket_id: int,
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
