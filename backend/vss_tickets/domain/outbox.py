"""Outbox of notifications for the assistant to deliver on the citizen's channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from vss_tickets.domain.errors import not_found, ticket_not_found
from vss_tickets.domain.models import OutboxNotification, Ticket

# Delivery retries: 30 s, 1 min, 2 min … at most an hour apart, given up after 10 failures.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 10
# How long a claimed notification stays with the `deliver` process that claimed it: offered to
# another only if neither an acknowledgement nor a failure came back in that time.
LEASE = timedelta(minutes=2)


def notify(session: Session, ticket: Ticket, event: str, at: datetime, **payload: Any) -> None:
    """Queue a notification about `ticket` for its channel and conversation. It carries facts
    (the event, the ticket's state, language and unit, and `payload`: a message, a resolution,
    a new unit …); the assistant words them for the citizen (bot/deliver/delivery.py)."""
    session.add(
        OutboxNotification(
            ticket_id=ticket.id,
            event=event,
            channel=ticket.channel,
            conversation_id=ticket.conversation_id,
            payload={
                "code": ticket.code,
                "state": ticket.state,
                "language": ticket.language,
                "unit": ticket.unit_code,
                # A ticket with a live chat: the assistant shows a reply in a held chat as chat.
                **({"chat_state": ticket.chat_state} if ticket.chat_state else {}),
                **payload,
            },
            created_at=at,
        )
    )


def _due(now: datetime) -> Select[tuple[OutboxNotification, str]]:
    """Notifications due for delivery (neither delivered, given up, backing off nor leased),
    oldest first, with their ticket codes."""
    return (
        select(OutboxNotification, Ticket.code)
        .join(Ticket, Ticket.id == OutboxNotification.ticket_id)
        .where(
            OutboxNotification.delivered_at.is_(None),
            OutboxNotification.failed_at.is_(None),
            or_(
                OutboxNotification.next_attempt_at.is_(None),
                OutboxNotification.next_attempt_at <= now,
            ),
        )
        .order_by(OutboxNotification.id)
    )


def pending(session: Session, limit: int, now: datetime) -> list[tuple[OutboxNotification, str]]:
    """The oldest notifications due for delivery, without claiming them."""
    return [(n, code) for n, code in session.execute(_due(now).limit(limit))]


def claim(
    session: Session, limit: int, now: datetime, lease: timedelta = LEASE
) -> list[tuple[OutboxNotification, str]]:
    """Take the oldest due notifications for one `deliver` process until `now + lease`.

    The lease is the row's next attempt time, so no other process is offered the row until
    it runs out; an acknowledgement or a failure ends it. PostgreSQL skips rows another
    transaction is claiming (``FOR UPDATE SKIP LOCKED``); SQLite has one writer at a time."""
    query = _due(now).limit(limit).with_for_update(skip_locked=True, of=OutboxNotification)
    rows = [(n, code) for n, code in session.execute(query)]
    for notification, _code in rows:
        notification.next_attempt_at = now + lease
    return rows


def for_ticket(session: Session, code: str) -> list[OutboxNotification]:
    """Every notification of the ticket `code`, oldest first, delivered or not (404 if unknown)."""
    ticket_id = session.scalar(select(Ticket.id).where(Ticket.code == code))
    if ticket_id is None:
        raise ticket_not_found(code)
    return list(
        session.scalars(
            select(OutboxNotification)
            .where(OutboxNotification.ticket_id == ticket_id)
            .order_by(OutboxNotification.id)
        )
    )


def _load(session: Session, notification_id: int) -> OutboxNotification:
    item = session.get(OutboxNotification, notification_id)
    if item is None:
        raise not_found(
            f"Không có thông báo số {notification_id}", f"No notification {notification_id}"
        )
    return item


def acknowledge(session: Session, notification_id: int, at: datetime) -> bool:
    """Mark a notification delivered; returns False if it already was."""
    item = _load(session, notification_id)
    if item.delivered_at is not None:
        return False
    item.delivered_at = at
    return True


def fail(session: Session, notification_id: int, at: datetime, error: str) -> OutboxNotification:
    """Record a failed delivery: offered again after a doubling back-off, given up after
    `MAX_ATTEMPTS`. A delivered notification is left as it is."""
    item = _load(session, notification_id)
    if item.delivered_at is not None or item.failed_at is not None:
        return item
    item.attempts += 1
    item.last_error = error[:500]
    if item.attempts >= MAX_ATTEMPTS:
        item.failed_at, item.next_attempt_at = at, None
    else:
        item.next_attempt_at = at + min(FIRST_RETRY * 2 ** (item.attempts - 1), LONGEST_WAIT)
    return item


def state(item: OutboxNotification) -> str:
    """`delivered`, `failed` (given up), `retrying` (after a failure) or `pending`."""
    if item.delivered_at is not None:
        return "delivered"
    if item.failed_at is not None:
        return "failed"
    return "retrying" if item.attempts else "pending"
