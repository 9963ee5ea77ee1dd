"""The ticket page (full for the ticket's unit, read-only with its answer form for a consulted
unit), its actions, the reveal of a personal number, and the page that ends a transfer."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from vss_tickets.console.actions import (
    ACTIONS,
    CHAT_ACTIONS,
    Draft,
    available,
    chat_actions,
    problem,
)
from vss_tickets.console.i18n import Texts, request_lang
from vss_tickets.console.pages import api_error_page, error_page, guard_post, render, to_login
from vss_tickets.console.queries import consulted, last_transfer_by, receiving_units, ticket_access
from vss_tickets.console.reveal import FIELDS, may_reveal, numbers, record_reveal
from vss_tickets.console.security import current_staff
from vss_tickets.domain import attachments, lifecycle
from vss_tickets.domain.auth import in_scope
from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import Staff, Ticket, Unit
from vss_tickets.domain.reference import working_calendar
from vss_tickets.domain.schemas import AnswerIn, DeadlinesOut
from vss_tickets.domain.views import consultation_out, deadlines_out, ticket_detail
from vss_tickets.services import Svc

router = APIRouter(prefix="/console", include_in_schema=False)

LongField = Annotated[str, Form(max_length=20_000)]
ShortField = Annotated[str, Form(max_length=200)]


def deadline_rows(deadlines: DeadlinesOut, today: date) -> list[tuple[str, date, int]]:
    """(name, date, working days left, negative when late) of the deadlines a ticket has."""
    calendar = working_calendar()
    pairs = [
        ("acceptance", deadlines.acceptance),
        ("first_response", deadlines.first_response),
        ("resolution", deadlines.resolution),
    ]
    return [(k, due, calendar.working_days_between(today, due)) for k, due in pairs if due]


def ticket_url(code: str) -> str:
    return f"/console/tickets/{code}"


def _page(
    request: Request, svc: Svc, staff: Staff, code: str, status: int = 200,
    revealed: str | None = None, **ctx: object,
) -> Response:  # fmt: skip
    """The ticket page as `staff` may see it; `revealed` names a number shown in full."""
    with svc.db.session() as session:
        try:
            ticket, handles = ticket_access(session, staff, code)
        except ApiError as exc:
            return api_error_page(request, staff, exc)
        detail = ticket_detail(session, ticket, reveal=handles)
        mine = [consultation_out(c, code) for c in consulted(session, staff, ticket)]
        units = (
            receiving_units(session, svc.settings.ref_structure, ticket.unit_code)
            if handles
            else []
        )
        chat = chat_actions(ticket, staff) if handles else []
        files = attachments.of_ticket(session, ticket.id) if handles else []
        personal = numbers(ticket, staff, handles, revealed)
    return render(
        request, "ticket.html", staff, status=status, d=detail, handles=handles, units=units,
        numbers=personal, to_answer=[c for c in mine if c.status == "open"],
        deadlines=deadline_rows(detail.deadlines, svc.clock.today()),
        actions=available(detail.state) if handles else [], chat_actions=chat,
        done=request.query_params.get("done"), live_url=ticket_url(code), files=files,
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
    if action == "transfer":  # the ticket has left: say where it went
        return RedirectResponse(f"{ticket_url(code)}/transferred", status_code=303)
    return RedirectResponse(f"{ticket_url(code)}?done={action}", status_code=303)


@router.post("/tickets/{code}/reveal/{field}", response_class=HTMLResponse)
def reveal(code: str, field: str, request: Request, svc: Svc, csrf: ShortField = "") -> Response:
    """Show one personal number in full, in this answer only (never in a URL or a log), and
    record that this officer saw it."""
    staff, refusal = guard_post(request, svc, csrf)
    if refusal is not None or staff is None:
        return refusal or to_login()
    t = Texts(request_lang(request))
    if field not in FIELDS:
        return error_page(request, staff, 404, t("not_found"))
    try:
        with svc.db.session(write=True) as session:
            ticket = lifecycle.load_for_staff(session, code, staff)
            if getattr(ticket, FIELDS[field]) is None or not may_reveal(ticket, staff, field):
                return error_page(request, staff, 403, t("reveal_refused"))
            record_reveal(session, ticket, staff, field, svc.clock.now())
    except ApiError as exc:
        return api_error_page(request, staff, exc)
    return _page(request, svc, staff, code, revealed=field)


@router.get("/tickets/{code}/attachments/{attachment_id}")
def attachment(
    code: str, attachment_id: int, request: Request, svc: Svc,
    view: Annotated[str, Query(max_length=1)] = "",
) -> Response:  # fmt: skip
    """One of the citizen's files, for staff of the ticket's unit only (a consulted unit and
    anyone else get 404), each download in the audit trail. Never shown as a page: a photo
    opens as an image (`?view=1`), everything else downloads, under a policy that runs
    nothing."""
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    try:
        with svc.db.session(write=True) as session:
            ticket, handles = ticket_access(session, staff, code)
            if not handles:
                raise ApiError(404, "not_found", "Không tìm thấy", "Not found")
            file, data = attachments.download(
                session, svc.settings, ticket, attachment_id, staff, svc.clock.now()
            )
    except ApiError as exc:
        return api_error_page(request, staff, exc)
    inline = view == "1" and file.media_type.startswith("image/")
    return Response(data, media_type=file.media_type, headers=file_headers(file.filename, inline))


def file_headers(filename: str, inline: bool) -> dict[str, str]:
    """Headers of a citizen's file: its name (RFC 6266), no sniffing (the middleware), nothing
    run or embedded from it."""
    disposition = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
        ),
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


@router.get("/tickets/{code}/transferred", response_class=HTMLResponse)
def transferred(code: str, request: Request, svc: Svc) -> Response:
    """Where the ticket went after this officer's transfer: unit, reason, its deadlines."""
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    with svc.db.session() as session:
        try:
            ticket, event = last_transfer_by(session, staff, code)
        except ApiError as exc:
            return api_error_page(request, staff, exc)
        unit = session.get(Unit, event.details["to_unit"])
        deadlines = deadline_rows(deadlines_out(ticket), svc.clock.today())
        still_seen = in_scope(session, staff, ticket.unit_code)
    return render(
        request, "transferred.html", staff, code=code, unit=unit, event=event,
        deadlines=deadlines, still_seen=still_seen,
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/answer", response_class=HTMLResponse)
def answer(
    consultation_id: int, request: Request, svc: Svc, csrf: ShortField = "", body: LongField = ""
) -> Response:
    """The consulted unit's answer; ends on the ticket page, which shows it."""
    staff, refusal = guard_post(request, svc, csrf)
    if refusal is not None or staff is None:
        return refusal or to_login()
    t = Texts(request_lang(request))
    try:
        text = AnswerIn(answer=body).answer
        with svc.db.session(write=True) as session:
            now = svc.clock.now()
            c = lifecycle.answer_consultation(session, consultation_id, staff, now, text)
            code = session.get(Ticket, c.ticket_id).code  # type: ignore[union-attr]
    except ValidationError as exc:
        return error_page(request, staff, 422, problem(exc, t), kept=body)
    except ApiError as exc:
        return api_error_page(request, staff, exc, kept=body)
    return RedirectResponse(f"{ticket_url(code)}?done=answer", status_code=303)
