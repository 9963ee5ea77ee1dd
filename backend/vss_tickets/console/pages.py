"""Rendering of console pages: Jinja2 with autoescape, language switch, security headers."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader

from vss_tickets.console.i18n import LANG_COOKIE, Texts, request_lang
from vss_tickets.console.security import (
    CsrfError,
    check_csrf,
    current_staff,
    session_csrf,
    session_token,
)
from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import Staff
from vss_tickets.infra.clock import VIETNAM
from vss_tickets.services import Services

_env = Environment(
    loader=PackageLoader("vss_tickets.console", "templates"),
    autoescape=True,  # every value is HTML-escaped unless a template says otherwise
    trim_blocks=True,
    lstrip_blocks=True,
)


def _local(moment: datetime) -> str:
    """A UTC time as Vietnam time, e.g. 02/03/2026 09:00."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _detail(value: object) -> str:
    """An audit detail value: lists joined, everything else as text."""
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _size(size: int, lang: str) -> str:
    """A file size as people read it: 1,2 MB in Vietnamese, 1.2 MB in English."""
    value, unit = (size / 1024 / 1024, "MB") if size >= 1024 * 1024 else (size / 1024, "KB")
    text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{text.replace('.', ',') if lang == 'vi' else text} {unit}"


_env.filters["local"] = _local
_env.filters["size"] = _size
_env.filters["detail"] = _detail

# Scripts and styles only from this server's files (console.js, console.css; no inline code),
# requests only to this server (console.js fetches the page it is on); forms post only here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

STATIC = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}


@cache
def _static_body(name: str) -> bytes:
    return resources.files("vss_tickets.console").joinpath("static", name).read_bytes()


@cache
def static_url(name: str) -> str:
    """The address of a static file, versioned by its content (browsers cache it for an hour)."""
    return f"/console/static/{name}?v={hashlib.sha256(_static_body(name)).hexdigest()[:10]}"


_env.globals["static"] = static_url


def _switch_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = "vi" if lang == "en" else "en"
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request, template: str, staff: Staff | None = None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    """Render `template` in the request's language; remembers an explicit `?lang=`."""
    lang = request_lang(request)
    token = session_token(request)
    html = _env.get_template(template).render(
        t=Texts(lang),
        lang=lang,
        staff=staff,
        csrf=ctx.pop("csrf", None) or (session_csrf(token) if token else ""),
        switch_url=_switch_url(request, lang),
        path=request.url.path,
        **ctx,
    )
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/console",
                            samesite="strict")  # fmt: skip
    return response


def error_page(
    request: Request, staff: Staff | None, status: int, message: str, kept: str = ""
) -> HTMLResponse:
    """An error page; `kept` is text the user typed, shown back so nothing is lost."""
    return render(request, "error.html", staff, status=status, message=message, kept=kept)


def api_error_page(
    request: Request, staff: Staff | None, exc: ApiError, kept: str = ""
) -> HTMLResponse:
    """A core error (404, 409 ...) as a page; 404 says nothing about other units' tickets."""
    if exc.status == 404:
        return error_page(request, staff, 404, Texts(request_lang(request))("not_found"), kept)
    return error_page(request, staff, exc.status, exc.message, kept)


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def guard_post(request: Request, svc: Services, csrf: str) -> tuple[Staff | None, Response | None]:
    """(staff, None) for a logged-in form POST with its CSRF token, else (None, the answer):
    a redirect to the login page, or 403."""
    staff = current_staff(request, svc)
    if staff is None:
        return None, to_login()
    try:
        check_csrf(request, csrf)
    except CsrfError:
        return None, error_page(request, staff, 403, Texts(request_lang(request))("csrf"))
    return staff, None


def static_file(name: str) -> Response:
    """One of the console's own static files (404 for anything else)."""
    if name not in STATIC:
        return Response(status_code=404)
    return Response(
        _static_body(name), media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"}
    )
