"""The chat transcript sent with a ticket: validation, idempotency, staff API and console page."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import MONDAY, PASSWORD, SERVICE, create, ticket_body
from vss_tickets.domain.intake import request_hash
from vss_tickets.domain.models import Ticket
from vss_tickets.domain.schemas import TicketCreate

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def turn(author: str, text: str, minutes: int = 0) -> dict[str, str]:
    return {"author": author, "text": text, "at": (MONDAY + timedelta(minutes=minutes)).isoformat()}


TRANSCRIPT = [
    turn("citizen", "Tôi muốn khiếu nại về lương hưu", 0),
    turn("assistant", "Bạn vui lòng cho biết số điện thoại.", 1),
    turn("citizen", "SĐT của tôi là ********78", 2),
]


def console_page(client: TestClient, username: str, code: str, **params: str) -> str:
    client.cookies.clear()
    token = CSRF.search(client.get("/console/login").text).group(1)
    login = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert login.status_code == 303
    page = client.get(f"/console/tickets/{code}", params=params)
    assert page.status_code == 200
    return page.text


def test_transcript_is_shown_to_staff_of_the_unit_in_the_api_and_on_the_console(client, staff):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    other = staff("bhxh.hue", username="can.bo.hue")
    decomposed = turn("citizen", "Nguye\u0302\u0303n Va\u0306n A", 3)  # combining marks
    decomposed["at"] = "2026-03-02T09:03:00+07:00"  # any offset; kept in UTC
    code = create(client, transcript=[*TRANSCRIPT, decomposed])["code"]

    detail = client.get(f"/api/v1/tickets/{code}", headers=officer).json()
    assert [t["author"] for t in detail["transcript"]] == [
        "citizen", "assistant", "citizen", "citizen"
    ]  # fmt: skip
    assert detail["transcript"][0]["text"] == "Tôi muốn khiếu nại về lương hưu"
    assert detail["transcript"][3]["text"] == "Nguyễn Văn A"
    assert datetime.fromisoformat(detail["transcript"][3]["at"]) == datetime(
        2026, 3, 2, 2, 3, tzinfo=UTC
    )
    # The assistant's own read and staff outside the unit do not get it.
    assert client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()["transcript"] is None
    assert client.get(f"/api/v1/tickets/{code}", headers=other).status_code == 404

    page = console_page(client, "can.bo.hn", code)
    assert "Hội thoại với trợ lý ảo" in page and 'id="no-transcript"' not in page
    log = page[page.index('id="transcript"') : page.index('id="thread"')]
    assert log.index("Tôi muốn khiếu nại về lương hưu") < log.index("số điện thoại")
    assert "Trợ lý ảo · 02/03/2026 09:01" in log and "Người dân · 02/03/2026 09:00" in log
    assert "SĐT của tôi là ********78" in log
    assert page.index('id="transcript"') < page.index('id="thread"')  # above the thread
    english = client.get(f"/console/tickets/{code}", params={"lang": "en"}).text
    assert "Chat transcript" in english and "Assistant · 02/03/2026 09:01" in english


def test_without_a_transcript_the_page_says_there_is_none(client, staff):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    code = create(client)["code"]
    assert client.get(f"/api/v1/tickets/{code}", headers=officer).json()["transcript"] == []
    page = console_page(client, "can.bo.hn", code)
    assert 'id="transcript"' not in page
    assert "Không có bản ghi hội thoại kèm yêu cầu này" in page
    english = client.get(f"/console/tickets/{code}", params={"lang": "en"}).text
    assert "No chat transcript came with this ticket" in english


@pytest.mark.parametrize(
    ("transcript", "field"),
    [
        ([turn("citizen", f"tin nhắn {i}", i) for i in range(101)], "transcript"),
        ([turn("citizen", "x" * 2001)], "transcript.0.text"),
        ([turn("assistant", "   ")], "transcript.0.text"),
        ([{**turn("staff", "xin chào")}], "transcript.0.author"),
        ([{**turn("citizen", "xin chào"), "at": "2026-03-02T09:00:00"}], "transcript.0.at"),
        ([{"author": "citizen", "text": "xin chào"}], "transcript.0.at"),
        ([{**turn("citizen", "xin chào"), "extra": 1}], "transcript.0.extra"),
        ("xin chào", "transcript"),
    ],
)
def test_oversized_or_malformed_transcript_is_422_and_stores_nothing(client, db, transcript, field):
    response = client.post(
        "/api/v1/tickets", json=ticket_body(transcript=transcript), headers=SERVICE
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert field in [d["field"] for d in response.json()["details"]]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_limits_themselves_are_accepted(client, staff):
    officer = staff("bhxh.ha-noi")
    longest = [turn("citizen", "x" * 2000, i) for i in range(100)]
    code = create(client, transcript=longest)["code"]
    stored = client.get(f"/api/v1/tickets/{code}", headers=officer).json()["transcript"]
    assert len(stored) == 100 and {len(t["text"]) for t in stored} == {2000}


def test_a_body_without_transcript_hashes_as_before_the_field_existed():
    body = TicketCreate.model_validate(ticket_body())
    old = TicketCreate.model_validate(ticket_body()).model_dump(mode="json")
    del old["transcript"], old["handoff"]  # fields added later: absent from older bodies
    canonical = json.dumps(old, sort_keys=True, ensure_ascii=False)
    assert request_hash(body) == hashlib.sha256(canonical.encode()).hexdigest()
    # The transcript is left out of the digest: it grows between two tries of one submission
    # (tests/security/test_idempotent_retry.py).
    with_one = TicketCreate.model_validate(ticket_body(transcript=TRANSCRIPT))
    assert request_hash(with_one) == request_hash(body)


def test_html_in_a_transcript_line_is_rendered_inert(client, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    evil = '<script>alert("x")</script><img src=x onerror="alert(1)"> Tôi cần giúp đỡ'
    code = create(client, transcript=[turn("citizen", evil)])["code"]
    page = console_page(client, "can.bo.hn", code)
    assert "<script>" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x "
        "onerror=&#34;alert(1)&#34;&gt; Tôi cần giúp đỡ" in page
    )
