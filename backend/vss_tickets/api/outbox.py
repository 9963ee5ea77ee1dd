"""Outbox endpoints for the assistant: fetch pending notifications, acknowledge delivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from .. import outbox
from ..schemas import OutboxItem
from .deps import ReadSession, ServiceCaller, Svc, WriteSession

router = APIRouter(prefix="/api/v1/outbox", tags=["outbox"])


@router.get("", response_model=list[OutboxItem], summary="Thông báo chờ gửi / Pending")
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


@router.post("/{notification_id}/ack", summary="Xác nhận đã gửi / Acknowledge delivery")
def ack(
    notification_id: int, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> dict[str, object]:
    first = outbox.acknowledge(session, notification_id, svc.clock.now())
    return {"id": notification_id, "delivered": True, "already_acknowledged": not first}
