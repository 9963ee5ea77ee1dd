"""Creating tickets: routing, deadlines, a readable code, and safe retries by idempotency key."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    Connection,
    Select,
    String,
    Table,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vss_tickets.domain import audit
from vss_tickets.domain.errors import ApiError, unprocessable
from vss_tickets.domain.models import AuditEvent, IdempotencyKey, Ticket, TicketCodeCounter, Unit
from vss_tickets.domain.receipt import new_receipt, receipt_digest
from vss_tickets.domain.reference import reference_data, route_ticket, ticket_deadlines
from vss_tickets.domain.schemas import TicketCreate
from vss_tickets.infra.clock import VIETNAM, Clock
from vss_tickets.infra.db import Database


def request_hash(payload: TicketCreate) -> str:
    """Digest of the validated body without its transcript, and with `handoff` only when it is
    true (a body without them hashes as before the fields existed, so older keys still replay).

    The transcript is left out because it is the one part that legitimately differs between two
    tries of one submission (the chat goes on between them: "no code yet", "try again"); the
    ticket keeps the first try's."""
    body = payload.model_dump(mode="json")
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
# construction were most of the CPU a create took. SQLite runs the steps below; PostgreSQL runs
# one statement (`_one_statement_create`), as its round trips cost more than the statements.
_TICKETS = Ticket.__table__
_KEYS = IdempotencyKey.__table__
_EVENTS = AuditEvent.__table__
_INSERT_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)
_INSERT_KEY = insert(_KEYS)
_INSERT_AUDIT = insert(_EVENTS)
_NUMBER_TICKET = (
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values(code=bindparam("new_code"), updated_at=bindparam("new_updated_at"))
)
# A new receipt for a replayed ticket; `updated_at` kept (the ticket itself did not change).
_REISSUE_RECEIPT = (
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values(receipt_hash=bindparam("new_receipt_hash"), updated_at=_TICKETS.c.updated_at)
)
_KEY_LOOKUP = select(IdempotencyKey.request_hash, IdempotencyKey.ticket_id).where(
    IdempotencyKey.key == bindparam("key")
)
_UNIT_LOOKUP = select(Unit.name_vi, Unit.name_en).where(Unit.code == bindparam("code"))


@cache
def _one_statement_create(columns: tuple[str, ...], with_key: bool) -> Select:
    """PostgreSQL: the year's number, the ticket (`columns` bound by name), its audit event and
    (`with_key`) its idempotency key in one statement of data-modifying CTEs, answering the
    ticket's id and code.

    Run on an autocommit connection it is the whole create in one round trip and one
    transaction (8 round trips in steps: BEGIN, 6 statements, COMMIT). The counter is upserted,
    so the first ticket of a year needs no separate step; a reused key fails the statement
    with an IntegrityError and nothing is written. Constants are inline SQL so the statement
    stays within psycopg's limits (50 parameters) for caching its conversion."""
    one = literal_column("1")
    counter = (
        pg_insert(_COUNTERS)
        .values(year=bindparam("counter_year"), last_value=one)
        .on_conflict_do_update(
            index_elements=[_COUNTERS.c.year], set_={"last_value": _COUNTERS.c.last_value + one}
        )
        .returning(_COUNTERS.c.year, _COUNTERS.c.last_value)
        .cte("number")
    )
    digits = cast(counter.c.last_value, String)
    width = func.greatest(literal_column("6"), func.length(digits))  # like f"{n:06d}"
    code = select(
        literal_column("'BHXH-'")
        + cast(counter.c.year, String)
        + literal_column("'-'")
        + func.lpad(digits, width, literal_column("'0'"))
    ).scalar_subquery()

    def bound(table: Table, names: Iterable[str], prefix: str = "") -> dict[str, Any]:
        return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}

    ticket = (
        insert(_TICKETS)
        .values(code=code, **bound(_TICKETS, columns))
        .returning(_TICKETS.c.id, _TICKETS.c.code)
        .cte("ticket")
    )
    ticket_id = select(ticket.c.id).scalar_subquery()

    def row_of(table: Table, prefix: str) -> CTE:
        names = [c.name for c in table.c if c.name not in ("id", "ticket_id")]
        return (
            insert(table)
            .values(ticket_id=ticket_id, **bound(table, names, prefix))
            .cte(prefix + "row")
        )

    writes = [row_of(_EVENTS, "event_")]
    if with_key:
        writes.append(row_of(_KEYS, "key_"))
    return select(ticket.c.id, ticket.c.code).add_cte(*writes)


def _replay(session: Session, key: dict[str, Any], receipt_hash: str) -> Ticket | None:
    """The ticket an earlier request with this key created, now with the receipt of this answer
    (the earlier answer, and its receipt, did not reach the citizen: that is why the request came
    again); 422 if the body differs. `session` must be a write session."""
    row = session.connection().execute(_KEY_LOOKUP, {"key": key["key"]}).first()
    if row is None:
        return None
    if row.request_hash != key["request_hash"]:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "Idempotency-Key này đã được dùng cho một yêu cầu khác",
            "This Idempotency-Key was already used with a different request body",
        )
    session.connection().execute(
        _REISSUE_RECEIPT, {"ticket_id": row.ticket_id, "new_receipt_hash": receipt_hash}
    )
    return session.get(Ticket, row.ticket_id)


def _unit_names(db: Database, conn: Connection, unit_code: str) -> tuple[str, str] | None:
    """The unit's (name_vi, name_en), kept in `db.unit_names` after the first lookup."""
    names = db.unit_names.get(unit_code)
    if names is None:
        row = conn.execute(_UNIT_LOOKUP, {"code": unit_code}).first()
        if row is None:
            return None
        names = db.unit_names[unit_code] = (row.name_vi, row.name_en)
    return names


def _missing_unit(unit_code: str) -> ApiError:
    return unprocessable(
        f"Đơn vị {unit_code} chưa có trong cơ sở dữ liệu (chạy init-db)",
        f"Unit {unit_code} is not in the database (run init-db)",
    )


def _write_in_steps(
    db: Database, values: dict[str, Any], key: dict[str, Any] | None, event: dict[str, Any]
) -> tuple[Ticket, bool]:
    """SQLite: the create as a sequence of statements in one transaction (no round trips to
    save in-process); the code is taken last, so the counter row is locked briefly."""
    with db.session(write=True) as session:
        if key is not None:
            earlier = _replay(session, key, values["receipt_hash"])
            if earlier is not None:
                return earlier, False
        conn = session.connection()  # Core statements straight on the connection
        names = _unit_names(db, conn, values["unit_code"])
        if names is None:
            raise _missing_unit(values["unit_code"])
        ticket_id = conn.execute(
            _INSERT_TICKET, {**values, "code": f"pending-{uuid.uuid4().hex[:24]}"}
        ).scalar_one()
        if key is not None:
            conn.execute(_INSERT_KEY, {**key, "ticket_id": ticket_id})
        conn.execute(_INSERT_AUDIT, {**event, "ticket_id": ticket_id})
        code = next_code(session, values["received_on"].year)
        conn.execute(
            _NUMBER_TICKET,
            dict(ticket_id=ticket_id, new_code=code, new_updated_at=values["updated_at"]),
        )
    return _written(ticket_id, code, values, names), True


def _write_in_one_statement(
    db: Database, values: dict[str, Any], key: dict[str, Any] | None, event: dict[str, Any]
) -> tuple[Ticket, bool]:
    """PostgreSQL: the create as one statement on an autocommit connection (its own
    transaction); a reused key raises IntegrityError, handled by the caller."""
    with db.autocommit() as conn:
        names = _unit_names(db, conn, values["unit_code"])
        if names is None:
            if key is not None:  # a replay is answered before the unit is checked, as in steps
                with db.session(write=True) as session:
                    earlier = _replay(session, key, values["receipt_hash"])
                if earlier is not None:
                    return earlier, False
            raise _missing_unit(values["unit_code"])
        params = {**values, "counter_year": values["received_on"].year}
        params.update({f"event_{name}": value for name, value in event.items()})
        if key is not None:
            params.update({f"key_{name}": value for name, value in key.items()})
        statement = _one_statement_create(tuple(values), key is not None)
        ticket_id, code = conn.execute(statement, params).one()
    return _written(ticket_id, code, values, names), True


def _written(ticket_id: int, code: str, values: dict[str, Any], names: tuple[str, str]) -> Ticket:
    """A transient ticket holding what was written (not attached to a session)."""
    ticket = Ticket(id=ticket_id, code=code, **values)
    ticket.unit = Unit(code=values["unit_code"], name_vi=names[0], name_en=names[1])
    return ticket


def create_ticket(
    db: Database,
    payload: TicketCreate,
    idempotency_key: str | None,
    clock: Clock,
    ref_structure: str,
) -> tuple[Ticket, bool, str]:
    """Create the ticket (or return the one this key already created, with a new receipt).
    Returns (ticket, created, the citizen's receipt token).

    The ticket, its audit event and its idempotency key are written in one transaction with Core
    statements (no ORM unit of work, which was most of the service's CPU per create): on
    PostgreSQL as one statement, on SQLite in steps. The returned ticket is a transient object
    holding what was written. The responsible unit's names come from `db.unit_names` after its
    first lookup."""
    digest = request_hash(payload)
    receipt = new_receipt()
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
    citizen = payload.citizen
    transcript = [t.model_dump(mode="json") for t in payload.transcript or ()] or None
    values = dict(
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
        receipt_hash=receipt_digest(receipt),
        province_code=ref.resolve_province(payload.province) if payload.province else None,
        commune=payload.commune,
        about_unit_code=payload.about_unit_code,
        unit_code=decision.unit_code,
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
        consent_at=now,
        created_at=now,
        updated_at=now,
    )
    if payload.handoff:  # the live chat waits for an officer (other chat columns stay null)
        values.update(chat_state="waiting", chat_requested_at=now)
    key = None
    if idempotency_key:
        key = dict(key=idempotency_key, request_hash=digest, created_at=now)
    event = audit.event_values(
        None,
        "service",
        "created",
        now,
        from_state=None,
        to_state="received",
        unit=decision.unit_code,
        reasons=list(decision.reasons),
        **({"handoff": True} if payload.handoff else {}),
    )
    del event["ticket_id"]
    write = _write_in_steps if db.is_sqlite else _write_in_one_statement
    try:
        return (*write(db, values, key, event), receipt)
    except IntegrityError:
        # A concurrent retry with the same key committed first: answer with its ticket.
        if key is None:
            raise
        with db.session(write=True) as session:
            earlier = _replay(session, key, values["receipt_hash"])
        if earlier is None:
            raise
        return earlier, False, receipt


def find_ticket(session: Session, code: str) -> Ticket | None:
    return session.scalars(select(Ticket).where(Ticket.code == code)).one_or_none()
