"""Limits on failed attempts (staff logins, citizen lookups), kept in the database: every
worker process and every restart counts the same failures.

An attempt is recorded before it is checked (`begin`), so attempts running at the same time
count each other: of any number racing past a limit of L failures, at most L are let through. A
refused attempt is forgotten (it tested no secret), and so is one that succeeds (`forget`); a
failed one stays and counts in every limit it matches. The same transaction that records an
attempt deletes every record older than the retention (the longest window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import FailedAttempt
from vss_tickets.infra.db import Database


@dataclass(frozen=True)
class Limit:
    """At most `max_failures` failed attempts of a kind whose columns equal `match` in the last
    `seconds`; beyond that `refusal()` is raised. A limit matching a None value (say, no client
    address given) does not apply."""

    match: dict[str, str | None]
    max_failures: int
    seconds: int
    refusal: Callable[[], ApiError]


def _count(session: Session, kind: str, limit: Limit, now: datetime) -> int:
    since = now - timedelta(seconds=limit.seconds)
    stmt = select(func.count()).select_from(FailedAttempt).where(
        FailedAttempt.kind == kind, FailedAttempt.at >= since
    )
    for column, value in limit.match.items():
        stmt = stmt.where(getattr(FailedAttempt, column) == value)
    return session.scalar(stmt) or 0


def begin(
    db: Database, attempt: FailedAttempt, limits: list[Limit], retention_seconds: int
) -> int:
    """Record `attempt` (its `at` is now), then check `limits` counting it; returns its id.
    When a limit is exceeded the attempt is forgotten and that limit's refusal raised."""
    now = attempt.at
    with db.session(write=True) as session:
        cutoff = now - timedelta(seconds=retention_seconds)
        session.execute(delete(FailedAttempt).where(FailedAttempt.at < cutoff))
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with db.session() as session:
        exceeded = next(
            (
                limit
                for limit in limits
                if None not in limit.match.values()
                and _count(session, attempt.kind, limit, now) > limit.max_failures
            ),
            None,
        )
    if exceeded is not None:
        with db.session(write=True) as session:
            forget(session, attempt_id)
        raise exceeded.refusal()
    return attempt_id


def forget(session: Session, attempt_id: int) -> None:
    """Delete one attempt's record (it was refused, or it succeeded)."""
    session.execute(delete(FailedAttempt).where(FailedAttempt.id == attempt_id))


def too_many(
    message_vi: str, message_en: str, code: str = "too_many_attempts"
) -> Callable[[], ApiError]:
    """A refusal: a fresh 429 `code` error each time one is raised."""
    return lambda: ApiError(429, code, message_vi, message_en)
