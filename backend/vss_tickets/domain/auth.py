"""Staff authentication: login with throttling, bearer sessions with an idle timeout, unit scope.

A login records its attempt and checks the limits (throttle.py) in short transactions, then
verifies the password with argon2 outside any transaction (it takes tens of milliseconds, and
on SQLite a write transaction holds the one writer lock), then opens the session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import FailedAttempt, Staff, StaffSession, Unit
from vss_tickets.domain.passwords import hash_password, needs_rehash, verify_password
from vss_tickets.infra import throttle
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database

# A session's last activity is recorded when older than this (not on every request).
TOUCH_EVERY = timedelta(minutes=1)
USERNAME_LENGTH = Staff.__table__.c.username.type.length


@dataclass(frozen=True)
class Caller:
    """Who is calling: the assistant (service token) or a logged-in staff member."""

    staff: Staff | None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_service_token(token: str, expected: str) -> bool:
    return hmac.compare_digest(token.encode(), expected.encode())


def _wrong_credentials() -> ApiError:
    return ApiError(
        401, "invalid_credentials", "Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password"
    )


def login_limits(settings: Settings, username: str, address: str) -> list[throttle.Limit]:
    """Failed logins per (username, address) and per address in the login window, and per
    username from anywhere in the longer account window (a backstop: a stranger's failures
    from elsewhere do not lock an officer out before it). One answer for all three."""
    refusal = throttle.too_many(
        "Đăng nhập sai quá nhiều lần, vui lòng thử lại sau",
        "Too many failed logins; try again later",
    )
    s = settings
    return [
        throttle.Limit({"subject": username, "address": address}, s.login_max_failures,
                       s.login_window_seconds, refusal),
        throttle.Limit({"address": address}, s.login_address_max_failures,
                       s.login_window_seconds, refusal),
        throttle.Limit({"subject": username}, s.login_account_max_failures,
                       s.login_account_window_seconds, refusal),
    ]  # fmt: skip


def login(
    db: Database, username: str, password: str, address: str, now: datetime, settings: Settings
) -> tuple[str, StaffSession, Staff]:
    """Check the password and open a session; 401 for a wrong username or password alike, 429
    once a limit of `login_limits` is reached."""
    if len(username) > USERNAME_LENGTH:  # no such account can exist (the console allows more)
        raise _wrong_credentials()
    address = address[:64]
    attempt = FailedAttempt(
        kind="login", subject=username, address=address, factor="password", at=now
    )
    limits = login_limits(settings, username, address)
    throttle.begin(db, attempt, limits, settings.failure_retention_seconds)
    with db.session() as session:
        staff = session.scalars(
            select(Staff).where(Staff.username == username, Staff.active.is_(True))
        ).first()
    if not verify_password(staff.password_hash if staff else None, password) or staff is None:
        raise _wrong_credentials()
    rehashed = hash_password(password) if needs_rehash(staff.password_hash) else None
    token = secrets.token_urlsafe(32)
    record = StaffSession(
        token_hash=token_digest(token),
        staff_id=staff.id,
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        last_seen_at=now,
    )
    with db.session(write=True) as session:
        # This attempt and the earlier failures of this username from this address.
        session.execute(
            delete(FailedAttempt).where(
                FailedAttempt.kind == "login",
                FailedAttempt.subject == username,
                FailedAttempt.address == address,
            )
        )
        if rehashed is not None:
            session.execute(
                update(Staff).where(Staff.id == staff.id).values(password_hash=rehashed)
            )
        session.add(record)
    return token, record, staff


def staff_for_token(db: Database, token: str, now: datetime, idle_minutes: int) -> Staff | None:
    """The active staff member of a session with this token that has neither expired nor been
    idle for `idle_minutes`; records the session's activity (at most once a minute)."""
    digest = token_digest(token)
    with db.session() as session:
        row = session.execute(
            select(Staff, StaffSession.last_seen_at)
            .join(StaffSession, StaffSession.staff_id == Staff.id)
            .where(
                StaffSession.token_hash == digest,
                StaffSession.expires_at > now,
                StaffSession.last_seen_at > now - timedelta(minutes=idle_minutes),
                Staff.active.is_(True),
            )
        ).first()
    if row is None:
        return None
    staff, last_seen = row
    if now - last_seen >= TOUCH_EVERY:
        with db.session(write=True) as session:
            session.execute(
                update(StaffSession)
                .where(StaffSession.token_hash == digest)
                .values(last_seen_at=now)
            )
    return staff


def logout(db: Database, token: str) -> None:
    with db.session(write=True) as session:
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
