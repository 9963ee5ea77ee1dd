"""Console pages: login, logout, queue, supervisor dashboard, CSV export, stylesheet."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vss_tickets.console.dashboard import chart_bars, unit_figures
from vss_tickets.console.i18n import Texts, request_lang
from vss_tickets.console.pages import (
    api_error_page,
    error_page,
    guard_post,
    render,
    static_file,
    to_login,
)
from vss_tickets.console.queries import (
    PAGE_SIZE,
    ConsoleFilter,
    queue_page,
    search_terms,
    state_counts,
    statement,
    waiting_chats,
)
from vss_tickets.console.security import (
    CsrfError,
    check_csrf,
    clear_session,
    current_staff,
    login_csrf,
    remember_login_csrf,
    session_token,
    set_session,
)
from vss_tickets.domain import auth
from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.masking import mask_tail
from vss_tickets.domain.reference import working_calendar
from vss_tickets.domain.views import consultations_to
from vss_tickets.services import Svc, client_address, csv_response

router = APIRouter(prefix="/console", include_in_schema=False)

Text = Annotated[str, Form(max_length=200)]


@router.get("/static/{name}")
def static(name: str) -> Response:
    return static_file(name)


def _home(role: str) -> str:
    return "/console/dashboard" if role in ("supervisor", "admin") else "/console/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, svc: Svc) -> Response:
    staff = current_staff(request, svc)
    if staff is not None:
        return RedirectResponse(_home(staff.role), status_code=303)
    return _login_page(request, svc)


def _login_page(request: Request, svc: Svc, status: int = 200, **ctx: object) -> Response:
    token = login_csrf(request)
    response = render(request, "login.html", status=status, csrf=token, **ctx)
    remember_login_csrf(response, svc, token)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, svc: Svc, username: Text = "", password: Text = "", csrf: Text = ""
) -> Response:
    try:
        check_csrf(request, csrf, login=True)
    except CsrfError:
        return error_page(request, None, 403, Texts(request_lang(request))("csrf"))
    try:
        token, _, staff = auth.login(
            svc.db, username.strip(), password, client_address(request), svc.clock.now(),
            svc.settings,
        )  # fmt: skip
    except ApiError as refused:
        return _login_page(request, svc, refused.status, error=refused.message, username=username)
    response = RedirectResponse(_home(staff.role), status_code=303)
    set_session(response, svc, token)
    return response


@router.post("/logout")
def logout(request: Request, svc: Svc, csrf: Text = "") -> Response:
    staff, refusal = guard_post(request, svc, csrf)
    token = session_token(request)
    if refusal is not None or staff is None or token is None:
        return refusal or to_login()
    auth.logout(svc.db, token)
    response = to_login()
    clear_session(response)
    return response


Param = Annotated[str, Query(max_length=100)]


def queue_filter(
    state: Param = "",
    kind: Param = "",
    topic: Param = "",
    unit: Param = "",
    overdue: Param = "",
    mine: Param = "",
    at_risk: Param = "",
    q: Param = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> ConsoleFilter:
    """The queue's filters from the query string (checkboxes send "1")."""
    return ConsoleFilter(
        state, kind, topic, unit, overdue == "1", mine == "1", at_risk == "1", q, page
    )


Filter = Annotated[ConsoleFilter, Depends(queue_filter)]


@router.get("/", response_class=HTMLResponse)
def queue(request: Request, svc: Svc, f: Filter) -> Response:
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    if f.q.strip() and search_terms(f.q) == (None, None):
        f.errors.append(Texts(request_lang(request))("bad_phone"))
    today = svc.clock.today()
    calendar = working_calendar()
    with svc.db.session() as session:
        try:
            tickets, total = queue_page(session, staff, f, today)
        except ApiError as exc:
            return api_error_page(request, staff, exc)
        counts = state_counts(session, staff, today)
        consultations = consultations_to(session, staff, "open")
        chats = waiting_chats(session, staff)
        rows = [
            {
                "t": t,
                "phone": mask_tail(t.citizen_phone),
                "left": calendar.working_days_between(today, t.resolution_due),
            }
            for t in tickets
        ]
    params = {k: v for k, v in request.query_params.items() if k != "page"}

    def page_url(number: int) -> str:
        return "/console/?" + urlencode({**params, "page": number})

    return render(
        request, "queue.html", staff, f=f, rows=rows, total=total, counts=counts,
        pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, consultations=consultations, today=today,
        waiting_chats=chats, live_url=f"/console/?{request.url.query}",
        query=urlencode(params), page_url=page_url,
    )  # fmt: skip


@router.post("/search")
def search(request: Request, svc: Svc, csrf: Text = "", q: Text = "") -> Response:
    """The search box posts here, so a phone typed with spaces never reaches a URL (nor the
    access log, which masks only unbroken digit runs); answers with the normalised query."""
    _, refusal = guard_post(request, svc, csrf)
    if refusal is not None:
        return refusal
    code, phone = search_terms(q)
    query = code or phone or q.strip()
    return RedirectResponse("/console/?" + urlencode({"q": query}), status_code=303)


@router.get("/export.csv")
def export(request: Request, svc: Svc, f: Filter) -> Response:
    """The queue as filtered, as CSV (core's export rows: phones masked, formulas quoted)."""
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    return csv_response(svc, statement(staff, f, svc.clock.today()))


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, svc: Svc) -> Response:
    staff = current_staff(request, svc)
    if staff is None:
        return to_login()
    if staff.role not in ("supervisor", "admin"):
        return error_page(request, staff, 403, Texts(request_lang(request))("forbidden_role"))
    today = svc.clock.today()
    with svc.db.session() as session:
        figures = unit_figures(session, staff, today)
    totals = {
        key: sum(getattr(f, key) for f in figures)
        for key in ("open", "at_risk", "overdue", "transfers", "ping_pong", "resolved")
    }
    bars = chart_bars(figures, request_lang(request))
    return render(
        request, "dashboard.html", staff, figures=figures, totals=totals, bars=bars, today=today
    )
