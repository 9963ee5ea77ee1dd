"""The citizens' photos and documents: limits, the content sniffed (never the name or the
declared type), storage with a SHA-256 checksum, staging by conversation, the audit trail.

Only JPEG, PNG, WebP and PDF are kept, recognised by their first bytes: an HTML page named
`.jpg`, an SVG, anything else is refused before anything is written. A file sent before its
ticket exists is staged against the conversation and moves onto the ticket when it is created;
one sent later goes onto the conversation's open ticket."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session, undefer

from vss_tickets.domain import audit
from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.models import Attachment, AuditEvent, Staff, Ticket
from vss_tickets.domain.states import OPEN_STATES
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database

# Files one conversation may send (staged and on its tickets together).
MAX_PER_CONVERSATION = 20
FILENAME_LENGTH = Attachment.__table__.c.filename.type.length


@dataclass(frozen=True)
class FileType:
    media_type: str
    extension: str
    image: bool


JPEG = FileType("image/jpeg", "jpg", True)
PNG = FileType("image/png", "png", True)
WEBP = FileType("image/webp", "webp", True)
PDF = FileType("application/pdf", "pdf", False)
ACCEPTED = (JPEG, PNG, WEBP, PDF)


def sniff(data: bytes) -> FileType | None:
    """The accepted type the content starts like, or None (HTML, SVG, anything else)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def too_large(max_bytes: int) -> ApiError:
    mb = max_bytes / 1024 / 1024
    return ApiError(
        413, "too_large", f"Tệp lớn hơn {mb:g} MB", f"The file is larger than {mb:g} MB"
    )


def check(data: bytes, max_bytes: int) -> FileType:
    """The file's type; 413 when too large, 422 when empty, 415 when not an accepted type."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise ApiError(422, "empty_file", "Tệp rỗng", "The file is empty")
    kind = sniff(data)
    if kind is None:
        raise ApiError(
            415,
            "unsupported_type",
            "Chỉ nhận ảnh JPEG, PNG, WebP hoặc tệp PDF",
            "Only JPEG, PNG or WebP photos and PDF documents are accepted",
        )
    return kind


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def clean_filename(name: str, kind: FileType) -> str:
    """The citizen's file name without a path or control characters, NFC, shortened, and
    ending in the extension of its sniffed type (`giay.html.jpg` of a PNG → `giay.html.png`)."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem = _UNSAFE.sub("_", base).strip(" .")
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = stem[: FILENAME_LENGTH - len(kind.extension) - 1] or "tep"
    return f"{stem}.{kind.extension}"


class Store:
    """Where the bytes are: the database (no folder named) or the operator's folder, where a
    file is named by its SHA-256 and written whole or not at all."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder) if folder else None

    def put(self, digest: str, data: bytes) -> bytes | None:
        """Store `data`; returns what the row's `content` holds (None: in the folder)."""
        if self.folder is None:
            return data
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / digest
        if not target.exists():
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        return None

    def get(self, attachment: Attachment) -> bytes:
        """The file's bytes, checked against its checksum (500 if changed or missing)."""
        data = attachment.content
        if data is None and self.folder is not None:
            path = self.folder / attachment.sha256
            data = path.read_bytes() if path.exists() else None
        if data is None or hashlib.sha256(data).hexdigest() != attachment.sha256:
            raise ApiError(
                500,
                "attachment_damaged",
                "Tệp đính kèm bị thiếu hoặc đã bị thay đổi",
                "The attachment is missing or does not match its checksum",
            )
        return data


def open_ticket_of(session: Session, conversation_id: str) -> Ticket | None:
    """The conversation's most recent ticket that is still open."""
    stmt = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.state.in_(OPEN_STATES))
        .order_by(Ticket.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def _record_added(session: Session, ticket: Ticket, attachment: Attachment, at: datetime) -> None:
    audit.record(
        session, ticket, "service", "attachment_added", at, from_state=ticket.state,
        attachment=attachment.id, media_type=attachment.media_type, size=attachment.size,
        sha256=attachment.sha256,
    )  # fmt: skip


def add(
    session: Session,
    settings: Settings,
    *,
    data: bytes,
    filename: str,
    conversation_id: str,
    channel: str,
    ticket: Ticket | None,
    now: datetime,
) -> Attachment:
    """Check and keep one file: on `ticket`, or staged against the conversation (None). Every
    check runs before anything is written; the audit trail records the upload."""
    kind = check(data, settings.attachment_max_bytes)
    sent = session.scalar(
        select(func.count(Attachment.id)).where(Attachment.conversation_id == conversation_id)
    )
    if (sent or 0) >= MAX_PER_CONVERSATION:
        raise ApiError(
            429,
            "too_many_attachments",
            f"Mỗi cuộc trò chuyện gửi được tối đa {MAX_PER_CONVERSATION} tệp",
            f"A conversation may send at most {MAX_PER_CONVERSATION} files",
        )
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        ticket_id=ticket.id if ticket else None,
        conversation_id=conversation_id,
        channel=channel,
        filename=clean_filename(filename, kind),
        media_type=kind.media_type,
        size=len(data),
        sha256=digest,
        content=Store(settings.attachment_dir).put(digest, data),
        created_at=now,
    )
    session.add(attachment)
    session.flush()
    if ticket is not None:
        _record_added(session, ticket, attachment, now)
    else:
        details = dict(attachment=attachment.id, media_type=kind.media_type, size=len(data),
                       sha256=digest)  # fmt: skip
        values = audit.event_values(
            None, "service", "attachment_staged", now, from_state=None, to_state=None, **details
        )
        session.add(AuditEvent(**values))
    session.flush()
    return attachment


def claim_staged(db: Database, ticket_id: int, conversation_id: str, now: datetime) -> int:
    """Move the files staged by the conversation onto its new ticket; how many moved. Only a
    read when there are none (the usual case: no write transaction for every ticket)."""
    staged = _staged(conversation_id)
    with db.session() as session:
        if session.scalar(select(Attachment.id).where(staged).limit(1)) is None:
            return 0
    with db.session(write=True) as session:
        ticket = session.get(Ticket, ticket_id)
        files = list(session.scalars(select(Attachment).where(staged).order_by(Attachment.id)))
        if ticket is None or not files:
            return 0
        session.execute(
            update(Attachment)
            .where(Attachment.id.in_([a.id for a in files]))
            .values(ticket_id=ticket.id)
        )
        for attachment in files:
            _record_added(session, ticket, attachment, now)
    return len(files)


def _staged(conversation_id: str) -> ColumnElement[bool]:
    return (Attachment.conversation_id == conversation_id) & Attachment.ticket_id.is_(None)


def purge_staged(session: Session, settings: Settings, before: datetime) -> int:
    """Delete the files staged before `before` that no ticket took (the citizen never filed
    one): the rows, and in the folder each file no other row still uses. How many rows."""
    stale = list(
        session.scalars(
            select(Attachment).where(Attachment.ticket_id.is_(None), Attachment.created_at < before)
        )
    )
    if not stale:
        return 0
    session.execute(delete(Attachment).where(Attachment.id.in_([a.id for a in stale])))
    store = Store(settings.attachment_dir)
    if store.folder is not None:
        digests = {a.sha256 for a in stale}
        kept = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(digests))))
        for digest in digests - kept:
            (store.folder / digest).unlink(missing_ok=True)
    return len(stale)


def of_ticket(session: Session, ticket_id: int) -> list[Attachment]:
    """The ticket's files, oldest first (without their bytes)."""
    stmt = select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)
    return list(session.scalars(stmt))


def download(
    session: Session, settings: Settings, ticket: Ticket, attachment_id: int, staff: Staff,
    now: datetime,
) -> tuple[Attachment, bytes]:  # fmt: skip
    """One file of `ticket` for `staff` (the caller checked the scope), with its audit event;
    404 for a file of another ticket."""
    attachment = session.scalars(
        select(Attachment)
        .where(Attachment.id == attachment_id, Attachment.ticket_id == ticket.id)
        .options(undefer(Attachment.content))
    ).first()
    if attachment is None:
        raise ApiError(404, "not_found", "Không tìm thấy tệp", "No such attachment")
    data = Store(settings.attachment_dir).get(attachment)
    audit.record(
        session, ticket, f"staff:{staff.username}", "attachment_downloaded", now,
        from_state=ticket.state, attachment=attachment.id,
    )  # fmt: skip
    return attachment, data
