"""Citizen endpoints, called by the assistant with the service token. Each body proves the
ticket is the citizen's (verification.py: the receipt and/or the phone's last four digits) and
names the conversation asking; the check runs in its own transactions before the action's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from vss_tickets.api.deps import ServiceCaller
from vss_tickets.domain import lifecycle
from vss_tickets.domain.models import Ticket
from vss_tickets.domain.schemas import (
    CitizenMessageIn,
    CitizenReopenIn,
    CitizenTicketView,
    RatingIn,
    Verification,
)
from vss_tickets.domain.verification import verify
from vss_tickets.domain.views import citizen_view
from vss_tickets.services import Services, Svc

router = APIRouter(prefix="/api/v1/tickets/{code}", tags=["citizen"])

# A ticket code as the service makes them (BHXH-<year>-<number>); anything else is 422.
Code = Annotated[str, Path(max_length=32, pattern=r"^BHXH-[0-9]{4}-[0-9]{6,12}$")]

PROOF_ERRORS = {
    404: {"description": "Unknown code, or a receipt or digits that do not match (same body)"},
    422: {"description": "No proof, digits other than four ASCII digits, a malformed receipt"},
    429: {"description": "too_many_attempts, or receipt_required (digits locked for this code)"},
}


def act(
    svc: Services, code: str, proof: Verification,
    action: Callable[[Session, Ticket, datetime], None],
) -> CitizenTicketView:  # fmt: skip
    """Verify, then apply `action` to the ticket in a write transaction; the citizen's view."""
    now = svc.clock.now()
    verify(svc.db, svc.settings, code, proof, now)
    with svc.db.session(write=True) as session:
        ticket = lifecycle.load(session, code)
        action(session, ticket, now)
        return citizen_view(session, ticket)


@router.post(
    "/citizen-view",
    response_model=CitizenTicketView,
    summary="Trạng thái cho công dân / Status for the citizen",
    responses=PROOF_ERRORS,
)
def view(code: Code, check: Verification, _caller: ServiceCaller, svc: Svc) -> CitizenTicketView:
    verify(svc.db, svc.settings, code, check, svc.clock.now())
    with svc.db.session() as session:
        return citizen_view(session, lifecycle.load(session, code, lock=False))


@router.post(
    "/citizen-messages",
    response_model=CitizenTicketView,
    status_code=201,
    summary="Tin nhắn của công dân / Citizen message (resumes a paused clock)",
    responses=PROOF_ERRORS,
)
def message(
    code: Code, body: CitizenMessageIn, _caller: ServiceCaller, svc: Svc
) -> CitizenTicketView:
    return act(svc, code, body, lambda s, t, now: lifecycle.citizen_message(s, t, now, body.body))


@router.post(
    "/rating",
    response_model=CitizenTicketView,
    summary="Đánh giá mức độ hài lòng / Rating",
    responses=PROOF_ERRORS,
)
def rating(code: Code, body: RatingIn, _caller: ServiceCaller, svc: Svc) -> CitizenTicketView:
    return act(
        svc, code, body, lambda s, t, now: lifecycle.rate(s, t, now, body.rating, body.comment)
    )


@router.post(
    "/citizen-reopen",
    response_model=CitizenTicketView,
    summary="Công dân yêu cầu mở lại / Citizen reopens",
    responses=PROOF_ERRORS,
)
def reopen(
    code: Code, body: CitizenReopenIn, _caller: ServiceCaller, svc: Svc
) -> CitizenTicketView:
    days = svc.settings.reopen_days
    return act(
        svc, code, body,
        lambda s, t, now: lifecycle.reopen(s, t, "citizen", now, body.reason, days),
    )  # fmt: skip
