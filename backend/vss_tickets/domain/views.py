"""Rendering of ORM rows as API models; personal numbers masked unless revealed."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from vss_tickets.domain.auth import scope
from vss_tickets.domain.masking import mask_tail
from vss_tickets.domain.models import AuditEvent, Consultation, Message, Staff, Ticket, Unit
from vss_tickets.domain.schemas import (
    AuditOut,
    CitizenOut,
    CitizenTicketView,
    ConsultationOut,
    DeadlinesOut,
    MessageOut,
    TicketDetail,
    TicketOut,
    TranscriptTurnOut,
    UnitOut,
)

Out = TypeVar("Out", bound=TicketOut)


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(code=unit.code, name_vi=unit.name_vi, name_en=unit.name_en)


def deadlines_out(ticket: Ticket) -> DeadlinesOut:
    return DeadlinesOut(
        acceptance=ticket.acceptance_due,
        first_response=ticket.first_response_due,
        resolution=ticket.resolution_due,
    )


def ticket_out(ticket: Ticket, reveal: bool, model: type[Out] = TicketOut, **extra: object) -> Out:
    """The ticket as `model` (with its `extra` fields); `reveal` (staff of the unit) shows
    phone, CCCD and BHXH code in full."""

    def hide(value: str | None) -> str | None:
        return value if reveal else mask_tail(value)

    return model(
        code=ticket.code,
        state=ticket.state,  # type: ignore[arg-type]
        kind=ticket.kind,  # type: ignore[arg-type]
        topic=ticket.topic,
        priority=ticket.priority,
        unit=unit_out(ticket.unit),
        deadlines=deadlines_out(ticket),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        channel=ticket.channel,
        conversation_id=ticket.conversation_id,
        language=ticket.language,
        description=ticket.description,
        citizen=CitizenOut(
            name=ticket.citizen_name,
            phone=hide(ticket.citizen_phone) or "",
            cccd=hide(ticket.citizen_cccd),
            bhxh_code=hide(ticket.citizen_bhxh_code),
        ),
        province=ticket.province_code,
        commune=ticket.commune,
        assignee=ticket.assignee.username if ticket.assignee else None,
        transfer_count=ticket.transfer_count,
        escalation_level=ticket.escalation_level,
        escalated_to=ticket.escalated_to_unit_code,
        paused_since=ticket.paused_on,
        routing_reasons=list(ticket.routing_reasons),
        rejection_reason=ticket.rejection_reason,
        resolution=ticket.resolution,
        rating=ticket.rating,
        chat_state=ticket.chat_state,  # type: ignore[arg-type]
        chat_officer=ticket.chat_officer,
        chat_requested_at=ticket.chat_requested_at,
        chat_closed_reason=ticket.chat_closed_reason,  # type: ignore[arg-type]
        **extra,
    )


def messages_out(session: Session, ticket: Ticket) -> list[MessageOut]:
    rows = session.execute(
        select(Message, Staff.username)
        .outerjoin(Staff, Staff.id == Message.staff_id)
        .where(Message.ticket_id == ticket.id)
        .order_by(Message.id)
    )
    return [
        MessageOut(author=m.author, body=m.body, staff=name, created_at=m.created_at)
        for m, name in rows
    ]


def consultation_out(c: Consultation, ticket_code: str) -> ConsultationOut:
    return ConsultationOut(
        id=c.id,
        ticket_code=ticket_code,
        from_unit=c.from_unit_code,
        to_unit=c.to_unit_code,
        question=c.question,
        answer=c.answer,
        status=c.status,
        due_on=c.due_on,
        created_at=c.created_at,
    )


def consultations_to(session: Session, staff: Staff, status: str) -> list[ConsultationOut]:
    """The consultations in `status` asked of the units in `staff`'s scope, soonest due first."""
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


def ticket_detail(session: Session, ticket: Ticket, reveal: bool) -> TicketDetail:
    """The ticket with its thread, consultations and audit trail; `reveal` (staff of the unit)
    also shows the personal numbers in full and the chat transcript."""
    consultations = session.scalars(
        select(Consultation).where(Consultation.ticket_id == ticket.id).order_by(Consultation.id)
    )
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.ticket_id == ticket.id).order_by(AuditEvent.id)
    )
    return TicketDetail(
        **ticket_out(ticket, reveal).model_dump(),
        messages=messages_out(session, ticket),
        consultations=[consultation_out(c, ticket.code) for c in consultations],
        audit=[
            AuditOut(
                actor=e.actor,
                action=e.action,
                from_state=e.from_state,
                to_state=e.to_state,
                reason=e.reason,
                details=e.details,
                created_at=e.created_at,
            )
            for e in events
        ],
        transcript=transcript_out(ticket) if reveal else None,
    )


def transcript_out(ticket: Ticket) -> list[TranscriptTurnOut]:
    """The chat that led to the ticket, oldest turn first (empty if none was sent)."""
    return [TranscriptTurnOut.model_validate(turn) for turn in ticket.transcript or []]


def citizen_view(session: Session, ticket: Ticket) -> CitizenTicketView:
    return CitizenTicketView(
        code=ticket.code,
        state=ticket.state,  # type: ignore[arg-type]
        kind=ticket.kind,  # type: ignore[arg-type]
        unit=unit_out(ticket.unit),
        deadlines=deadlines_out(ticket),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        messages=messages_out(session, ticket),
        resolution=ticket.resolution,
    )
