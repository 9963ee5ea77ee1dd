"""Staff endpoints: queue, export, and the actions on a ticket (unit-scoped)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from .. import lifecycle
from ..auth import scope
from ..export import csv_lines
from ..models import Consultation, Ticket
from ..queue import QueueFilter, page, query
from ..schemas import (
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
from ..views import consultation_out, ticket_detail, ticket_out
from .deps import ReadSession, StaffCaller, Svc, WriteSession

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

    def lines() -> Iterator[str]:
        with svc.db.session() as session:
            yield from csv_lines(session, stmt)

    filename = f"tickets-{svc.clock.today().isoformat()}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _done(session: WriteSession, ticket: Ticket) -> TicketDetail:
    return ticket_detail(session, ticket, reveal=True)


@router.post("/tickets/{code}/accept", response_model=TicketDetail, summary="Thụ lý / Accept")
def accept(code: str, staff: StaffCaller, svc: Svc, session: WriteSession) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.accept(session, ticket, staff, svc.clock.now())
    return _done(session, ticket)


@router.post("/tickets/{code}/reject", response_model=TicketDetail, summary="Không thụ lý / Reject")
def reject(
    code: str, body: ReasonIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.reject(session, ticket, staff, svc.clock.now(), body.reason)
    return _done(session, ticket)


@router.post("/tickets/{code}/claim", response_model=TicketDetail, summary="Nhận xử lý / Claim")
def claim(code: str, staff: StaffCaller, svc: Svc, session: WriteSession) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.claim(session, ticket, staff, svc.clock.now())
    return _done(session, ticket)


@router.post("/tickets/{code}/reply", response_model=TicketDetail, summary="Trả lời / Reply")
def reply(
    code: str, body: BodyIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.reply(session, ticket, staff, svc.clock.now(), body.body)
    return _done(session, ticket)


@router.post(
    "/tickets/{code}/request-info",
    response_model=TicketDetail,
    summary="Yêu cầu bổ sung (tạm dừng thời hạn) / Ask the citizen (pauses the clock)",
)
def request_info(
    code: str, body: BodyIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.request_info(session, ticket, staff, svc.clock.now(), body.body)
    return _done(session, ticket)


@router.post(
    "/tickets/{code}/resume", response_model=TicketDetail, summary="Tiếp tục xử lý / Resume"
)
def resume(code: str, staff: StaffCaller, svc: Svc, session: WriteSession) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.resume(session, ticket, staff, svc.clock.now())
    return _done(session, ticket)


@router.post("/tickets/{code}/transfer", response_model=TicketDetail, summary="Chuyển / Transfer")
def transfer(
    code: str, body: TransferIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.transfer(session, ticket, staff, svc.clock.now(), body.to_unit_code, body.reason)
    return ticket_detail(session, ticket, reveal=False)


@router.post(
    "/tickets/{code}/consult",
    response_model=ConsultationOut,
    status_code=201,
    summary="Xin ý kiến đơn vị khác / Consult another unit",
)
def consult(
    code: str, body: ConsultIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> ConsultationOut:
    ticket = lifecycle.load_for_staff(session, code, staff)
    days = body.due_in_working_days or svc.settings.consult_days
    c = lifecycle.consult(
        session, ticket, staff, svc.clock.now(), body.to_unit_code, body.question, days
    )
    return consultation_out(c, ticket.code)


@router.post("/tickets/{code}/resolve", response_model=TicketDetail, summary="Giải quyết / Resolve")
def resolve(
    code: str, body: ResolveIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.resolve(session, ticket, staff, svc.clock.now(), body.resolution)
    return _done(session, ticket)


@router.post("/tickets/{code}/close", response_model=TicketDetail, summary="Đóng / Close")
def close(code: str, staff: StaffCaller, svc: Svc, session: WriteSession) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.close(session, ticket, staff, svc.clock.now())
    return _done(session, ticket)


@router.post("/tickets/{code}/reopen", response_model=TicketDetail, summary="Mở lại / Reopen")
def reopen(
    code: str, body: ReasonIn, staff: StaffCaller, svc: Svc, session: WriteSession
) -> TicketDetail:
    ticket = lifecycle.load_for_staff(session, code, staff)
    lifecycle.reopen(
        session,
        ticket,
        f"staff:{staff.username}",
        svc.clock.now(),
        body.reason,
        svc.settings.reopen_days,
    )
    return _done(session, ticket)


@router.get(
    "/staff/consultations",
    response_model=list[ConsultationOut],
    summary="Yêu cầu xin ý kiến gửi đơn vị tôi / Consultations addressed to my units",
)
def my_consultations(
    staff: StaffCaller, session: ReadSession, status: str = "open"
) -> list[ConsultationOut]:
    stmt = (
        select(Consultation, Ticket.code)
        .join(Ticket, Ticket.id == Consultation.ticket_id)
        .where(Consultation.status == status)
        .order_by(Consultation.due_on, Consultation.id)
        .limit(500)
    )
    allowed = scope(staff)
    if allowed is not None:
        stmt = stmt.where(Consultation.to_unit_code.in_(allowed))
    return [consultation_out(c, code) for c, code in session.execute(stmt)]


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
