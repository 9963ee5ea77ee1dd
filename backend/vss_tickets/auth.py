"""Staff accounts: argon2 password hashes, bearer sessions, login throttling, unit scope."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from .errors import ApiError, unprocessable
from .models import ROLES, LoginFailure, Staff, StaffSession, Unit

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Caller:
    """Who is calling: the assistant (service token) or a logged-in staff member."""

    staff: Staff | None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_service_token(token: str, expected: str) -> bool:
    return hmac.compare_digest(token.encode(), expected.encode())


def create_staff(
    session: Session, username: str, full_name: str, password: str, role: str, unit_code: str
) -> Staff:
    """Create a staff account; the password is stored only as an argon2 hash."""
    if role not in ROLES:
        raise unprocessable(f"Vai trò không hợp lệ: {role}", f"Invalid role {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise unprocessable(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự",
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters",
        )
    if session.get(Unit, unit_code) is None:
        raise unprocessable(f"Không có đơn vị mã {unit_code!r}", f"Unknown unit {unit_code!r}")
    if session.scalars(select(Staff).where(Staff.username == username)).first():
        raise ApiError(
            409, "conflict", f"Tài khoản {username!r} đã tồn tại", f"User {username!r} exists"
        )
    staff = Staff(
        username=username,
        full_name=full_name,
        password_hash=_hasher.hash(password),
        role=role,
        unit_code=unit_code,
    )
    session.add(staff)
    session.flush()
    return staff


def login(
    session: Session,
    username: str,
    password: str,
    now: datetime,
    *,
    max_failures: int,
    window_seconds: int,
    session_hours: int,
) -> tuple[str, StaffSession, Staff]:
    """Check the password and open a session; too many recent failures answer 429."""
    since = now - timedelta(seconds=window_seconds)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.username == username, LoginFailure.at >= since)
    )
    if failures is not None and failures >= max_failures:
        raise ApiError(
            429,
            "too_many_attempts",
            "Đăng nhập sai quá nhiều lần, vui lòng thử lại sau",
            "Too many failed logins; try again later",
        )
    staff = session.scalars(
        select(Staff).where(Staff.username == username, Staff.active.is_(True))
    ).first()
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, password)
        ok = staff is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or staff is None:
        session.add(LoginFailure(username=username, at=now))
        raise ApiError(
            401,
            "invalid_credentials",
            "Sai tên đăng nhập hoặc mật khẩu",
            "Wrong username or password",
        )
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    record = StaffSession(
        token_hash=token_digest(token),
        staff_id=staff.id,
        created_at=now,
        expires_at=now + timedelta(hours=session_hours),
    )
    session.add(record)
    return token, record, staff


def staff_for_token(session: Session, token: str, now: datetime) -> Staff | None:
    """The active staff member of an unexpired session with this token, if any."""
    return session.scalars(
        select(Staff)
        .join(StaffSession, StaffSession.staff_id == Staff.id)
        .where(
            StaffSession.token_hash == token_digest(token),
            StaffSession.expires_at > now,
            Staff.active.is_(True),
        )
    ).first()


def logout(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_digest(token)))


def subtree(root: str) -> Select[tuple[str]]:
    """SELECT of the codes of `root` and every unit below it."""
    sub = select(Unit.code).where(Unit.code == root).cte("subtree", recursive=True)
    sub = sub.union_all(select(Unit.code).where(Unit.parent_code == sub.c.code))
    return select(sub.c.code)


def scope(staff: Staff) -> Select[tuple[str]] | None:
    """Units whose tickets `staff` may handle; None means all (admin)."""
    if staff.role == "admin":
        return None
    if staff.role == "supervisor":
        return subtree(staff.unit_code)
    return select(Unit.code).where(Unit.code == staff.unit_code)


def in_scope(session: Session, staff: Staff, unit_code: str) -> bool:
    if staff.role == "admin":
        return True
    if staff.role == "supervisor":
        return staff.unit_code in ancestors(session, unit_code)
    return staff.unit_code == unit_code


def ancestors(session: Session, code: str) -> list[str]:
    """`code` and its parents up to the root, nearest first."""
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(Unit.parent_code).where(Unit.code == current))
    return chain


def common_parent(session: Session, a: str, b: str) -> str | None:
    """The nearest unit above or equal to both `a` and `b`."""
    above_b = set(ancestors(session, b))
    return next((code for code in ancestors(session, a) if code in above_b), None)
