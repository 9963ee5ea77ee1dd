"""Citizen endpoints, called by the assistant with the service token after verification
(ticket code + last four digits of the phone number given at intake)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter
from sqlalchemy.orm import Session

from .. import lifecycle
from ..errors import ApiError, not_found
from ..models import Ticket
from ..schemas import CitizenMessageIn, CitizenReopenIn, CitizenTicketView, RatingIn, Verification
from ..views import citizen_view
from .deps import ServiceCaller, Services, Svc, WriteSession

router = APIRouter(prefix="/api/v1/tickets/{code}", tags=["citizen"])


def verified(svc: Services, session: Session, code: str, check: Verification) -> Ticket:
    """The ticket if the phone digits match. A wrong code and wrong digits get the same 404
    and both count as a failure for that code; after too many, 429 until they age out."""
    now = svc.clock.now()
    if svc.verification.blocked(code, now):
        raise ApiError(
            429,
            "too_many_attempts",
            "Nhập sai quá nhiều lần, vui lòng thử lại sau",
            "Too many failed verifications; try again later",
        )
    try:
        ticket: Ticket | None = lifecycle.load(session, code)
    except ApiError:
        ticket = None
    digits = ticket.citizen_phone[-4:] if ticket else "----"
    if ticket is None or not hmac.compare_digest(digits, check.phone_last4):
        svc.verification.fail(code, now)
        raise not_found(
            "Không tìm thấy yêu cầu với mã và số điện thoại này",
            "No ticket with this code and phone number",
        )
    return ticket


@router.post(
    "/citizen-view",
    response_model=CitizenTicketView,
    summary="Trạng thái cho công dân / Status for the citizen",
)
def view(
    code: str, check: Verification, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> CitizenTicketView:
    return citizen_view(session, verified(svc, session, code, check))


@router.post(
    "/citizen-messages",
    response_model=CitizenTicketView,
    status_code=201,
    summary="Tin nhắn của công dân / Citizen message (resumes a paused clock)",
)
def message(
    code: str, body: CitizenMessageIn, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> CitizenTicketView:
    ticket = verified(svc, session, code, body)
    lifecycle.citizen_message(session, ticket, svc.clock.now(), body.body)
    return citizen_view(session, ticket)


@router.post(
    "/rating", response_model=CitizenTicketView, summary="Đánh giá mức độ hài lòng / Rating"
)
def rating(
    code: str, body: RatingIn, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> CitizenTicketView:
    ticket = verified(svc, session, code, body)
    lifecycle.rate(session, ticket, svc.clock.now(), body.rating, body.comment)
    return citizen_view(session, ticket)


@router.post(
    "/citizen-reopen",
    response_model=CitizenTicketView,
    summary="Công dân yêu cầu mở lại / Citizen reopens",
)
def reopen(
    code: str, body: CitizenReopenIn, _caller: ServiceCaller, svc: Svc, session: WriteSession
) -> CitizenTicketView:
    ticket = verified(svc, session, code, body)
    lifecycle.reopen(
        session, ticket, "citizen", svc.clock.now(), body.reason, svc.settings.reopen_days
    )
    return citizen_view(session, ticket)
