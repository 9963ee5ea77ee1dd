"""Live chat with an officer (human handoff).

A ticket created with `handoff: true` carries a chat that waits for an officer. An officer of the
ticket's unit (scope) takes it (waiting → held), which also accepts and claims the ticket so the
officer's replies can follow at once; the holding officer, or a supervisor or admin in scope,
releases it (held → closed, "released"); a chat nobody took within `TICKETS_HANDOFF_WAIT_SECONDS`
is closed as "expired" when the assistant sweeps. Each change writes its audit event and queues an
outbox notification (`chat_taken`, `chat_released`, `chat_expired`): the assistant tells the
citizen, and resumes the conversation after release or expiry. Citizen messages go through the
lifecycle's citizen message; every notification of a ticket with a chat carries its
`chat_state`, so the assistant shows staff replies during a held chat as chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from vss_tickets.domain import audit, lifecycle
from vss_tickets.domain.errors import ApiError, forbidden, ticket_not_found
from vss_tickets.domain.models import Staff, Ticket
from vss_tickets.domain.outbox import notify

ACTIVE = ("waiting", "held")


def may_release(ticket: Ticket, staff: Staff) -> bool:
    """The holding officer, or a supervisor or admin (scope is checked by the caller)."""
    return ticket.chat_state == "held" and (
        ticket.chat_officer == staff.username or staff.role in ("supervisor", "admin")
    )


def _record(
    session: Session, ticket: Ticket, actor: str, action: str, now: datetime, before: str | None,
    **details: object,
) -> None:  # fmt: skip
    ticket.updated_at = now
    audit.record(
        session, ticket, actor, action, now, from_state=ticket.state,
        chat_from=before, chat_to=ticket.chat_state, **details,
    )  # fmt: skip


def _tell(session: Session, ticket: Ticket, change: str, now: datetime, **payload: object) -> None:
    """Queue the `chat_<change>` notification (the assistant words it for the citizen)."""
    notify(session, ticket, f"chat_{change}", now, **payload)
    session.flush()


def _require(ticket: Ticket, state: str, error: str, what_vi: str, what_en: str) -> None:
    """409 `error` unless the ticket's chat is in `state`."""
    if ticket.chat_state != state:
        raise ApiError(
            409,
            error,
            f"Yêu cầu {ticket.code} không có trao đổi trực tiếp {what_vi} "
            f"(trạng thái: {ticket.chat_state or 'không có'})",
            f"Ticket {ticket.code} has no live chat {what_en} "
            f"(chat state: {ticket.chat_state or 'none'})",
        )


def _close(session: Session, ticket: Ticket, actor: str, reason: str, now: datetime) -> None:
    before, officer = ticket.chat_state, ticket.chat_officer
    ticket.chat_state, ticket.chat_closed_reason = "closed", reason
    _record(session, ticket, actor, f"chat_{reason}", now, before, officer=officer)
    _tell(session, ticket, reason, now, chat_state="closed", reason=reason, officer=officer)


def take(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    """waiting → held by `staff`, who also accepts the ticket (when it is still received) and
    claims it, so that their replies can follow at once; 409 `chat_not_waiting` otherwise."""
    _require(ticket, "waiting", "chat_not_waiting", "đang chờ cán bộ", "waiting for an officer")
    if ticket.state == "received":
        lifecycle.accept(session, ticket, staff, now)
    lifecycle.claim(session, ticket, staff, now)
    ticket.chat_state, ticket.chat_officer = "held", staff.username
    _record(session, ticket, f"staff:{staff.username}", "chat_taken", now, "waiting",
            officer=staff.username)  # fmt: skip
    _tell(session, ticket, "taken", now)


def release(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    """held → closed ("released"); only the holding officer or a supervisor/admin in scope."""
    _require(ticket, "held", "chat_not_held", "đang diễn ra", "held by an officer")
    if not may_release(ticket, staff):
        raise forbidden(
            f"Trao đổi trực tiếp đang do {ticket.chat_officer} đảm nhận: chỉ cán bộ đó hoặc "
            "lãnh đạo đơn vị được kết thúc",
            f"The live chat is held by {ticket.chat_officer}: only that officer or a "
            "supervisor may release it",
        )
    _close(session, ticket, f"staff:{staff.username}", "released", now)


def expire_overdue(session: Session, now: datetime, wait_seconds: int) -> None:
    """Close every chat still waiting `wait_seconds` after it was asked for."""
    cutoff = now - timedelta(seconds=wait_seconds)
    overdue = session.scalars(
        select(Ticket)
        .where(Ticket.chat_state == "waiting", Ticket.chat_requested_at <= cutoff)
        .order_by(Ticket.chat_requested_at, Ticket.id)
        .with_for_update(of=Ticket, skip_locked=True)
    ).unique().all()  # fmt: skip
    for ticket in overdue:
        _close(session, ticket, "system", "expired", now)


def active(session: Session) -> list[Ticket]:
    """Chats waiting for or held by an officer, oldest request first."""
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.chat_state.in_(ACTIVE))
            .order_by(Ticket.chat_requested_at, Ticket.id)
        ).unique()
    )


def citizen_message(
    session: Session,
    code: str,
    conversation_id: str,
    body: str,
    now: datetime,
    sent_at: float | None = None,
) -> tuple[Ticket, bool]:
    """Append the citizen's chat message to the thread (the lifecycle's citizen message);
    the ticket and whether it was added. A message `sent_at` (conversation time) not after
    the last one passed on is a repeat and is not added. Unknown code and another
    conversation get the same 404; a chat neither waiting nor held answers 409
    `chat_not_active`."""
    ticket = lifecycle.load(session, code)  # 404 for an unknown code
    if ticket.conversation_id != conversation_id:
        raise ticket_not_found(code)
    if ticket.chat_state not in ACTIVE:
        raise ApiError(
            409,
            "chat_not_active",
            f"Trao đổi trực tiếp về yêu cầu {code} đã kết thúc hoặc không có",
            f"There is no active live chat on ticket {code}",
        )
    if sent_at is not None and not _advance_relay(session, ticket, sent_at):
        return ticket, False
    lifecycle.citizen_message(session, ticket, now, body)
    return ticket, True


def _advance_relay(session: Session, ticket: Ticket, sent_at: float) -> bool:
    """Move the relay's position to `sent_at` if it is later; one statement, so of two relays
    passing on the same message at once exactly one moves it (PostgreSQL re-checks the
    condition after the other's commit; SQLite has one writer)."""
    moved = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            or_(Ticket.chat_relayed_until.is_(None), Ticket.chat_relayed_until < sent_at),
        )
        .values(chat_relayed_until=sent_at)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount:
        ticket.chat_relayed_until = sent_at
    return bool(moved.rowcount)
