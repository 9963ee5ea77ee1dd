"""Endpoints of the assistant for the citizens' files (service token): the limits, a file from
a conversation (onto its open ticket, else staged until the ticket is filed), a file for a
ticket. The body is the file itself; it is read up to the limit and no further."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vss_tickets.api.deps import ServiceCaller
from vss_tickets.domain import attachments
from vss_tickets.domain.errors import ApiError, ticket_not_found
from vss_tickets.domain.intake import find_ticket
from vss_tickets.domain.models import Attachment, Ticket
from vss_tickets.domain.schemas import AttachmentLimits, AttachmentOut
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.services import Services, Svc

router = APIRouter(prefix="/api/v1", tags=["attachments"])

ConversationId = Annotated[str, Query(min_length=1, max_length=200)]
FileName = Annotated[str, Query(max_length=255)]
Channel = Annotated[str, Query(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")]


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body; 413 as soon as it passes `max_bytes` (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise attachments.too_large(max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise attachments.too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _out(attachment: Attachment, ticket: Ticket | None) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        ticket=ticket.code if ticket else None,
        filename=attachment.filename,
        media_type=attachment.media_type,
        size=attachment.size,
        sha256=attachment.sha256,
    )


async def _store(
    request: Request, svc: Services, conversation_id: str, channel: str, filename: str,
    ticket_of: Callable[[Session], Ticket | None],
) -> AttachmentOut:  # fmt: skip
    """Read the body and keep it, in one write transaction, on the ticket `ticket_of` picks
    (None: staged for the conversation)."""
    data = await read_body(request, svc.settings.attachment_max_bytes)

    def store() -> AttachmentOut:
        with svc.db.session(write=True) as session:
            ticket = ticket_of(session)
            stored = attachments.add(
                session, svc.settings, data=data, filename=filename,
                conversation_id=conversation_id, channel=channel, ticket=ticket,
                now=svc.clock.now(),
            )  # fmt: skip
            return _out(stored, ticket)

    return await run_in_threadpool(store)


@router.get(
    "/attachments/limits",
    response_model=AttachmentLimits,
    summary="Giới hạn tệp đính kèm / What files are accepted",
)
async def limits(_caller: ServiceCaller, svc: Svc) -> AttachmentLimits:
    return AttachmentLimits(
        max_bytes=svc.settings.attachment_max_bytes,
        media_types=[kind.media_type for kind in attachments.ACCEPTED],
    )


@router.post(
    "/attachments",
    status_code=201,
    response_model=AttachmentOut,
    summary="Tệp của công dân trong cuộc trò chuyện / A citizen's file from a conversation",
    responses={
        413: {"description": "too_large"},
        415: {"description": "unsupported_type (the content, not the name, decides)"},
        429: {"description": "too_many_attachments"},
    },
)
async def from_conversation(
    request: Request, _caller: ServiceCaller, svc: Svc, conversation_id: ConversationId,
    channel: Channel, filename: FileName = "",
) -> AttachmentOut:  # fmt: skip
    """Onto the conversation's open ticket (`ticket` in the answer), else staged (`ticket`
    null) until the conversation files one."""
    return await _store(
        request, svc, conversation_id, channel, filename,
        lambda session: attachments.open_ticket_of(session, conversation_id),
    )  # fmt: skip


@router.post(
    "/tickets/{code}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    summary="Tệp của công dân cho một yêu cầu / A citizen's file for a ticket",
    responses={
        404: {"description": "Unknown code or another conversation"},
        409: {"description": "The ticket is no longer open"},
    },
)
async def for_ticket(
    code: str, request: Request, _caller: ServiceCaller, svc: Svc,
    conversation_id: ConversationId, channel: Channel, filename: FileName = "",
) -> AttachmentOut:  # fmt: skip

    def open_ticket(session: Session) -> Ticket:
        ticket = find_ticket(session, code)
        if ticket is None or ticket.conversation_id != conversation_id:
            raise ticket_not_found(code)
        if ticket.state not in OPEN_STATES:
            raise ApiError(
                409, "ticket_closed", "Yêu cầu đã kết thúc", "The ticket is no longer open"
            )
        return ticket

    return await _store(request, svc, conversation_id, channel, filename, open_ticket)
