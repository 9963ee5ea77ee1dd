"""Creating tickets: routing, deadlines, a readable code, and safe retries by idempotency key."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .clock import VIETNAM, Clock
from .db import Database
from .errors import ApiError, unprocessable
from .models import IdempotencyKey, Ticket, TicketCodeCounter, Unit
from .reference import reference_data, route_ticket, ticket_deadlines
from .schemas import TicketCreate


def request_hash(payload: TicketCreate) -> str:
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def next_code(session: Session, year: int) -> str:
    """Next code `BHXH-<year>-NNNNNN` from the per-year counter (locked until commit)."""
    stmt = (
        update(TicketCodeCounter)
        .where(TicketCodeCounter.year == year)
        .values(last_value=TicketCodeCounter.last_value + 1)
        .returning(TicketCodeCounter.last_value)
    )
    value = session.execute(stmt).scalar_one_or_none()
    if value is None:
        session.add(TicketCodeCounter(year=year, last_value=1))
        session.flush()
        value = 1
    return f"BHXH-{year}-{value:06d}"


def _replay(session: Session, key: str, digest: str) -> Ticket | None:
    """The ticket an earlier request with this key created; 422 if the body differs."""
    row = session.get(IdempotencyKey, key)
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
    """Create the ticket (or return the one this key already created). Returns (ticket, created)."""
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
            unit = session.get(Unit, decision.unit_code)
            if unit is None:
                raise unprocessable(
                    f"Đơn vị {decision.unit_code} chưa có trong cơ sở dữ liệu (chạy init-db)",
                    f"Unit {decision.unit_code} is not in the database (run init-db)",
                )
            citizen = payload.citizen
            ticket = Ticket(
                code=f"pending-{uuid.uuid4().hex[:24]}",  # numbered last, see below
                kind=payload.kind,
                topic=payload.topic,
                description=payload.description,
                channel=payload.channel,
                conversation_id=payload.conversation_id,
                language=payload.language,
                citizen_name=citizen.name,
                citizen_phone=citizen.phone,
                citizen_cccd=citizen.cccd,
                citizen_bhxh_code=citizen.bhxh_code,
                province_code=province_code,
                commune=payload.commune,
                about_unit_code=payload.about_unit_code,
                unit=unit,
                assignee=None,
                state="received",
                priority=payload.priority,
                complex_case=payload.complex_case,
                remote_area=payload.remote_area,
                received_on=received,
                acceptance_due=due.acceptance,
                first_response_due=due.first_response,
                resolution_due=due.resolution,
                routing_reasons=list(decision.reasons),
                consent_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(ticket)
            session.flush()
            if idempotency_key:
                session.add(
                    IdempotencyKey(
                        key=idempotency_key,
                        request_hash=digest,
                        ticket_id=ticket.id,
                        created_at=now,
                    )
                )
            audit.record(
                session,
                ticket,
                "service",
                "created",
                now,
                from_state=None,
                unit=decision.unit_code,
                reasons=list(decision.reasons),
            )
            session.flush()
            # The year's counter row stays locked until commit: take the number as the last
            # step, so concurrent creates queue on it as briefly as possible.
            ticket.code = next_code(session, received.year)
            session.flush()
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
