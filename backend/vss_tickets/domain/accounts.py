"""Staff accounts, managed from the command line: create, deactivate, reset the password, revoke
the sessions. Each change writes an audit event naming the account (audit.record_staff_change).
Passwords arrive hashed and checked against the policy (passwords.NewPassword)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vss_tickets.domain import audit
from vss_tickets.domain.errors import ApiError, not_found, unprocessable
from vss_tickets.domain.models import ROLES, FailedAttempt, Staff, StaffSession, Unit
from vss_tickets.domain.passwords import NewPassword


def create_staff(
    session: Session, username: str, full_name: str, password: NewPassword, role: str,
    unit_code: str, *, actor: str, now: datetime,
) -> Staff:  # fmt: skip
    """Create a staff account (the password stored only as its argon2 hash)."""
    if role not in ROLES:
        raise unprocessable(f"Vai trò không hợp lệ: {role}", f"Invalid role {role!r}")
    if session.get(Unit, unit_code) is None:
        raise unprocessable(f"Không có đơn vị mã {unit_code!r}", f"Unknown unit {unit_code!r}")
    if session.scalars(select(Staff).where(Staff.username == username)).first():
        raise ApiError(
            409, "conflict", f"Tài khoản {username!r} đã tồn tại", f"User {username!r} exists"
        )
    staff = Staff(
        username=username,
        full_name=full_name,
        password_hash=password.password_hash,
        role=role,
        unit_code=unit_code,
        created_at=now,
    )
    session.add(staff)
    session.flush()
    audit.record_staff_change(session, actor, "staff_created", now, username=username,
                              role=role, unit=unit_code)  # fmt: skip
    return staff


def _account(session: Session, username: str) -> Staff:
    staff = session.scalars(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise not_found(f"Không có tài khoản {username!r}", f"No account {username!r}")
    return staff


def _end_sessions(session: Session, staff: Staff) -> int:
    """Delete every session of `staff`; returns how many there were."""
    ended = session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    return ended.rowcount or 0


def deactivate_staff(session: Session, username: str, *, actor: str, now: datetime) -> int:
    """Stop an account from logging in and end its sessions; returns the sessions ended."""
    staff = _account(session, username)
    staff.active = False
    ended = _end_sessions(session, staff)
    audit.record_staff_change(session, actor, "staff_deactivated", now, username=username,
                              sessions_revoked=ended)  # fmt: skip
    return ended


def reset_password(
    session: Session, username: str, password: NewPassword, *, actor: str, now: datetime
) -> int:
    """Set a new password, end the account's sessions and forget its failed logins (so the
    officer can log in at once); returns the sessions ended."""
    staff = _account(session, username)
    staff.password_hash = password.password_hash
    ended = _end_sessions(session, staff)
    forgotten = (FailedAttempt.kind == "login", FailedAttempt.subject == username)
    session.execute(delete(FailedAttempt).where(*forgotten))
    audit.record_staff_change(session, actor, "password_reset", now, username=username,
                              sessions_revoked=ended)  # fmt: skip
    return ended


def revoke_sessions(session: Session, username: str, *, actor: str, now: datetime) -> int:
    """End every session of an account (it may log in again); returns how many."""
    ended = _end_sessions(session, _account(session, username))
    audit.record_staff_change(session, actor, "sessions_revoked", now, username=username,
                              sessions_revoked=ended)  # fmt: skip
    return ended
