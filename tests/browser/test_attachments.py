"""A citizen sends photos from the web chat page and an officer sees them on the ticket in the
console (all processes running, headless Chromium); a 20 MB file and an HTML page renamed
`.jpg` are refused with a clear message and nothing of them is stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS
from tests.channels.test_attachments import HTML, PNG, stored
from tests.e2e.test_attachments import TrackedChat, files_on_ticket
from tests.e2e.test_intake_to_staff import file_complaint_without_diacritics
from tests.stack import Stack

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000
PASSWORD = "Mat-khau-tep-2026"
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
# Drags a JPEG over the conversation and drops it, as a desktop browser does; answers whether
# the page showed its drop zone meanwhile.
DROP = """(bytes) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], "giay-hen.jpg", { type: "image/jpeg" }));
  const chat = document.querySelector(".chat"), options = { dataTransfer: data, bubbles: true,
                                                             cancelable: true };
  chat.querySelector(".log").dispatchEvent(new DragEvent("dragover", options));
  const shown = chat.classList.contains("dragging");
  chat.querySelector(".log").dispatchEvent(new DragEvent("drop", options));
  return shown;
}"""


def screenshot(page, name: str) -> None:  # noqa: ANN001 - a Playwright page
    """Into the test artifacts, and into docs/img with `VSS_DOC_SCREENSHOTS=1`."""
    page.screenshot(path=ARTIFACTS / name, full_page=True)
    if os.environ.get("VSS_DOC_SCREENSHOTS") == "1":
        (DOC_IMAGES / name).write_bytes((ARTIFACTS / name).read_bytes())


def test_a_photo_from_the_web_chat_appears_on_the_ticket_and_bad_files_are_refused(
    browser: Browser, stack: Stack, tmp_path: Path
) -> None:
    photo = tmp_path / "the-bhyt-bi-tu-choi.png"
    photo.write_bytes(PNG)
    big = tmp_path / "bang-luong.pdf"
    big.write_bytes(b"%PDF-1.7\n" + bytes(20 * 1024 * 1024))
    disguised = tmp_path / "anh-chup.jpg"
    disguised.write_bytes(HTML)

    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{stack.rasa_url}/webhooks/webchat/")
    bots = page.locator(".msg.bot")
    expect(bots).to_have_count(1)
    session = page.evaluate("localStorage.getItem('vss-chat-session')")
    conversation = f"web:{session}"  # the server-issued session's conversation id
    expect(page.locator("#file")).to_have_attribute("accept", "image/*,application/pdf")
    expect(page.locator("#camera")).to_have_attribute("capture", "environment")

    page.set_input_files("#file", str(photo))
    expect(bots).to_have_count(2)
    expect(bots.nth(1)).to_contain_text("Đã nhận ảnh the-bhyt-bi-tu-choi.png (0,1 KB).")
    expect(page.locator(".msg.user").last).to_contain_text("Tệp đính kèm: the-bhyt-bi-tu-choi.png")

    page.set_input_files("#file", str(big))
    expect(bots).to_have_count(3)
    expect(bots.nth(2)).to_contain_text(
        "Chưa nhận tệp bang-luong.pdf: dung lượng vượt quá 10,0 MB.")
    page.set_input_files("#file", str(disguised))
    expect(bots).to_have_count(4)
    expect(bots.nth(3)).to_contain_text(
        "Chưa nhận tệp anh-chup.jpg: trợ lý chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF.")
    expect(page.locator(".msg.user.failed")).to_have_count(2)
    screenshot(page, "webchat-attachments.png")

    dragging = page.evaluate(DROP, list(JPEG))  # a file dropped on the conversation (desktop)
    assert dragging is True  # the drop zone was shown while the file was over it
    expect(bots).to_have_count(5)
    expect(bots.nth(4)).to_contain_text("Đã nhận ảnh giay-hen.jpg")
    expect(page.locator(".chat.dragging")).to_have_count(0)
    kept = [row[:3] for row in stored(stack, conversation)]
    assert kept == [("the-bhyt-bi-tu-choi.png", "image/png", len(PNG)),
                    ("giay-hen.jpg", "image/jpeg", len(JPEG))]  # nothing of the refused ones

    def type_in_page(text: str) -> None:
        page.fill("#text", text)
        page.press("#text", "Enter")

    def bot_texts() -> list[str]:
        return [text.removeprefix("Trợ lý: ") for text in bots.all_inner_texts()]

    chat = TrackedChat(stack, conversation, type_in_page, bot_texts)
    code = file_complaint_without_diacritics(chat)
    assert files_on_ticket(stack, code) == [("the-bhyt-bi-tu-choi.png", "image/png", "socketio"),
                                            ("giay-hen.jpg", "image/jpeg", "socketio")]
    context.close()

    stack.staff_session("bhxh.ha-noi", "officer.files", PASSWORD)  # the account
    console = browser.new_context(base_url=stack.tickets_url, viewport={"width": 1280,
                                                                        "height": 900})
    officer = console.new_page()
    officer.goto("/console/login")
    officer.fill("#username", "officer.files")
    officer.fill("#password", PASSWORD)
    officer.click("button[type=submit]")
    officer.wait_for_url("**/console/")
    officer.goto(f"/console/tickets/{code}")
    files = officer.locator("#attachments")
    expect(files).to_contain_text("the-bhyt-bi-tu-choi.png")
    expect(files).to_contain_text("image/png")
    view = files.get_by_role("link", name="Xem ảnh").first  # the PNG, sent first
    shown = officer.request.get(view.get_attribute("href"))
    assert shown.status == 200 and shown.body() == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in shown.headers["content-security-policy"]
    officer.reload()
    expect(officer.locator("#audit")).to_contain_text("Mở tệp của người dân")
    files.scroll_into_view_if_needed()
    screenshot(officer, "console-attachments.png")
    console.close()
