"""Live chat endpoints for the assistant (service token): sweep the chats, pass on the
citizen's messages."""

from __future__ import annotations

from fastapi import APIRouter

from vss_tickets.api.deps import ServiceCaller
from vss_tickets.domain import handoff
from vss_tickets.domain.schemas import ActiveChat, ChatMessageIn, ChatMessageOut
from vss_tickets.services import Svc, WriteSession

router = APIRouter(prefix="/api/v1", tags=["chats"])


@router.post(
    "/chats/sweep",
    response_model=list[ActiveChat],
    summary="Trao đổi trực tiếp đang mở / Expire overdue chats, list the active ones",
)
def sweep(_caller: ServiceCaller, svc: Svc, session: WriteSession) -> list[ActiveChat]:
    """Closes the chats still waiting after `TICKETS_HANDOFF_WAIT_SECONDS` ("expired", outbox
    `chat_expired`), then answers the chats waiting or held, oldest request first."""
    handoff.expire_overdue(session, svc.clock.now(), svc.settings.handoff_wait_seconds)
    return [
        ActiveChat(
            code=t.code,
            conversation_id=t.conversation_id,
            channel=t.channel,
            language=t.language,
            state=t.chat_state,  # type: ignore[arg-type]
            officer=t.chat_officer,
            requested_at=t.chat_requested_at,  # type: ignore[arg-type]
            relayed_until=t.chat_relayed_until,
        )
        for t in handoff.active(session)
    ]


@router.post(
    "/tickets/{code}/chat-messages",
    response_model=ChatMessageOut,
    status_code=201,
    summary="Tin nhắn trao đổi trực tiếp của công dân / Citizen message in a live chat",
    responses={
        404: {"description": "Unknown code or another conversation"},
        409: {"description": "chat_not_active"},
    },
)
def chat_message(
    code: str, body: ChatMessageIn, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> ChatMessageOut:
    ticket, added = handoff.citizen_message(
        session, code, body.conversation_id, body.body, svc.clock.now(), body.sent_at
    )
    return ChatMessageOut(
        code=ticket.code,
        state=ticket.state,  # type: ignore[arg-type]
        chat_state=ticket.chat_state,  # type: ignore[arg-type]
        duplicate=not added,
    )
