"""Console cookies: the session (core's staff session token) and CSRF tokens for every form."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from vss_tickets.domain.auth import staff_for_token
from vss_tickets.domain.models import Staff
from vss_tickets.services import Services

SESSION_COOKIE = "vss_console"
LOGIN_CSRF_COOKIE = "vss_login_csrf"
PATH = "/console"


class CsrfError(Exception):
    """A form POST without the right CSRF token."""


def _cookie(response: Response, svc: Services, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=svc.settings.app_env == "production",
    )


def set_session(response: Response, svc: Services, token: str) -> None:
    _cookie(response, svc, SESSION_COOKIE, token, svc.settings.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PATH)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=PATH)


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def current_staff(request: Request, svc: Services) -> Staff | None:
    """The logged-in staff member of this request (None when absent or expired)."""
    token = session_token(request)
    if token is None:
        return None
    return staff_for_token(svc.db, token, svc.clock.now(), svc.settings.session_idle_minutes)


def session_csrf(token: str) -> str:
    """The CSRF token of a session: bound to it, unguessable without the HttpOnly cookie."""
    return hmac.new(token.encode(), b"vss-console-csrf", hashlib.sha256).hexdigest()


def login_csrf(request: Request) -> str:
    """Double-submit token for the login form (there is no session yet)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def remember_login_csrf(response: Response, svc: Services, value: str) -> None:
    _cookie(response, svc, LOGIN_CSRF_COOKIE, value, 3600)


def check_csrf(request: Request, submitted: str, *, login: bool = False) -> None:
    """Raise CsrfError unless `submitted` matches the session's (or the login form's) token."""
    token = session_token(request)
    if login:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    else:
        expected = session_csrf(token) if token else None
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfError
