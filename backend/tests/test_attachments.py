"""The citizens' files (SQLite and PostgreSQL): limits, sniffing, checksum, staging until the
ticket exists, the ticket page and downloads for the unit only, the audit trail, the folder."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import struct
import subprocess
import sys
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from tests.conftest import SERVICE, create
from tests.test_console import Console
from tests.test_server_process import BACKEND
from vss_tickets.app import create_app
from vss_tickets.domain.attachments import purge_staged
from vss_tickets.domain.models import Attachment, AuditEvent
from vss_tickets.infra.clock import CLOCK_FILE_VARIABLE


def png(width: int = 4, height: int = 3) -> bytes:
    """A real (grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DAYS_30 = timedelta(days=30)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def console(client: TestClient) -> Console:
    return Console(client)


def upload(client: TestClient, data: bytes, name: str, conversation: str = "conv-1", **kw):
    params = {"conversation_id": conversation, "channel": "rest", "filename": name}
    return client.post("/api/v1/attachments", params=params, content=data,
                       headers={**SERVICE, **kw.get("headers", {})})  # fmt: skip


def rows(db, model=Attachment):
    stmt = select(model).order_by(model.id)
    if model is Attachment:
        stmt = stmt.options(undefer(Attachment.content))
    with db.session() as session:
        return list(session.scalars(stmt))


def actions(db) -> list[str]:
    return [e.action for e in rows(db, AuditEvent)]


@pytest.mark.parametrize(
    ("data", "name", "media_type", "stored_name"),
    [
        (png(), "the-bhyt.jpg", "image/png", "the-bhyt.png"),  # the content decides, not the name
        (JPEG, "quyết định.jpeg", "image/jpeg", "quyết định.jpg"),
        (WEBP, "anh", "image/webp", "anh.webp"),
        (PDF, "../../etc/bảng lương.pdf", "application/pdf", "bảng lương.pdf"),
    ],
    ids=["png-named-jpg", "jpeg", "webp", "pdf-with-a-path"],
)
def test_accepted_types_are_sniffed_renamed_and_stored_with_their_checksum(
    client, db, data, name, media_type, stored_name
):
    answer = upload(client, data, name, headers={"Content-Type": "text/html"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["ticket"] is None  # staged: the conversation has no ticket yet
    assert body["media_type"] == media_type and body["filename"] == stored_name
    assert body["size"] == len(data) and body["sha256"] == hashlib.sha256(data).hexdigest()
    [row] = rows(db)
    assert row.content == data and row.sha256 == body["sha256"] and row.ticket_id is None
    assert actions(db) == ["attachment_staged"]


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (HTML, "anh.jpg", 415, "unsupported_type"),  # an HTML page renamed .jpg
        (SVG, "logo.svg", 415, "unsupported_type"),
        (b"GIF89a" + bytes(20), "a.gif", 415, "unsupported_type"),
        (b"", "empty.png", 422, "empty_file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024), "big.png", 413, "too_large"),
    ],
    ids=["html-named-jpg", "svg", "gif", "empty", "over-10-mb"],
)
def test_refused_files_are_not_stored_at_all(client, db, data, name, status, code):
    answer = upload(client, data, name)
    assert answer.status_code == status and answer.json()["error"] == code
    assert "/" in answer.json()["message"]  # Vietnamese / English
    assert rows(db) == [] and actions(db) == []


def test_the_limit_is_one_setting_and_the_service_says_it(settings, clock, db):
    small = dataclasses.replace(settings, attachment_max_bytes=1000)
    with TestClient(create_app(small, clock)) as client:
        limits = client.get("/api/v1/attachments/limits", headers=SERVICE).json()
        assert limits == {"max_bytes": 1000, "media_types": [
            "image/jpeg", "image/png", "image/webp", "application/pdf"]}  # fmt: skip
        assert upload(client, PDF + bytes(1000 - len(PDF)), "a.pdf").status_code == 201
        refused = upload(client, PDF + bytes(1001 - len(PDF)), "b.pdf")
        assert refused.status_code == 413
    assert len(rows(db)) == 1


def test_only_the_assistant_uploads(client, db):
    params = {"conversation_id": "conv-1", "channel": "rest"}
    assert client.post("/api/v1/attachments", params=params, content=png()).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    answer = client.post("/api/v1/attachments", params=params, content=png(), headers=wrong)
    assert answer.status_code == 401 and rows(db) == []


def test_files_sent_while_filing_move_onto_the_ticket_and_later_ones_go_onto_it(client, db):
    upload(client, png(), "the.png")
    upload(client, PDF, "quyet-dinh.pdf")
    upload(client, JPEG, "other.jpg", conversation="conv-2")  # another citizen's
    code = create(client)["code"]  # conversation conv-1
    later = upload(client, JPEG, "bo-sung.jpg")
    assert later.status_code == 201 and later.json()["ticket"] == code
    ticket_ids = [r.ticket_id for r in rows(db)]
    assert ticket_ids[0] == ticket_ids[1] == ticket_ids[3] is not None and ticket_ids[2] is None
    events = [(e.action, e.ticket_id is not None) for e in rows(db, AuditEvent)]
    assert events.count(("attachment_staged", False)) == 3
    assert events.count(("attachment_added", True)) == 3  # two claimed at creation, one later


def test_a_file_for_a_ticket_needs_its_conversation_and_an_open_ticket(console, staff, db):
    client = console.client
    code = create(client)["code"]
    params = {"conversation_id": "conv-x", "channel": "zalo", "filename": "a.png"}
    path = f"/api/v1/tickets/{code}/attachments"
    assert client.post(path, params=params, content=png(), headers=SERVICE).status_code == 404
    params["conversation_id"] = "conv-1"
    answer = client.post(path, params=params, content=png(), headers=SERVICE)
    assert answer.status_code == 201 and answer.json()["ticket"] == code
    staff("bhxh.ha-noi", username="can.bo.hn")
    console.login("can.bo.hn")
    console.act(code, "reject", reason="Không thuộc thẩm quyền giải quyết.")
    closed = client.post(path, params=params, content=png(), headers=SERVICE)
    assert closed.status_code == 409 and len(rows(db)) == 1


def test_a_conversation_sends_at_most_twenty_files(client, db):
    for n in range(20):
        assert upload(client, JPEG + bytes([n]), f"{n}.jpg").status_code == 201
    refused = upload(client, JPEG, "21.jpg")
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_attachments"
    assert len(rows(db)) == 20


def test_the_unit_sees_and_downloads_them_audited_others_get_404(console, staff, db):
    client = console.client
    upload(client, png(), "the-bhyt.png")
    upload(client, PDF, "quyết định.pdf")
    code = create(client)["code"]  # routed to Hà Nội
    staff("bhxh.ha-noi", username="can.bo.hn")
    console.login("can.bo.hn")
    page = client.get(f"/console/tickets/{code}").text
    [image, document] = rows(db)
    assert "the-bhyt.png" in page and "quyết định.pdf" in page and "1,3 KB" not in page
    assert f"/console/tickets/{code}/attachments/{image.id}?view=1" in page
    assert f"attachments/{document.id}?view=1" not in page  # a PDF only downloads

    shown = client.get(f"/console/tickets/{code}/attachments/{image.id}", params={"view": "1"})
    assert shown.status_code == 200 and shown.content == png()
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith('inline; filename="the-bhyt.png"')
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-security-policy"] == "default-src 'none'; sandbox"
    pdf = client.get(f"/console/tickets/{code}/attachments/{document.id}", params={"view": "1"})
    assert pdf.headers["content-disposition"].startswith("attachment;")  # never inline
    assert (
        "filename*=UTF-8''quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf"
        in (pdf.headers["content-disposition"])
    )
    downloads = [e for e in rows(db, AuditEvent) if e.action == "attachment_downloaded"]
    assert [(e.actor, e.details["attachment"]) for e in downloads] == [
        ("staff:can.bo.hn", image.id), ("staff:can.bo.hn", document.id)]  # fmt: skip
    assert "Mở tệp của người dân" in client.get(f"/console/tickets/{code}").text

    staff("bhxh.hue", username="can.bo.hue")
    console.login("can.bo.hue")
    assert client.get(f"/console/tickets/{code}/attachments/{image.id}").status_code == 404
    assert client.get(f"/console/tickets/{code}").status_code == 404
    other = create(client, conversation_id="conv-9")["code"]  # a file of another ticket
    console.login("can.bo.hn")
    assert client.get(f"/console/tickets/{other}/attachments/{image.id}").status_code == 404
    with db.session() as session:
        count = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "attachment_downloaded")
        )
    assert count == 2  # refusals record nothing


def test_a_consulted_unit_does_not_get_the_files(console, staff, db):
    client = console.client
    upload(client, png(), "the.png")
    code = create(client)["code"]
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.hue", username="can.bo.hue")
    console.login("can.bo.hn")
    for action in ("accept", "claim"):
        console.act(code, action)
    console.act(code, "consult", to_unit="bhxh.hue", question="Quá trình đóng ở Huế?", days="3")
    console.login("can.bo.hue")
    page = client.get(f"/console/tickets/{code}")
    assert page.status_code == 200 and "the.png" not in page.text
    [file] = rows(db)
    assert client.get(f"/console/tickets/{code}/attachments/{file.id}").status_code == 404


def test_in_the_operators_folder_the_bytes_are_checked_on_every_download(
    settings, clock, db, staff, tmp_path: Path
):
    folder = tmp_path / "files"
    with TestClient(create_app(dataclasses.replace(settings, attachment_dir=str(folder)),
                               clock)) as client:  # fmt: skip
        console = Console(client)
        assert upload(client, HTML, "x.jpg").status_code == 415
        assert not folder.exists() or list(folder.iterdir()) == []  # nothing written
        digest = upload(client, png(), "a.png").json()["sha256"]
        code = create(client)["code"]
        [row] = rows(db)
        assert row.content is None and (folder / digest).read_bytes() == png()
        staff("bhxh.ha-noi", username="can.bo.hn")
        console.login("can.bo.hn")
        url = f"/console/tickets/{code}/attachments/{row.id}"
        assert client.get(url).content == png()
        (folder / digest).write_bytes(png(5, 5))  # changed on the disk
        assert client.get(url).status_code == 500


def test_files_no_ticket_took_are_purged_after_the_days_given(settings, clock, db, tmp_path: Path):
    in_folder = dataclasses.replace(settings, attachment_dir=str(tmp_path / "files"))
    with TestClient(create_app(in_folder, clock)) as client:
        upload(client, png(), "a.png")  # staged, and its ticket comes
        create(client)
        upload(client, png(), "same.png", conversation="conv-2")  # the same bytes, never filed
        upload(client, PDF, "b.pdf", conversation="conv-3")  # never filed
        clock.advance(days=31)
        upload(client, JPEG, "recent.jpg", conversation="conv-4")
    with db.session(write=True) as session:
        purged = purge_staged(session, in_folder, clock.now() - DAYS_30)
    assert purged == 2
    assert [r.filename for r in rows(db)] == ["a.png", "recent.jpg"]
    kept = {p.name for p in (tmp_path / "files").iterdir()}
    assert kept == {hashlib.sha256(png()).hexdigest(), hashlib.sha256(JPEG).hexdigest()}


def test_cli_purges_for_cron(client, settings, db):
    upload(client, PDF, "b.pdf", conversation="conv-3")  # staged on the frozen clock (2026)
    env = {**os.environ, "TICKETS_DATABASE_URL": settings.database_url}
    env.pop(CLOCK_FILE_VARIABLE, None)
    result = subprocess.run(
        [sys.executable, "-m", "vss_tickets.cli", "purge-staged-files", "--days", "30"],
        cwd=BACKEND, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The command uses the real date, at least 30 days after 2 March 2026.
    assert "1 staged files older than 30 days deleted" in result.stdout
    assert rows(db) == []
