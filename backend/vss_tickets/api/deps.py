"""Request dependencies: app state, bearer authentication, callers.

Dependencies that do no I/O are `async def`: FastAPI runs plain `def` dependencies in its thread
pool, and each of those hand-offs cost more CPU than the dependency itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from ..auth import Caller, is_service_token, staff_for_token
from ..clock import Clock
from ..config import Settings
from ..db import Database
from ..errors import ApiError
from ..metrics import Metrics
from ..models import Staff


@dataclass
class Services:
    """What the routers need, kept on `app.state.services`."""

    settings: Settings
    db: Database
    clock: Clock
    metrics: Metrics


async def services(request: Request) -> Services:
    return request.app.state.services


def client_address(request: Request) -> str:
    """The caller's IP address (behind a reverse proxy, the one it forwards: uvicorn reads
    X-Forwarded-For from the addresses in FORWARDED_ALLOW_IPS, default 127.0.0.1)."""
    return request.client.host if request.client else "unknown"


Svc = Annotated[Services, Depends(services)]


def reader(svc: Svc) -> Iterator[Session]:
    with svc.db.session() as session:
        yield session


def writer(svc: Svc) -> Iterator[Session]:
    with svc.db.session(write=True) as session:
        yield session


ReadSession = Annotated[Session, Depends(reader)]
WriteSession = Annotated[Session, Depends(writer)]


def _unauthorised() -> ApiError:
    return ApiError(
        401,
        "unauthorised",
        "Thiếu hoặc sai mã xác thực (Authorization: Bearer ...)",
        "Missing or invalid bearer token",
    )


async def bearer(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised()
    return token.strip()


Token = Annotated[str, Depends(bearer)]


def any_caller(token: Token, svc: Svc) -> Caller:
    """The assistant (service token) or a logged-in staff member."""
    if is_service_token(token, svc.settings.service_token):
        return Caller(staff=None)
    staff = staff_for_token(svc.db, token, svc.clock.now(), svc.settings.session_idle_minutes)
    if staff is None:
        raise _unauthorised()
    return Caller(staff=staff)


async def service_caller(token: Token, svc: Svc) -> Caller:
    if not is_service_token(token, svc.settings.service_token):
        raise _unauthorised()
    return Caller(staff=None)


async def staff_caller(caller: Annotated[Caller, Depends(any_caller)]) -> Staff:
    if caller.staff is None:
        raise ApiError(
            403,
            "staff_only",
            "Chức năng này chỉ dành cho cán bộ đã đăng nhập",
            "This endpoint is for logged-in staff",
        )
    return caller.staff


AnyCaller = Annotated[Caller, Depends(any_caller)]
ServiceCaller = Annotated[Caller, Depends(service_caller)]
StaffCaller = Annotated[Staff, Depends(staff_caller)]
