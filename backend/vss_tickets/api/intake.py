"""Endpoints of the assistant: create a ticket, read it, routing preview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response
from sqlalchemy import select

from vss_tickets.api.deps import AnyCaller, ServiceCaller
from vss_tickets.domain.attachments import claim_staged
from vss_tickets.domain.auth import in_scope
from vss_tickets.domain.errors import not_found, ticket_not_found
from vss_tickets.domain.intake import create_ticket, find_ticket
from vss_tickets.domain.models import Consultation, Unit
from vss_tickets.domain.reference import route_ticket, unit_concerned
from vss_tickets.domain.schemas import (
    RoutingOut,
    RoutingQuery,
    TicketCreate,
    TicketCreated,
    TicketDetail,
    UnitConcernedQuery,
    UnitOut,
)
from vss_tickets.domain.views import ticket_detail, ticket_out, unit_out
from vss_tickets.services import ReadSession, Svc

router = APIRouter(prefix="/api/v1", tags=["tickets"])


@router.post(
    "/tickets",
    status_code=201,
    response_model=TicketCreated,
    summary="Create a ticket / Tạo yêu cầu",
    responses={
        200: {
            "description": "Replay of an earlier request with the same Idempotency-Key (the "
            "transcript may differ): the same ticket with a new receipt"
        }
    },
)
def create(
    payload: TicketCreate,
    _caller: ServiceCaller,
    svc: Svc,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    ticket, created, receipt = create_ticket(
        svc.db, payload, idempotency_key, svc.clock, svc.settings.ref_structure
    )
    if created:
        svc.metrics.tickets_created.labels(ticket.kind).inc()
    if payload.conversation_id:  # the files the citizen sent while filing it
        claim_staged(svc.db, ticket.id, payload.conversation_id, svc.clock.now())
    # Serialised by pydantic-core in one step (the same JSON as model_dump + json.dumps).
    body = ticket_out(ticket, False, TicketCreated, receipt=receipt).model_dump_json()
    return Response(body, status_code=201 if created else 200, media_type="application/json")


@router.get("/tickets/{code}", response_model=TicketDetail, summary="Read a ticket / Xem yêu cầu")
def read(code: str, caller: AnyCaller, session: ReadSession) -> TicketDetail:
    ticket = find_ticket(session, code)
    if ticket is None:
        raise ticket_not_found(code)
    if caller.staff is None:
        return ticket_detail(session, ticket, reveal=False)
    if in_scope(session, caller.staff, ticket.unit_code):
        return ticket_detail(session, ticket, reveal=True)
    consulted = session.scalars(
        select(Consultation.to_unit_code).where(Consultation.ticket_id == ticket.id)
    )
    if any(in_scope(session, caller.staff, unit) for unit in consulted):
        return ticket_detail(session, ticket, reveal=False)
    raise ticket_not_found(code)


@router.post(
    "/routing/preview",
    response_model=RoutingOut,
    summary="Which unit would handle this, and why / Đơn vị nào xử lý, vì sao",
)
def routing_preview(
    query: RoutingQuery, _caller: AnyCaller, svc: Svc, session: ReadSession
) -> RoutingOut:
    decision = route_ticket(
        svc.settings.ref_structure,
        query.kind,
        query.topic,
        query.province,
        query.commune,
        query.about_unit_code,
    )
    unit = session.get(Unit, decision.unit_code)
    if unit is None:
        raise not_found(
            f"Đơn vị {decision.unit_code} chưa có trong cơ sở dữ liệu",
            f"Unit {decision.unit_code} is not in the database",
        )
    return RoutingOut(unit=unit_out(unit), reasons=list(decision.reasons))


@router.post(
    "/routing/unit-concerned",
    response_model=UnitOut | None,
    summary="Đơn vị có cán bộ bị phản ánh / The office a matter about staff concerns",
    responses={
        200: {
            "description": "The unit, or null when the place does not say which "
            "grassroots office (routing then goes to the provincial office)"
        }
    },
)
def concerned(
    query: UnitConcernedQuery, _caller: AnyCaller, svc: Svc, session: ReadSession
) -> UnitOut | None:
    code = unit_concerned(svc.settings.ref_structure, query.level, query.province, query.commune)
    unit = session.get(Unit, code) if code else None
    return unit_out(unit) if unit is not None else None
