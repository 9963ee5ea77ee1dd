"""SQLAlchemy 2 ORM model of the ticket service."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from vss_tickets.infra.clock import Clock

ROLES = ("officer", "supervisor", "admin")
STATES = (
    "received",
    "accepted",
    "rejected",
    "in_progress",
    "waiting_citizen",
    "resolved",
    "closed",
)


def utcnow() -> datetime:
    """Default of the time columns the service does not set itself (through its clock)."""
    return Clock.from_env().now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A VSS unit; `level` is data (central, province, grassroots, district ...)."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(32), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("units.code", ondelete="RESTRICT"), index=True
    )
    functions: Mapped[list[str]] = mapped_column(JSON, default=list)
    province_code: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    """A login session; only the SHA-256 of the bearer token is stored. It ends at
    `expires_at`, or when unused for the idle timeout (`last_seen_at`, recorded at most once a
    minute)."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FailedAttempt(Base):
    """A failed staff login or citizen lookup (or one being checked), counted by the limits of
    throttle.py and deleted once older than the longest window (Settings.failure_retention)."""

    __tablename__ = "failed_attempts"
    __table_args__ = (
        Index("ix_failed_attempts_subject", "kind", "subject", "at"),
        Index("ix_failed_attempts_sender", "kind", "sender", "at"),
        Index("ix_failed_attempts_address", "kind", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # login | lookup
    subject: Mapped[str] = mapped_column(String(64))  # the username, or the ticket code tried
    sender: Mapped[str | None] = mapped_column(String(200))  # lookup: the conversation id
    address: Mapped[str | None] = mapped_column(String(64))  # the client's IP address
    factor: Mapped[str] = mapped_column(String(16))  # password | digits | receipt
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TicketCodeCounter(Base):
    """Last number used for ticket codes of one year."""

    __tablename__ = "ticket_code_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_unit_state_created", "unit_code", "state", "created_at"),
        Index("ix_tickets_unit_created", "unit_code", "created_at"),
        Index("ix_tickets_state_resolution_due", "state", "resolution_due"),
        Index("ix_tickets_unit_due", "unit_code", "resolution_due", "id"),
        Index("ix_tickets_chat", "chat_state", "chat_requested_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    citizen_name: Mapped[str] = mapped_column(String(200))
    citizen_phone: Mapped[str] = mapped_column(String(16))
    citizen_cccd: Mapped[str | None] = mapped_column(String(12))
    citizen_bhxh_code: Mapped[str | None] = mapped_column(String(10))
    # SHA-256 of the receipt token given to the citizen at creation (receipt.py); null for
    # tickets created before receipts existed.
    receipt_hash: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str | None] = mapped_column(String(64))
    commune: Mapped[str | None] = mapped_column(String(200))
    about_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="received")
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    complex_case: Mapped[bool] = mapped_column(Boolean, default=False)
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False)
    received_on: Mapped[date] = mapped_column(Date)
    acceptance_due: Mapped[date | None] = mapped_column(Date)
    first_response_due: Mapped[date | None] = mapped_column(Date)
    resolution_due: Mapped[date] = mapped_column(Date)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_on: Mapped[date | None] = mapped_column(Date)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_to_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    routing_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    # The chat that led to the ticket: [{"author", "text", "at"}, ...] or None. Deferred: only
    # the ticket page reads it, never the queue.
    transcript: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, deferred=True)
    # Live chat with an officer (human handoff): null (none asked) | waiting | held | closed;
    # the holding officer's username; when it was asked for; why it closed (released | expired).
    chat_state: Mapped[str | None] = mapped_column(String(16))
    chat_officer: Mapped[str | None] = mapped_column(String(64))
    chat_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chat_closed_reason: Mapped[str | None] = mapped_column(String(16))
    # The conversation time (Unix seconds, the assistant's clock) of the last citizen message
    # the assistant passed on: every relay process starts after it, none passes one on twice.
    chat_relayed_until: Mapped[float | None] = mapped_column(Float)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_code], lazy="joined")
    assignee: Mapped[Staff | None] = relationship(foreign_keys=[assignee_id], lazy="joined")


class Message(Base):
    """One message of the citizen ↔ staff thread."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # citizen | staff
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consultation(Base):
    """A request from the responsible unit to another unit, with its own deadline."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    from_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    to_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | answered
    requested_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only record of a change: who, when, what, why (triggers forbid edits)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))  # service | citizen | system | staff:<username>
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxNotification(Base):
    """A notification for the assistant to deliver on the citizen's channel."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failed deliveries: how many, the last error, when to try again, when it was given up.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A photo or document a citizen sent: staged against the conversation (`ticket_id` null)
    until its ticket exists, then on that ticket. The bytes are in `content`, or (null) in the
    operator's folder (TICKETS_ATTACHMENT_DIR) under their SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_conversation", "conversation_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(64))  # sniffed from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
