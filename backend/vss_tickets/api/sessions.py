"""Staff login, logout and identity."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from vss_tickets.api.deps import StaffCaller, Token
from vss_tickets.domain import auth
from vss_tickets.domain.models import Staff, Unit
from vss_tickets.domain.schemas import LoginIn, LoginOut, StaffOut
from vss_tickets.domain.views import unit_out
from vss_tickets.services import ReadSession, Svc, client_address

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def staff_out(session: Session, staff: Staff) -> StaffOut:
    unit = session.get(Unit, staff.unit_code)
    assert unit is not None
    return StaffOut(
        username=staff.username, full_name=staff.full_name, role=staff.role, unit=unit_out(unit)
    )


@router.post("/login", response_model=LoginOut, summary="Đăng nhập / Log in")
def login(body: LoginIn, request: Request, svc: Svc) -> LoginOut:
    """401 for a wrong username or password alike; 429 after too many failures of this username
    from this address, from this address, or of this username from anywhere (see the docs)."""
    token, record, staff = auth.login(
        svc.db, body.username, body.password, client_address(request), svc.clock.now(),
        svc.settings,
    )  # fmt: skip
    with svc.db.session() as session:
        out = staff_out(session, staff)
    return LoginOut(token=token, expires_at=record.expires_at, staff=out)


@router.post("/logout", status_code=204, summary="Đăng xuất / Log out")
def logout(token: Token, _staff: StaffCaller, svc: Svc) -> None:
    auth.logout(svc.db, token)


@router.get("/me", response_model=StaffOut, summary="Tài khoản của tôi / Who am I")
def me(staff: StaffCaller, session: ReadSession) -> StaffOut:
    return staff_out(session, staff)
