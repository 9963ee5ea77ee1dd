"""Citizen verification: a ticket code with its receipt token, the last four digits of the
phone given at filing, or both.

Failed checks are limited (throttle.py) per (code, conversation), per conversation and per
citizen address, so that one sender cannot try many codes and a stranger's failures never lock
the citizen's own conversation out. Checks by the phone digits alone are also limited per code
from anywhere (four digits are few): past that, the code needs its receipt, which cannot be
guessed and which no stranger's failures lock. An unknown code and a wrong proof get the same
404 and count alike, so the limits do not tell which codes exist.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import select

from vss_tickets.domain.errors import not_found
from vss_tickets.domain.models import FailedAttempt, Ticket
from vss_tickets.domain.receipt import receipt_matches
from vss_tickets.domain.schemas import Verification
from vss_tickets.infra import throttle
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database

TOO_MANY = throttle.too_many(
    "Nhập sai quá nhiều lần, vui lòng thử lại sau",
    "Too many failed verifications; try again later",
)
RECEIPT_REQUIRED = throttle.too_many(
    "Mã yêu cầu này đã bị nhập sai số điện thoại quá nhiều lần: vui lòng dùng mã biên nhận",
    "This ticket code had too many failed checks by phone digits: give its receipt",
    "receipt_required",
)


def lookup_limits(settings: Settings, attempt: FailedAttempt) -> list[throttle.Limit]:
    s, code, sender = settings, attempt.subject, attempt.sender
    limits = [
        throttle.Limit({"subject": code, "sender": sender}, s.verify_max_failures,
                       s.verify_lock_seconds, TOO_MANY),
        throttle.Limit({"sender": sender}, s.verify_sender_max_failures, s.verify_lock_seconds,
                       TOO_MANY),
        throttle.Limit({"address": attempt.address}, s.verify_address_max_failures,
                       s.verify_lock_seconds, TOO_MANY),
    ]  # fmt: skip
    if attempt.factor == "digits":
        limits.append(
            throttle.Limit({"subject": code, "factor": "digits"}, s.verify_code_max_failures,
                           s.verify_code_window_seconds, RECEIPT_REQUIRED)
        )  # fmt: skip
    return limits


def proves(phone: str, receipt_hash: str | None, proof: Verification) -> bool:
    """Whether every factor given matches the ticket's."""
    ok = True
    if proof.receipt is not None:
        ok = receipt_matches(receipt_hash, proof.receipt)
    if proof.phone_last4 is not None:
        ok = hmac.compare_digest(phone[-4:], proof.phone_last4) and ok
    return ok


def verify(
    db: Database, settings: Settings, code: str, proof: Verification, now: datetime
) -> None:
    """Return if `proof` shows the ticket `code` is the caller's; 404 if not (or no such
    code), 429 `too_many_attempts` / `receipt_required` past a limit."""
    attempt = FailedAttempt(
        kind="lookup",
        subject=code,
        sender=proof.conversation_id,
        address=None if proof.client_address is None else str(proof.client_address),
        factor="digits" if proof.receipt is None else "receipt",
        at=now,
    )
    attempt_id = throttle.begin(
        db, attempt, lookup_limits(settings, attempt), settings.failure_retention_seconds
    )
    with db.session() as session:
        row = session.execute(
            select(Ticket.citizen_phone, Ticket.receipt_hash).where(Ticket.code == code)
        ).first()
    if row is None or not proves(row.citizen_phone, row.receipt_hash, proof):
        raise not_found(
            "Không tìm thấy yêu cầu với mã và thông tin xác minh này",
            "No ticket with this code and proof",
        )
    with db.session(write=True) as session:
        throttle.forget(session, attempt_id)
