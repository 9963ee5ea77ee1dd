"""A file the citizen sends in answer to an information request appears in the open ticket
page without a reload (a real server process, headless Chromium)."""

from __future__ import annotations

import httpx

from tests.browser.conftest import login
from tests.conftest import SERVICE
from tests.test_attachments import PDF

WITHIN = 10_000  # ms, as for the live chat


def test_a_file_sent_after_an_information_request_appears_in_the_open_page(page, server):
    conversation = "files-1"
    code = server.file_ticket(conversation_id=conversation)["code"]
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    assert page.locator("#no-attachments").is_visible()
    for action in ("accept", "claim"):
        page.click(f"#do-{action}")
        page.wait_for_url(f"**done={action}")
    page.fill("#request_info-body", "Anh/chị vui lòng gửi ảnh quyết định hưởng lương hưu.")
    page.click("#do-request_info")
    page.wait_for_url("**done=request_info")
    page.evaluate("window.__same_page = true")
    answer = httpx.post(
        f"{server.base}/api/v1/attachments",
        params={"conversation_id": conversation, "channel": "zalo", "filename": "qd.pdf"},
        content=PDF, headers=SERVICE, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 201 and answer.json()["ticket"] == code
    row = page.locator("#attachments tr[data-attachment]", has_text="qd.pdf")
    row.wait_for(timeout=WITHIN)
    assert page.evaluate("window.__same_page") is True
    assert "fresh" in (row.get_attribute("class") or "")
    assert "Tệp mới của người dân" in page.locator("#live-alert").inner_text()
    assert "application/pdf" in row.inner_text() and "Xem ảnh" not in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="Tải về").click()
    assert download.value.suggested_filename == "qd.pdf"
    assert download.value.path().read_bytes() == PDF
