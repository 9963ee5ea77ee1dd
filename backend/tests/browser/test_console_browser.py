"""The staff console in headless Chromium against a real service process."""

from __future__ import annotations

import re
from datetime import date

import httpx

from tests.browser.conftest import MAX_FAILURES, later, login, shot
from tests.conftest import SERVICE

DESCRIPTION = "Tôi chưa nhận được lương hưu tháng 2."
# The chat the assistant sends with the ticket (numbers already masked by the assistant).
TRANSCRIPT = [
    {"author": "citizen", "text": "Tôi muốn khiếu nại", "at": "2026-03-02T02:00:00+00:00"},
    {"author": "assistant", "text": "Bạn gặp vấn đề gì?", "at": "2026-03-02T02:00:05+00:00"},
    {"author": "citizen", "text": DESCRIPTION, "at": "2026-03-02T02:01:00+00:00"},
]


def test_officer_of_the_province_claims_and_answers_a_ticket_filed_through_the_chat(page, server):
    ticket = server.file_ticket(
        channel="socketio", conversation_id="web-chat-001", transcript=TRANSCRIPT
    )
    code = ticket["code"]
    assert ticket["unit"]["code"] == "bhxh.ha-noi"
    login(page, "can.bo.hn")
    page.wait_for_url("**/console/")
    row = page.locator(f'tr[data-code="{code}"]')
    assert "******5678" in row.inner_text() and "0912345678" not in page.content()
    page.fill("#q", "0912 345 678")  # search by phone, typed with spaces
    page.click("#do-search")
    assert page.locator(f'tr[data-code="{code}"]').count() == 1
    log = server.log.read_text()
    assert "0912345678" not in log and "0912+345+678" not in log and "********78" in log
    shot(page, "01-queue-officer")
    row.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/console/tickets/{code}")
    assert DESCRIPTION in page.locator("#description").inner_text()
    turns = page.locator("#transcript li")
    assert turns.count() == 3
    first, second = turns.nth(0).inner_text(), turns.nth(1).inner_text()
    assert "Người dân" in first and "Tôi muốn khiếu nại" in first
    assert "Trợ lý ảo" in second and "Bạn gặp vấn đề gì?" in second
    page.click("#do-accept")
    page.wait_for_url("**done=accept")
    page.click("#do-claim")
    page.wait_for_url("**done=claim")
    assert page.locator("#assignee").inner_text() == "can.bo.hn"
    page.fill("#reply-body", "Chào anh, lương hưu tháng 2 đã chi trả ngày 5/3.")
    page.click("#do-reply")
    page.wait_for_url("**done=reply")
    assert "lương hưu tháng 2 đã chi trả" in page.locator("#thread").inner_text()
    assert page.locator("#ticket-state").inner_text() == "Đang xử lý"
    shot(page, "02-ticket-answered")
    stored = server.ticket(code)
    assert stored["state"] == "in_progress" and stored["assignee"] == "can.bo.hn"
    assert [m["author"] for m in stored["messages"]] == ["staff"]
    assert [e["action"] for e in stored["audit"]] == ["created", "accept", "claim", "reply"]
    outbox = httpx.get(f"{server.base}/api/v1/outbox?limit=500", headers=SERVICE, timeout=30)
    replies = [n for n in outbox.json() if n["ticket_code"] == code and n["event"] == "staff_reply"]
    assert [(n["channel"], n["conversation_id"]) for n in replies] == [("socketio", "web-chat-001")]
    assert "đã chi trả ngày 5/3" in replies[0]["payload"]["message"]


def test_officer_of_another_province_cannot_see_or_open_it(page, server):
    code = server.file_ticket(conversation_id="web-chat-002")["code"]
    login(page, "can.bo.hue")
    page.wait_for_url("**/console/")
    assert page.locator(f'tr[data-code="{code}"]').count() == 0
    page.fill("#q", code)
    page.click("#do-search")
    assert page.locator("#total").inner_text().endswith(": 0")
    response = page.goto(f"/console/tickets/{code}")
    assert response is not None and response.status == 404
    assert DESCRIPTION not in page.content()
    shot(page, "03-other-province-404")


def test_a_script_in_a_citizen_message_renders_as_text(page, server):
    evil = '<script>window.pwned = 1; alert("x")</script><img src=x onerror="window.pwned=2">'
    transcript = [{"author": "citizen", "text": evil, "at": "2026-03-02T02:00:00+00:00"}]
    code = server.file_ticket(
        conversation_id="web-chat-003", description=evil, transcript=transcript
    )["code"]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    assert page.locator("#description").inner_text() == evil
    assert page.evaluate("window.pwned") is None and dialogs == []
    assert page.locator("#description script, #description img").count() == 0
    assert page.locator("#transcript li .text").inner_text() == evil
    assert page.locator("#transcript script, #transcript img").count() == 0
    shot(page, "04-script-as-text")


def test_a_form_without_its_csrf_token_is_refused(page, server):
    code = server.file_ticket(conversation_id="web-chat-004")["code"]
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    page.evaluate("document.querySelector('#form-claim input[name=csrf]').remove()")
    with page.expect_response(re.compile(r"/claim$")) as answer:
        page.click("#do-claim")
    assert answer.value.status == 403
    assert "tải lại trang" in page.locator("#error").inner_text()
    assert server.ticket(code)["assignee"] is None


def test_repeated_failures_lock_the_account_out(page, server):
    for _ in range(MAX_FAILURES):
        login(page, "khoa.thu", "not-the-password")
        assert "Sai tên đăng nhập" in page.locator("#error").inner_text()
    login(page, "khoa.thu")  # the right password is refused too while locked
    assert "quá nhiều lần" in page.locator("#error").inner_text()
    assert page.url.endswith("/console/login")
    shot(page, "05-locked-out")


def test_login_works_with_the_keyboard_alone(page, server):
    page.goto("/console/login?lang=en")
    assert page.evaluate("document.activeElement.id") == "username"  # autofocus
    page.keyboard.press("Shift+Tab")  # the skip link and navigation are reachable before it
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "username":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("can.bo.hn")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/")
    assert "Queue" in page.locator("h1").inner_text()  # the English switch is remembered
    shot(page, "06-queue-english")


def test_supervisor_sees_the_overdue_count_change_when_the_clock_passes_a_deadline(
    page, moved_clock
):
    server = moved_clock
    code = server.file_ticket(conversation_id="web-chat-005")["code"]
    due = date.fromisoformat(server.ticket(code)["deadlines"]["resolution"])
    login(page, "lanh.dao.hn")
    page.wait_for_url("**/console/dashboard")
    before = int(page.locator("#total-overdue").inner_text())
    open_before = int(page.locator("#total-open").inner_text())
    assert before == 0 and open_before >= 1
    shot(page, "07-dashboard-before")
    server.set_now(later((due - date(2026, 3, 2)).days + 1))
    login(page, "lanh.dao.hn")  # the 8-hour session ended while the clock moved on
    page.wait_for_url("**/console/dashboard")
    after = int(page.locator("#total-overdue").inner_text())
    assert after == open_before  # every open ticket filed on Monday is now late
    assert page.locator("#chart rect.late").count() >= 1
    shot(page, "08-dashboard-overdue")
    page.locator('tr[data-unit="bhxh.ha-noi"] td.overdue a').click()
    assert page.locator(f'tr[data-code="{code}"]').count() == 1
    shot(page, "09-drill-down-overdue")
