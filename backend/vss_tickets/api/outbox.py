"""Outbox endpoints for the assistant: fetch pending notifications, acknowledge delivery, list
one ticket's notifications with their delivery state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from vss_tickets.api.deps import ServiceCaller
from vss_tickets.domain import outbox
from vss_tickets.domain.models import OutboxNotification, Ticket
from vss_tickets.domain.schemas import DeliveryFailureIn, OutboxEntry, OutboxItem
from vss_tickets.services import ReadSession, Svc, WriteSession

router = APIRouter(prefix="/api/v1", tags=["outbox"])


@router.get("/outbox", response_model=list[OutboxItem], summary="Thông báo chờ gửi / Pending")
def pending(
    _caller: ServiceCaller,
    svc: Svc,
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OutboxItem]:
    """What is due now, for a look: nothing is claimed (``deliver`` uses ``/outbox/claim``)."""
    return [item(n, code) for n, code in outbox.pending(session, limit, svc.clock.now())]


@router.post(
    "/outbox/claim",
    response_model=list[OutboxItem],
    summary="Nhận thông báo để gửi / Claim notifications to deliver",
)
def claim(
    _caller: ServiceCaller,
    svc: Svc,
    session: WriteSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OutboxItem]:
    """The oldest due notifications, leased to the caller for two minutes: any number of
    ``deliver`` processes may claim at once, each row goes to one of them."""
    return [item(n, code) for n, code in outbox.claim(session, limit, svc.clock.now())]


def item(n: OutboxNotification, code: str) -> OutboxItem:
    return OutboxItem(
        id=n.id,
        ticket_code=code,
        event=n.event,
        channel=n.channel,
        conversation_id=n.conversation_id,
        payload=n.payload,
        created_at=n.created_at,
    )


@router.post("/outbox/{notification_id}/ack", summary="Xác nhận đã gửi / Acknowledge delivery")
def ack(
    notification_id: int, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> dict[str, object]:
    first = outbox.acknowledge(session, notification_id, svc.clock.now())
    return {"id": notification_id, "delivered": True, "already_acknowledged": not first}


@router.post(
    "/outbox/{notification_id}/fail",
    response_model=OutboxEntry,
    summary="Ghi nhận gửi không thành công / Record a failed delivery",
)
def fail(
    notification_id: int,
    body: DeliveryFailureIn,
    _caller: ServiceCaller,
    svc: Svc,
    session: WriteSession,
) -> OutboxEntry:
    """Offered again after a back-off (30 s doubling up to 1 h); given up after 10 failures."""
    item = outbox.fail(session, notification_id, svc.clock.now(), body.error)
    return entry(item, session.get(Ticket, item.ticket_id).code)


@router.get(
    "/tickets/{code}/outbox",
    response_model=list[OutboxEntry],
    summary="Thông báo của một yêu cầu / One ticket's notifications",
    responses={404: {"description": "Unknown ticket code"}},
)
def for_ticket(code: str, _caller: ServiceCaller, session: ReadSession) -> list[OutboxEntry]:
    """All notifications of the ticket, oldest first, with their delivery state."""
    return [entry(n, code) for n in outbox.for_ticket(session, code)]


def entry(n: OutboxNotification, code: str) -> OutboxEntry:
    return OutboxEntry(
        **item(n, code).model_dump(),
        state=outbox.state(n),  # type: ignore[arg-type]
        delivered_at=n.delivered_at,
        attempts=n.attempts,
        last_error=n.last_error,
        next_attempt_at=n.next_attempt_at,
    )
