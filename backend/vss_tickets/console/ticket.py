"""The ticket page and its actions, each performed by core's lifecycle (audit + outbox)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import handoff, lifecycle
from ..api.deps import Svc
from ..config import Settings
from ..errors import ApiError
from ..masking import mask_tail
from ..models import Staff, Ticket, Unit
from ..reference import working_calendar
from ..schemas import AnswerIn, BodyIn, ConsultIn, ReasonIn, ResolveIn, TransferIn
from ..views import ticket_detail
from .i18n import Texts, request_lang
from .pages import api_error_page, error_page, guard_post, render, to_login
from .queries import visible_ticket
from .security import current_staff

router = APIRouter(prefix="/console", include_in_schema=False)

LongField = Annotated[str, Form(max_length=20_000)]
ShortField = Annotated[str, Form(max_length=200)]


@dataclass
class Draft:
    """What the officer typed in an action form (kept when the action is refused)."""

    body: str
    reason: str
    to_unit: str
    question: str
    days: str


Action = Callable[[Session, Ticket, Staff, datetime, Draft, Settings], None]


ACTIONS: dict[str, Action] = {
    "accept": lambda s, t, st, now, d, cfg: lifecycle.accept(s, t, st, now),
    "reject": lambda s, t, st, now, d, cfg: lifecycle.reject(
        s, t, st, now, ReasonIn(reason=d.reason).reason
    ),
    "claim": lambda s, t, st, now, d, cfg: lifecycle.claim(s, t, st, now),
    "reply": lambda s, t, st, now, d, cfg: lifecycle.reply(s, t, st, now, BodyIn(body=d.body).body),
    "request_info": lambda s, t, st, now, d, cfg: lifecycle.request_info(
        s, t, st, now, BodyIn(body=d.body).body
    ),
    "resume": lambda s, t, st, now, d, cfg: lifecycle.resume(s, t, st, now),
    "transfer": lambda s, t, st, now, d, cfg: _transfer(s, t, st, now, d),
    "consult": lambda s, t, st, now, d, cfg: _consult(s, t, st, now, d, cfg),
    "resolve": lambda s, t, st, now, d, cfg: lifecycle.resolve(
        s, t, st, now, ResolveIn(resolution=d.body).resolution
    ),
    "close": lambda s, t, st, now, d, cfg: lifecycle.close(s, t, st, now),
    "reopen": lambda s, t, st, now, d, cfg: lifecycle.reopen(
        s, t, st, now, ReasonIn(reason=d.reason).reason, cfg.reopen_days
    ),
}


# The live chat's actions (not in the ticket's transition table: they change only the chat).
CHAT_ACTIONS: dict[str, Action] = {
    "take-chat": lambda s, t, st, now, d, cfg: handoff.take(s, t, st, now),
    "release-chat": lambda s, t, st, now, d, cfg: handoff.release(s, t, st, now),
}


def chat_actions(ticket: Ticket, staff: Staff) -> list[str]:
    """The chat actions `staff` (in scope) may take on `ticket` now."""
    if ticket.chat_state == "waiting":
        return ["take-chat"]
    if handoff.may_release(ticket, staff):
        return ["release-chat"]
    return []


def _transfer(s: Session, t: Ticket, st: Staff, now: datetime, d: Draft) -> None:
    body = TransferIn(to_unit_code=d.to_unit, reason=d.reason)
    lifecycle.transfer(s, t, st, now, body.to_unit_code, body.reason)


def _consult(s: Session, t: Ticket, st: Staff, now: datetime, d: Draft, cfg: Settings) -> None:
    days = d.days.strip() or None  # pydantic parses "3" and refuses "abc" or 0
    body = ConsultIn.model_validate(
        {"to_unit_code": d.to_unit, "question": d.question, "due_in_working_days": days}
    )
    lifecycle.consult(
        s, t, st, now, body.to_unit_code, body.question,
        body.due_in_working_days or cfg.consult_days,
    )  # fmt: skip


def available(state: str) -> list[str]:
    """Actions core's transition table allows in `state`, in the console's order."""
    return [a for a in ACTIONS if state in lifecycle.TRANSITIONS[a]]


def problem(exc: ValidationError, t: Texts) -> str:
    """A short message for a refused form field."""
    error = exc.errors()[0]
    if error["type"] == "string_too_long":
        return t("too_long")
    if error["type"] in ("less_than_equal", "greater_than_equal", "int_parsing"):
        return t("bad_days")
    return t("required")


def _left(today: date, due: date | None) -> int | None:
    return None if due is None else working_calendar().working_days_between(today, due)


def _page(
    request: Request, svc: Svc, staff: Staff, code: str, status: int = 200, **ctx: object
) -> Response:
    today = svc.clock.today()
    with svc.db.session() as session:
        try:
            ticket = visible_ticket(session, staff, code)
        except ApiError as exc:
            return api_error_page(request, staff, exc)
        detail = ticket_detail(session, ticket, reveal=True)
        chat = chat_actions(ticket, staff)
        units = session.scalars(
            select(Unit).where(Unit.active.is_(True), Unit.code != ticket.unit_code)
            .order_by(Unit.level, Unit.code)
        ).all()  # fmt: skip
    deadlines = [
        ("acceptance", detail.deadlines.acceptance),
        ("first_response", detail.deadlines.first_response),
        ("resolution", detail.deadlines.resolution),
    ]
    return render(
        request, "ticket.html", staff, status=status, d=detail, units=units,
        phone_masked=mask_tail(detail.citizen.phone),
        deadlines=[(k, due, _left(today, due)) for k, due in deadlines if due is not None],
        actions=available(detail.state), chat_actions=chat, today=today,
        done=request.query_params.get("done"),
        **ctx,
    )  # fmt: skip


@router.get("/tickets/{code}", response_class=HTMLResponse)
def ticket_page(code: str, request: Request, svc: Svc) -> Response:
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    return _page(request, svc, staff, code)


@router.post("/tickets/{code}/{action}", response_class=HTMLResponse)
def act(
    code: str,
    action: str,
    request: Request,
    svc: Svc,
    csrf: ShortField = "",
    body: LongField = "",
    reason: LongField = "",
    to_unit: ShortField = "",
    question: LongField = "",
    days: ShortField = "",
) -> Response:
    staff, refusal = guard_post(request, svc, csrf)
    if refusal is not None or staff is None:
        return refusal or to_login()
    t = Texts(request_lang(request))
    perform = ACTIONS.get(action) or CHAT_ACTIONS.get(action)
    if perform is None:
        return error_page(request, staff, 404, t("not_found"))
    draft = Draft(body, reason, to_unit, question, days)
    try:
        with svc.db.session(write=True) as session:
            ticket = lifecycle.load_for_staff(session, code, staff)
            perform(session, ticket, staff, svc.clock.now(), draft, svc.settings)
    except ValidationError as exc:
        return _page(request, svc, staff, code, 422, error=problem(exc, t), draft=draft,
                     failed=action)  # fmt: skip
    except ApiError as exc:
        if exc.status == 404:
            return api_error_page(request, staff, exc)
        return _page(request, svc, staff, code, exc.status, error=exc.message, draft=draft,
                     failed=action)  # fmt: skip
    return RedirectResponse(f"/console/tickets/{code}?done={action}", status_code=303)


@router.post("/consultations/{consultation_id}/answer", response_class=HTMLResponse)
def answer(
    consultation_id: int, request: Request, svc: Svc, csrf: ShortField = "", body: LongField = ""
) -> Response:
    staff, refusal = guard_post(request, svc, csrf)
    if refusal is not None or staff is None:
        return refusal or to_login()
    t = Texts(request_lang(request))
    try:
        text = AnswerIn(answer=body).answer
        with svc.db.session(write=True) as session:
            lifecycle.answer_consultation(session, consultation_id, staff, svc.clock.now(), text)
    except ValidationError as exc:
        return error_page(request, staff, 422, problem(exc, t), kept=body)
    except ApiError as exc:
        return api_error_page(request, staff, exc, kept=body)
    return RedirectResponse("/console/?done=answer", status_code=303)
