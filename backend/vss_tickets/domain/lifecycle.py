"""Ticket lifecycle: the state machine and the staff and citizen actions on a ticket.

Every action checks the transition table, changes the ticket, and writes its audit event (and, when
the citizen should hear of it, an outbox notification) in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vss_tickets.domain import audit
from vss_tickets.domain.auth import ancestors, common_parent, in_scope
from vss_tickets.domain.errors import (
    ApiError,
    conflict,
    forbidden,
    not_found,
    ticket_not_found,
    unprocessable,
)
from vss_tickets.domain.models import Consultation, Message, Staff, Ticket, Unit
from vss_tickets.domain.outbox import notify
from vss_tickets.domain.reference import (
    add_working_days,
    extend_deadline,
    paused_working_days,
    ticket_deadlines,
)
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.infra.clock import VIETNAM

# action -> {state it is allowed in: state it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {"received": "accepted"},
    "reject": {"received": "rejected"},
    "claim": {
        "received": "received",
        "accepted": "in_progress",
        "in_progress": "in_progress",
        "waiting_citizen": "waiting_citizen",
    },
    "reply": {
        "accepted": "in_progress",
        "in_progress": "in_progress",
        "waiting_citizen": "waiting_citizen",
    },
    "request_info": {"accepted": "waiting_citizen", "in_progress": "waiting_citizen"},
    "resume": {"waiting_citizen": "in_progress"},
    "citizen_message": {
        "received": "received",
        "accepted": "accepted",
        "in_progress": "in_progress",
        "waiting_citizen": "in_progress",
        "resolved": "resolved",
    },
    "transfer": {"received": "received", "accepted": "accepted", "in_progress": "accepted"},
    "consult": {s: s for s in ("accepted", "in_progress", "waiting_citizen")},
    "resolve": {"accepted": "resolved", "in_progress": "resolved"},
    "close": {"resolved": "closed"},
    "reopen": {"resolved": "in_progress", "closed": "in_progress"},
    "rate": {"resolved": "resolved", "closed": "closed"},
    "escalate": {s: s for s in OPEN_STATES},
}

_ACTION_VI = {
    "accept": "thụ lý",
    "reject": "từ chối thụ lý",
    "claim": "nhận xử lý",
    "reply": "trả lời",
    "request_info": "yêu cầu bổ sung thông tin",
    "resume": "tiếp tục xử lý",
    "citizen_message": "gửi tin nhắn",
    "transfer": "chuyển đơn vị",
    "consult": "xin ý kiến đơn vị khác",
    "resolve": "giải quyết",
    "close": "đóng",
    "reopen": "mở lại",
    "rate": "đánh giá",
    "escalate": "báo cáo cấp trên",
}


class Step:
    """One action on one ticket by one actor (a staff member, or "citizen" / "system") at one
    moment. A staff member must be allowed to act on it by `check_holder`."""

    def __init__(
        self, session: Session, ticket: Ticket, actor: Staff | str, action: str, now: datetime
    ) -> None:
        allowed = TRANSITIONS[action]
        if ticket.state not in allowed:
            raise ApiError(
                409,
                "illegal_transition",
                f"Không thể {_ACTION_VI[action]} yêu cầu {ticket.code} ở trạng thái "
                f"'{ticket.state}' (cho phép khi: {', '.join(allowed)})",
                f"Cannot {action} ticket {ticket.code} in state '{ticket.state}' "
                f"(allowed in: {', '.join(allowed)})",
            )
        if isinstance(actor, Staff):
            check_holder(ticket, actor)
        self.session, self.ticket = session, ticket
        self.actor = actor if isinstance(actor, str) else _actor(actor)
        self.action, self.now = action, now
        self.from_state = ticket.state
        self.today = now.astimezone(VIETNAM).date()

    def commit(
        self, *, reason: str | None = None, notify_event: str | None = None, **details: Any
    ) -> None:
        """Move to the target state and write the audit event (and notification)."""
        ticket = self.ticket
        ticket.state = TRANSITIONS[self.action][self.from_state]
        ticket.updated_at = self.now
        audit.record(
            self.session,
            ticket,
            self.actor,
            self.action,
            self.now,
            from_state=self.from_state,
            reason=reason,
            **details,
        )
        if notify_event:
            notify(self.session, ticket, notify_event, self.now, **details)
        self.session.flush()


def load(session: Session, code: str, *, lock: bool = True) -> Ticket:
    """The ticket with this code (row-locked on PostgreSQL), or 404."""
    stmt = select(Ticket).where(Ticket.code == code)
    if lock:
        stmt = stmt.with_for_update(of=Ticket)
    ticket = session.scalars(stmt).unique().one_or_none()
    if ticket is None:
        raise ticket_not_found(code)
    return ticket


def load_for_staff(session: Session, code: str, staff: Staff) -> Ticket:
    """The ticket if `staff` may act on it; 404 otherwise (existence is not revealed)."""
    ticket = load(session, code)
    if not in_scope(session, staff, ticket.unit_code):
        raise ticket_not_found(code)
    return ticket


def _actor(staff: Staff) -> str:
    return f"staff:{staff.username}"


def check_holder(ticket: Ticket, staff: Staff) -> None:
    """Once an officer has claimed a ticket, only they act on it, or a supervisor or admin (in
    scope: checked when the ticket is loaded); another officer gets 409."""
    if ticket.assignee_id not in (None, staff.id) and staff.role == "officer":
        raise conflict(
            f"Yêu cầu {ticket.code} đang do {ticket.assignee.username} xử lý",
            f"Ticket {ticket.code} is claimed by {ticket.assignee.username}",
        )


def _take(session: Session, ticket: Ticket, staff: Staff, *, claim: bool = False) -> None:
    """Make `staff` the assignee if nobody is, or on `claim` in place of the holder (only a
    supervisor or admin gets past `check_holder` for that)."""
    if ticket.assignee_id not in (None, staff.id) and not claim:
        return
    ticket.assignee = session.get(Staff, staff.id)  # this session's copy of the account


def _add_message(
    session: Session,
    ticket: Ticket,
    author: str,
    body: str,
    now: datetime,
    staff: Staff | None = None,
) -> None:
    session.add(
        Message(
            ticket_id=ticket.id,
            author=author,
            staff_id=staff.id if staff else None,
            body=body,
            created_at=now,
        )
    )


def _resume_clock(ticket: Ticket, today: date) -> int:
    """End a pause: push open deadlines back by the working days paused; returns that number."""
    if ticket.paused_on is None:
        return 0
    days = paused_working_days(ticket.paused_on, today)
    if days:
        ticket.resolution_due = extend_deadline(ticket.resolution_due, days)
        if ticket.first_response_at is None and ticket.first_response_due is not None:
            ticket.first_response_due = extend_deadline(ticket.first_response_due, days)
    ticket.paused_on = None
    return days


def accept(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    step = Step(session, ticket, staff, "accept", now)
    due = ticket_deadlines(
        ticket.kind,
        ticket.received_on,
        complex_case=ticket.complex_case,
        remote_area=ticket.remote_area,
        accepted=step.today,
    )
    ticket.resolution_due = due.resolution
    step.commit(notify_event="status_changed", resolution_due=due.resolution.isoformat())


def reject(session: Session, ticket: Ticket, staff: Staff, now: datetime, reason: str) -> None:
    step = Step(session, ticket, staff, "reject", now)
    ticket.rejection_reason = reason
    step.commit(reason=reason, notify_event="status_changed")


def claim(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    step = Step(session, ticket, staff, "claim", now)
    previous = ticket.assignee.username if ticket.assignee else None
    _take(session, ticket, staff, claim=True)
    step.commit(assignee=staff.username, previous_assignee=previous)


def _staff_message(
    session: Session, ticket: Ticket, staff: Staff, now: datetime, body: str
) -> None:
    """A message from staff to the citizen; the first one is the first response."""
    _take(session, ticket, staff)
    _add_message(session, ticket, "staff", body, now, staff)
    if ticket.first_response_at is None:
        ticket.first_response_at = now


def reply(session: Session, ticket: Ticket, staff: Staff, now: datetime, body: str) -> None:
    step = Step(session, ticket, staff, "reply", now)
    _staff_message(session, ticket, staff, now, body)
    step.commit(notify_event="staff_reply", message=body)


def request_info(session: Session, ticket: Ticket, staff: Staff, now: datetime, body: str) -> None:
    """Ask the citizen for information; the clock stops until they answer."""
    step = Step(session, ticket, staff, "request_info", now)
    _staff_message(session, ticket, staff, now, body)
    ticket.paused_on = step.today
    step.commit(notify_event="info_requested", message=body)


def _moved(days: int) -> str | None:
    """The notification of a deadline pushed back by a pause (none when nothing moved)."""
    return "deadline_moved" if days else None


def resume(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    step = Step(session, ticket, staff, "resume", now)
    days = _resume_clock(ticket, step.today)
    step.commit(notify_event=_moved(days), paused_working_days=days,
                resolution_due=ticket.resolution_due.isoformat())


def citizen_message(session: Session, ticket: Ticket, now: datetime, body: str) -> None:
    step = Step(session, ticket, "citizen", "citizen_message", now)
    _add_message(session, ticket, "citizen", body, now)
    days = _resume_clock(ticket, step.today) if ticket.state == "waiting_citizen" else 0
    step.commit(notify_event=_moved(days), paused_working_days=days,
                resolution_due=ticket.resolution_due.isoformat())


def transfer(
    session: Session, ticket: Ticket, staff: Staff, now: datetime, to_unit: str, reason: str
) -> None:
    """Hand the ticket to another unit, with a reason; the third transfer onwards needs a
    supervisor of the two units' common parent (or an admin)."""
    step = Step(session, ticket, staff, "transfer", now)
    target = session.get(Unit, to_unit)
    if target is None or not target.active:
        raise unprocessable(f"Không có đơn vị mã {to_unit!r}", f"Unknown unit {to_unit!r}")
    if to_unit == ticket.unit_code:
        raise conflict("Yêu cầu đã thuộc đơn vị này", "The ticket already belongs to this unit")
    if ticket.kind in ("complaint", "denunciation") and to_unit == ticket.about_unit_code:
        raise conflict(
            "Không được chuyển khiếu nại/tố cáo cho chính đơn vị bị phản ánh",
            "A complaint or denunciation cannot go to the unit it is about",
        )
    parent = common_parent(session, ticket.unit_code, to_unit)
    approved_by = None
    if ticket.transfer_count >= 2:
        may_approve = staff.role == "admin" or (
            staff.role == "supervisor"
            and parent is not None
            and staff.unit_code in ancestors(session, parent)
        )
        if not may_approve:
            raise forbidden(
                f"Yêu cầu đã chuyển {ticket.transfer_count} lần: cần lãnh đạo đơn vị {parent} "
                "phê duyệt và thực hiện việc chuyển",
                f"Ticket already transferred {ticket.transfer_count} times: a supervisor of "
                f"{parent} must approve and perform the transfer",
            )
        approved_by = staff.username
    from_unit = ticket.unit_code
    ticket.unit = target
    ticket.assignee = None
    ticket.transfer_count += 1
    step.commit(
        reason=reason,
        notify_event="status_changed",
        from_unit=from_unit,
        to_unit=to_unit,
        to_unit_name_vi=target.name_vi,
        to_unit_name_en=target.name_en,
        common_parent=parent,
        approved_by=approved_by,
    )


def consult(
    session: Session,
    ticket: Ticket,
    staff: Staff,
    now: datetime,
    to_unit: str,
    question: str,
    due_in_working_days: int,
) -> Consultation:
    step = Step(session, ticket, staff, "consult", now)
    target = session.get(Unit, to_unit)
    if target is None or not target.active:
        raise unprocessable(f"Không có đơn vị mã {to_unit!r}", f"Unknown unit {to_unit!r}")
    if to_unit == ticket.unit_code:
        raise conflict("Không thể xin ý kiến chính đơn vị mình", "Cannot consult the own unit")
    consultation = Consultation(
        ticket_id=ticket.id,
        from_unit_code=ticket.unit_code,
        to_unit_code=to_unit,
        question=question,
        due_on=add_working_days(step.today, due_in_working_days),
        requested_by=staff.id,
        created_at=now,
    )
    session.add(consultation)
    session.flush()
    step.commit(
        consultation_id=consultation.id, to_unit=to_unit, due_on=consultation.due_on.isoformat()
    )
    return consultation


def answer_consultation(
    session: Session, consultation_id: int, staff: Staff, now: datetime, answer: str
) -> Consultation:
    """The consulted unit answers; recorded on the ticket's audit trail."""
    consultation = session.get(Consultation, consultation_id, with_for_update=True)
    if consultation is None or not in_scope(session, staff, consultation.to_unit_code):
        raise not_found(
            f"Không có yêu cầu xin ý kiến số {consultation_id}",
            f"No consultation {consultation_id}",
        )
    if consultation.status != "open":
        raise conflict("Yêu cầu xin ý kiến này đã được trả lời", "Already answered")
    ticket = session.get(Ticket, consultation.ticket_id)
    assert ticket is not None
    consultation.status, consultation.answer = "answered", answer
    consultation.answered_by, consultation.answered_at = staff.id, now
    audit.record(
        session,
        ticket,
        _actor(staff),
        "consultation_answered",
        now,
        from_state=ticket.state,
        consultation_id=consultation.id,
        on_time=now.astimezone(VIETNAM).date() <= consultation.due_on,
    )
    session.flush()
    return consultation


def resolve(
    session: Session,
    ticket: Ticket,
    staff: Staff,
    now: datetime,
    text: str,
    reopen_days: int | None = None,
) -> None:
    """Record the outcome; the citizen is told it, asked for a rating and, with
    `reopen_days`, told how long they may reopen the ticket."""
    step = Step(session, ticket, staff, "resolve", now)
    _take(session, ticket, staff)
    ticket.resolution, ticket.resolved_at = text, now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    step.commit(notify_event="status_changed", resolution=text, reopen_days=reopen_days)


def close(session: Session, ticket: Ticket, staff: Staff, now: datetime) -> None:
    step = Step(session, ticket, staff, "close", now)
    ticket.closed_at = now
    step.commit(notify_event="status_changed")


def reopen(
    session: Session, ticket: Ticket, actor: Staff | str, now: datetime, reason: str,
    reopen_days: int,
) -> None:  # fmt: skip
    """Reopen a resolved or closed ticket within `reopen_days` of its resolution (by the
    citizen, or by staff allowed by `check_holder`)."""
    step = Step(session, ticket, actor, "reopen", now)
    resolved_at = ticket.resolved_at or now
    if now - resolved_at > timedelta(days=reopen_days):
        raise conflict(
            f"Đã quá {reopen_days} ngày kể từ khi giải quyết, không thể mở lại; "
            "vui lòng gửi yêu cầu mới",
            f"More than {reopen_days} days since resolution; please file a new request",
        )
    ticket.resolved_at = ticket.closed_at = None
    step.commit(reason=reason, notify_event="status_changed")


def rate(session: Session, ticket: Ticket, now: datetime, rating: int, comment: str | None) -> None:
    step = Step(session, ticket, "citizen", "rate", now)
    if ticket.rating is not None:
        raise conflict("Yêu cầu này đã được đánh giá", "This ticket was already rated")
    ticket.rating, ticket.rating_comment = rating, comment
    step.commit(rating=rating)


def escalate(session: Session, ticket: Ticket, now: datetime, missed: str) -> str:
    """Report an overdue ticket one level further up (first the parent of its unit);
    returns the code of the unit it was escalated to."""
    step = Step(session, ticket, "system", "escalate", now)
    chain = ancestors(session, ticket.unit_code)
    ticket.escalation_level += 1
    target = chain[min(ticket.escalation_level, len(chain) - 1)]
    ticket.escalated_to_unit_code = target
    step.commit(missed_deadline=missed, escalated_to=target, level=ticket.escalation_level)
    return target
