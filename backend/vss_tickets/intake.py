"""Creating tickets: routing, deadlines, a readable code, and safe retries by idempotency key."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .clock import VIETNAM, Clock
from .db import Database
from .errors import ApiError, unprocessable
from .models import AuditEvent, IdempotencyKey, Ticket, TicketCodeCounter, Unit
from .reference import reference_data, route_ticket, ticket_deadlines
from .schemas import TicketCreate


def request_hash(payload: TicketCreate) -> str:
    """Digest of the validated body; the transcript is part of it when one was sent, `handoff`
    when it is true (a body without them hashes as before the fields existed, so older keys
    still replay)."""
    body = payload.model_dump(mode="json")
    if body.get("transcript") is None:
        del body["transcript"]
    if not body.get("handoff"):
        del body["handoff"]
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_COUNTERS = TicketCodeCounter.__table__
_NEXT_NUMBER = (
    update(_COUNTERS)
    .where(_COUNTERS.c.year == bindparam("counter_year"))
    .values(last_value=_COUNTERS.c.last_value + 1)
    .returning(_COUNTERS.c.last_value)
)


def next_code(session: Session, year: int) -> str:
    """Next code `BHXH-<year>-NNNNNN` from the per-year counter (locked until commit)."""
    value = session.connection().execute(_NEXT_NUMBER, {"counter_year": year}).scalar_one_or_none()
    if value is None:
        session.add(TicketCodeCounter(year=year, last_value=1))
        session.flush()
        value = 1
    return f"BHXH-{year}-{value:06d}"


# Core statements on the tables (built once): the ORM unit of work and per-call statement
# construction were most of the CPU a create took.
_TICKETS = Ticket.__table__
_INSERT_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)
_INSERT_KEY = insert(IdempotencyKey.__table__)
_INSERT_AUDIT = insert(AuditEvent.__table__)
_NUMBER_TICKET = (
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values(code=bindparam("new_code"), updated_at=bindparam("new_updated_at"))
)
_KEY_LOOKUP = select(IdempotencyKey.request_hash, IdempotencyKey.ticket_id).where(
    IdempotencyKey.key == bindparam("key")
)
_UNIT_LOOKUP = select(Unit.name_vi, Unit.name_en).where(Unit.code == bindparam("code"))


def _replay(session: Session, key: str, digest: str) -> Ticket | None:
    """The ticket an earlier request with this key created; 422 if the body differs."""
    row = session.connection().execute(_KEY_LOOKUP, {"key": key}).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "Idempotency-Key này đã được dùng cho một yêu cầu khác",
            "This Idempotency-Key was already used with a different request body",
        )
    return session.get(Ticket, row.ticket_id)


def create_ticket(
    db: Database,
    payload: TicketCreate,
    idempotency_key: str | None,
    clock: Clock,
    ref_structure: str,
) -> tuple[Ticket, bool]:
    """Create the ticket (or return the one this key already created). Returns (ticket, created).

    The new ticket, its idempotency key and its audit event are written with Core statements
    (no ORM unit of work, which was most of the service's CPU per create); the returned ticket
    is a transient object holding what was written. The responsible unit's names come from
    `db.unit_names` after its first lookup."""
    digest = request_hash(payload)
    now = clock.now()
    received = now.astimezone(VIETNAM).date()
    decision = route_ticket(
        ref_structure,
        payload.kind,
        payload.topic,
        payload.province,
        payload.commune,
        payload.about_unit_code,
    )
    due = ticket_deadlines(
        payload.kind, received, complex_case=payload.complex_case, remote_area=payload.remote_area
    )
    ref = reference_data(ref_structure)
    province_code = ref.resolve_province(payload.province) if payload.province else None
    try:
        with db.session(write=True) as session:
            if idempotency_key:
                earlier = _replay(session, idempotency_key, digest)
                if earlier is not None:
                    return earlier, False
            conn = session.connection()  # Core statements straight on the connection
            unit_code = decision.unit_code
            names = db.unit_names.get(unit_code)
            if names is None:
                unit_row = conn.execute(_UNIT_LOOKUP, {"code": unit_code}).first()
                if unit_row is None:
                    raise unprocessable(
                        f"Đơn vị {unit_code} chưa có trong cơ sở dữ liệu (chạy init-db)",
                        f"Unit {unit_code} is not in the database (run init-db)",
                    )
                names = db.unit_names[unit_code] = (unit_row.name_vi, unit_row.name_en)
            citizen = payload.citizen
            transcript = [t.model_dump(mode="json") for t in payload.transcript or ()] or None
            values = dict(
                code=f"pending-{uuid.uuid4().hex[:24]}",  # numbered last, see below
                kind=payload.kind,
                topic=payload.topic,
                description=payload.description,
                channel=payload.channel,
                conversation_id=payload.conversation_id,
                language=payload.language,
                citizen_name=citizen.name or "",  # not given (allowed for the kind)
                citizen_phone=citizen.phone,
                citizen_cccd=citizen.cccd,
                citizen_bhxh_code=citizen.bhxh_code,
                province_code=province_code,
                commune=payload.commune,
                about_unit_code=payload.about_unit_code,
                unit_code=unit_code,
                assignee_id=None,
                state="received",
                priority=payload.priority,
                complex_case=payload.complex_case,
                remote_area=payload.remote_area,
                received_on=received,
                acceptance_due=due.acceptance,
                first_response_due=due.first_response,
                resolution_due=due.resolution,
                transfer_count=0,
                escalation_level=0,
                routing_reasons=list(decision.reasons),
                transcript=transcript,
                chat_state="waiting" if payload.handoff else None,
                chat_officer=None,
                chat_requested_at=now if payload.handoff else None,
                chat_closed_reason=None,
                consent_at=now,
                created_at=now,
                updated_at=now,
            )
            ticket_id = conn.execute(_INSERT_TICKET, values).scalar_one()
            if idempotency_key:
                conn.execute(
                    _INSERT_KEY,
                    dict(
                        key=idempotency_key,
                        request_hash=digest,
                        ticket_id=ticket_id,
                        created_at=now,
                    ),
                )
            conn.execute(
                _INSERT_AUDIT,
                audit.event_values(
                    ticket_id,
                    "service",
                    "created",
                    now,
                    from_state=None,
                    to_state="received",
                    unit=decision.unit_code,
                    reasons=list(decision.reasons),
                    **({"handoff": True} if payload.handoff else {}),
                ),
            )
            # The year's counter row stays locked until commit: take the number as the last
            # step, so concurrent creates queue on it as briefly as possible.
            values["code"] = next_code(session, received.year)
            conn.execute(
                _NUMBER_TICKET,
                dict(ticket_id=ticket_id, new_code=values["code"], new_updated_at=now),
            )
            ticket = Ticket(id=ticket_id, **values)
            ticket.unit = Unit(code=unit_code, name_vi=names[0], name_en=names[1])
            return ticket, True
    except IntegrityError:
        # A concurrent retry with the same key committed first: answer with its ticket.
        if not idempotency_key:
            raise
        with db.session() as session:
            earlier = _replay(session, idempotency_key, digest)
        if earlier is None:
            raise
        return earlier, False


def find_ticket(session: Session, code: str) -> Ticket | None:
    return session.scalars(select(Ticket).where(Ticket.code == code)).one_or_none()
