"""Outbox of notifications for the assistant to deliver on the citizen's channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import not_found
from .models import OutboxNotification, Ticket

STATE_LABELS: dict[str, tuple[str, str]] = {
    "received": ("đã tiếp nhận", "received"),
    "accepted": ("đã thụ lý", "accepted"),
    "rejected": ("không thụ lý", "rejected"),
    "in_progress": ("đang xử lý", "in progress"),
    "waiting_citizen": ("chờ bổ sung thông tin từ công dân", "waiting for your information"),
    "resolved": ("đã giải quyết", "resolved"),
    "closed": ("đã đóng", "closed"),
}


def notify(session: Session, ticket: Ticket, event: str, at: datetime, **payload: Any) -> None:
    """Queue a notification about `ticket` for its channel and conversation."""
    label_vi, label_en = STATE_LABELS[ticket.state]
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
                "text_vi": f"Yêu cầu {ticket.code}: {label_vi}.",
                "text_en": f"Request {ticket.code}: {label_en}.",
                **payload,
            },
            created_at=at,
        )
    )


def pending(session: Session, limit: int) -> list[tuple[OutboxNotification, str]]:
    """Oldest undelivered notifications with their ticket codes."""
    rows = session.execute(
        select(OutboxNotification, Ticket.code)
        .join(Ticket, Ticket.id == OutboxNotification.ticket_id)
        .where(OutboxNotification.delivered_at.is_(None))
        .order_by(OutboxNotification.id)
        .limit(limit)
    )
    return [(n, code) for n, code in rows]


def for_ticket(session: Session, code: str) -> list[OutboxNotification]:
    """Every notification of the ticket `code`, oldest first, delivered or not (404 if unknown)."""
    ticket_id = session.scalar(select(Ticket.id).where(Ticket.code == code))
    if ticket_id is None:
        raise not_found(f"Không tìm thấy yêu cầu {code}", f"No ticket {code}")
    return list(
        session.scalars(
            select(OutboxNotification)
            .where(OutboxNotification.ticket_id == ticket_id)
            .order_by(OutboxNotification.id)
        )
    )


def acknowledge(session: Session, notification_id: int, at: datetime) -> bool:
    """Mark a notification delivered; returns False if it already was."""
    item = session.get(OutboxNotification, notification_id)
    if item is None:
        raise not_found(
            f"Không có thông báo số {notification_id}", f"No notification {notification_id}"
        )
    if item.delivered_at is not None:
        return False
    item.delivered_at = at
    return True
