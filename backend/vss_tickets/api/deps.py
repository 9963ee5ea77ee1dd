"""The API's request dependencies: bearer authentication and callers (the shared container,
sessions and addresses are in `vss_tickets.services`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from vss_tickets.domain.auth import Caller, is_service_token, staff_for_token
from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import Staff
from vss_tickets.services import Svc


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
