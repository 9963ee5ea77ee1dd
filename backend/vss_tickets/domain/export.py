"""CSV export of a staff member's queue (personal numbers masked, formulas neutralised)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy.orm import Session

from vss_tickets.domain.masking import mask_tail
from vss_tickets.domain.models import Ticket

COLUMNS = (
    "code", "kind", "topic", "state", "priority", "unit_code", "assignee", "province", "commune",
    "received_on", "acceptance_due", "first_response_due", "resolution_due", "first_response_at",
    "resolved_at", "transfer_count", "escalation_level", "rating", "citizen_name", "citizen_phone",
    "description",
)  # fmt: skip


def _cell(value: object) -> str:
    """Text of a cell; a leading = + - @ is quoted so spreadsheets do not run it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(t: Ticket) -> list[str]:
    values = (
        t.code, t.kind, t.topic, t.state, t.priority, t.unit_code,
        t.assignee.username if t.assignee else None, t.province_code, t.commune,
        t.received_on, t.acceptance_due, t.first_response_due, t.resolution_due,
        t.first_response_at, t.resolved_at, t.transfer_count, t.escalation_level, t.rating,
        t.citizen_name, mask_tail(t.citizen_phone), t.description,
    )  # fmt: skip
    return [_cell(v) for v in values]


def csv_lines(session: Session, stmt, batch: int = 500) -> Iterator[str]:
    """The header and one CSV line per ticket selected by `stmt` (UTF-8 with BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for ticket in session.scalars(stmt.execution_options(yield_per=batch)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_row(ticket))
        yield buffer.getvalue()
