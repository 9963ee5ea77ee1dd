"""Staff endpoints: queue, export, and the actions on a ticket (unit-scoped)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from vss_tickets.api.deps import StaffCaller
from vss_tickets.domain import handoff, lifecycle
from vss_tickets.domain.auth import in_scope
from vss_tickets.domain.models import Staff, Ticket
from vss_tickets.domain.queue import QueueFilter, page, query
from vss_tickets.domain.schemas import (
    AnswerIn,
    BodyIn,
    ConsultationOut,
    ConsultIn,
    Kind,
    ReasonIn,
    ResolveIn,
    State,
    TicketDetail,
    TicketPage,
    TransferIn,
)
from vss_tickets.domain.views import consultation_out, consultations_to, ticket_detail, ticket_out
from vss_tickets.infra.config import Settings
from vss_tickets.services import ReadSession, Svc, WriteSession, csv_response

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/staff/tickets", response_model=TicketPage, summary="Queue / Danh sách yêu cầu")
def list_tickets(
    staff: StaffCaller,
    svc: Svc,
    session: ReadSession,
    state: Annotated[list[State] | None, Query()] = None,
    kind: Kind | None = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    overdue: bool | None = None,
    escalated: bool | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TicketPage:
    f = QueueFilter(state, kind, unit, assignee, overdue, escalated)
    items, total = page(session, staff, f, svc.clock.today(), page_number, page_size)
    return TicketPage(
        items=[ticket_out(t, reveal=True) for t in items],
        total=total,
        page=page_number,
        page_size=page_size,
    )


@router.get(
    "/staff/tickets.csv",
    response_class=StreamingResponse,
    summary="CSV export of the queue / Xuất CSV",
)
def export_csv(
    staff: StaffCaller,
    svc: Svc,
    state: Annotated[list[State] | None, Query()] = None,
    kind: Kind | None = None,
    overdue: bool | None = None,
    escalated: bool | None = None,
) -> StreamingResponse:
    stmt = query(staff, QueueFilter(state, kind, None, None, overdue, escalated), svc.clock.today())
    return csv_response(svc, stmt)


@dataclass
class Act:
    """A staff member acting on one ticket they may handle, in one write transaction."""

    session: Session
    staff: Staff
    ticket: Ticket
    now: datetime
    settings: Settings

    def run(self, action: Callable[..., object], *args: object) -> TicketDetail:
        """Apply a lifecycle action; the answer is the ticket as this staff member now sees it."""
        action(self.session, self.ticket, self.staff, self.now, *args)
        reveal = in_scope(self.session, self.staff, self.ticket.unit_code)
        return ticket_detail(self.session, self.ticket, reveal=reveal)


def acting(code: str, staff: StaffCaller, svc: Svc, session: WriteSession) -> Act:
    ticket = lifecycle.load_for_staff(session, code, staff)
    return Act(session, staff, ticket, svc.clock.now(), svc.settings)


Acting = Annotated[Act, Depends(acting)]
ACTION = "/tickets/{code}/"


@router.post(ACTION + "accept", response_model=TicketDetail, summary="Thụ lý / Accept")
def accept(act: Acting) -> TicketDetail:
    return act.run(lifecycle.accept)


@router.post(ACTION + "reject", response_model=TicketDetail, summary="Không thụ lý / Reject")
def reject(body: ReasonIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.reject, body.reason)


@router.post(ACTION + "claim", response_model=TicketDetail, summary="Nhận xử lý / Claim")
def claim(act: Acting) -> TicketDetail:
    return act.run(lifecycle.claim)


@router.post(ACTION + "reply", response_model=TicketDetail, summary="Trả lời / Reply")
def reply(body: BodyIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.reply, body.body)


@router.post(
    ACTION + "request-info",
    response_model=TicketDetail,
    summary="Yêu cầu bổ sung (tạm dừng thời hạn) / Ask the citizen (pauses the clock)",
)
def request_info(body: BodyIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.request_info, body.body)


@router.post(ACTION + "resume", response_model=TicketDetail, summary="Tiếp tục / Resume")
def resume(act: Acting) -> TicketDetail:
    return act.run(lifecycle.resume)


@router.post(ACTION + "transfer", response_model=TicketDetail, summary="Chuyển / Transfer")
def transfer(body: TransferIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.transfer, body.to_unit_code, body.reason)


@router.post(ACTION + "resolve", response_model=TicketDetail, summary="Giải quyết / Resolve")
def resolve(body: ResolveIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.resolve, body.resolution, act.settings.reopen_days)


@router.post(ACTION + "close", response_model=TicketDetail, summary="Đóng / Close")
def close(act: Acting) -> TicketDetail:
    return act.run(lifecycle.close)


@router.post(ACTION + "reopen", response_model=TicketDetail, summary="Mở lại / Reopen")
def reopen(body: ReasonIn, act: Acting) -> TicketDetail:
    return act.run(lifecycle.reopen, body.reason, act.settings.reopen_days)


@router.post(
    ACTION + "take-chat",
    response_model=TicketDetail,
    summary="Nhận trao đổi trực tiếp / Take over the live chat",
)
def take_chat(act: Acting) -> TicketDetail:
    """waiting → held by the caller; 409 `chat_not_waiting` otherwise."""
    return act.run(handoff.take)


@router.post(
    ACTION + "release-chat",
    response_model=TicketDetail,
    summary="Kết thúc trao đổi trực tiếp / Release the live chat",
)
def release_chat(act: Acting) -> TicketDetail:
    """held → closed ("released"), by the holding officer or a supervisor/admin in scope
    (403 otherwise); 409 `chat_not_held` when no chat is held. Queues `chat_released`."""
    return act.run(handoff.release)


@router.post(
    ACTION + "consult",
    response_model=ConsultationOut,
    status_code=201,
    summary="Xin ý kiến đơn vị khác / Consult another unit",
)
def consult(body: ConsultIn, act: Acting) -> ConsultationOut:
    days = body.due_in_working_days or act.settings.consult_days
    c = lifecycle.consult(
        act.session, act.ticket, act.staff, act.now, body.to_unit_code, body.question, days
    )
    return consultation_out(c, act.ticket.code)


@router.get(
    "/staff/consultations",
    response_model=list[ConsultationOut],
    summary="Yêu cầu xin ý kiến gửi đơn vị tôi / Consultations addressed to my units",
)
def my_consultations(
    staff: StaffCaller, session: ReadSession, status: str = "open"
) -> list[ConsultationOut]:
    return consultations_to(session, staff, status)


@router.post(
    "/consultations/{consultation_id}/answer",
    response_model=ConsultationOut,
    summary="Trả lời xin ý kiến / Answer a consultation",
)
def answer(
    consultation_id: int, body: AnswerIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> ConsultationOut:
    c = lifecycle.answer_consultation(session, consultation_id, staff, svc.clock.now(), body.answer)
    ticket = session.get(Ticket, c.ticket_id)
    return consultation_out(c, ticket.code if ticket else "")
