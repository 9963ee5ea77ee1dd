"""Staff login, logout and identity."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from .. import auth
from ..errors import ApiError
from ..models import Staff, Unit
from ..schemas import LoginIn, LoginOut, StaffOut
from ..views import unit_out
from .deps import ReadSession, StaffCaller, Svc, Token, WriteSession

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def staff_out(session: Session, staff: Staff) -> StaffOut:
    unit = session.get(Unit, staff.unit_code)
    assert unit is not None
    return StaffOut(
        username=staff.username, full_name=staff.full_name, role=staff.role, unit=unit_out(unit)
    )


@router.post("/login", response_model=LoginOut, summary="Đăng nhập / Log in")
def login(body: LoginIn, svc: Svc) -> LoginOut:
    s = svc.settings
    # Failed attempts must be kept, so the session commits even when the login is refused.
    with svc.db.session(write=True) as session:
        try:
            token, record, staff = auth.login(
                session,
                body.username,
                body.password,
                svc.clock.now(),
                max_failures=s.login_max_failures,
                window_seconds=s.login_window_seconds,
                session_hours=s.session_hours,
            )
        except ApiError as exc:
            refused = exc
        else:
            out = staff_out(session, staff)
            return LoginOut(token=token, expires_at=record.expires_at, staff=out)
    raise refused


@router.post("/logout", status_code=204, summary="Đăng xuất / Log out")
def logout(token: Token, _staff: StaffCaller, session: WriteSession) -> None:
    auth.logout(session, token)


@router.get("/me", response_model=StaffOut, summary="Tài khoản của tôi / Who am I")
def me(staff: StaffCaller, session: ReadSession) -> StaffOut:
    return staff_out(session, staff)
