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
        ticket_id=ticket.id,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=ticket.state,
        reason=reason,
        details=details,
        created_at=at,
    )
    session.add(event)
    return event
