"""Outbox endpoints for the assistant: fetch pending notifications, acknowledge delivery, list
one ticket's notifications with their delivery state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from .. import outbox
from ..schemas import OutboxEntry, OutboxItem
from .deps import ReadSession, ServiceCaller, Svc, WriteSession

router = APIRouter(prefix="/api/v1", tags=["outbox"])


@router.get("/outbox", response_model=list[OutboxItem], summary="Thông báo chờ gửi / Pending")
def pending(
    _caller: ServiceCaller,
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OutboxItem]:
    return [
        OutboxItem(
            id=n.id,
            ticket_code=code,
            event=n.event,
            channel=n.channel,
            conversation_id=n.conversation_id,
            payload=n.payload,
            created_at=n.created_at,
        )
        for n, code in outbox.pending(session, limit)
    ]


@router.post("/outbox/{notification_id}/ack", summary="Xác nhận đã gửi / Acknowledge delivery")
def ack(
    notification_id: int, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> dict[str, object]:
    first = outbox.acknowledge(session, notification_id, svc.clock.now())
    return {"id": notification_id, "delivered": True, "already_acknowledged": not first}


@router.get(
    "/tickets/{code}/outbox",
    response_model=list[OutboxEntry],
    summary="Thông báo của một yêu cầu / One ticket's notifications",
    responses={404: {"description": "Unknown ticket code"}},
)
def for_ticket(code: str, _caller: ServiceCaller, session: ReadSession) -> list[OutboxEntry]:
    """All notifications of the ticket, oldest first, each `pending` or `delivered`."""
    return [
        OutboxEntry(
            id=n.id,
            ticket_code=code,
            event=n.event,
            channel=n.channel,
            conversation_id=n.conversation_id,
            payload=n.payload,
            created_at=n.created_at,
            state="pending" if n.delivered_at is None else "delivered",
            delivered_at=n.delivered_at,
        )
        for n in outbox.for_ticket(session, code)
    ]
