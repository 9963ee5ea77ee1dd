"""The citizen's personal numbers on the ticket page: masked, each shown in full only when an
officer allowed to see it asks (a form POST), and each such reveal written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from vss_tickets.domain import audit
from vss_tickets.domain.masking import mask_tail
from vss_tickets.domain.models import Staff, Ticket

# field of the form → the ticket's column
FIELDS = {"phone": "citizen_phone", "cccd": "citizen_cccd", "bhxh_code": "citizen_bhxh_code"}


@dataclass
class Number:
    """One personal number as the page shows it."""

    field: str
    masked: str | None  # None when the citizen gave none
    full: str | None  # only in the answer to this officer's reveal
    may_reveal: bool


def may_reveal(ticket: Ticket, staff: Staff, field: str) -> bool:
    """The phone: any staff of the ticket's unit (whoever must call; the caller checks the
    scope); the CCCD and the BHXH code: only the officer the ticket is assigned to."""
    return field == "phone" or ticket.assignee_id == staff.id


def numbers(ticket: Ticket, staff: Staff, handles: bool, revealed: str | None) -> list[Number]:
    """The ticket's numbers, masked; `revealed` in full when `staff` may see it. A consulted
    unit (`handles` False) sees them masked only."""
    out = []
    for field, column in FIELDS.items():
        value = getattr(ticket, column)
        allowed = handles and value is not None and may_reveal(ticket, staff, field)
        full = value if allowed and field == revealed else None
        out.append(Number(field, mask_tail(value), full, allowed))
    return out


def record_reveal(
    session: Session, ticket: Ticket, staff: Staff, field: str, now: datetime
) -> None:
    """The audit event of one reveal: who saw which number, when (never the number)."""
    audit.record(
        session, ticket, f"staff:{staff.username}", "reveal", now,
        from_state=ticket.state, field=field,
    )  # fmt: skip
    session.flush()
