"""The console keeps up by itself: a citizen waiting for a live chat and the citizen's messages
appear in an open page without a reload, with a visible and an audible cue."""

from __future__ import annotations

from tests.browser.conftest import login, shot

# Counts the tones the page starts through the Web Audio API (wraps the browser's own method).
COUNT_TONES = """
window.__tones = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones += 1;
  return start.apply(this, args);
};
"""
WITHIN = 10_000  # ms: what the issue asks for; the console polls every 3 s


def test_a_citizen_waiting_for_a_chat_appears_in_the_open_queue_with_sound(page, server):
    page.add_init_script(COUNT_TONES)
    login(page, "can.bo.hn")
    page.wait_for_url("**/console/")
    assert page.locator("#waiting-chats").count() == 0
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    code = server.file_ticket(conversation_id="live-1", handoff=True)["code"]
    page.wait_for_selector(f'#waiting-chats li[data-code="{code}"]', timeout=WITHIN)
    assert page.evaluate("window.__same_page") is True
    alert = page.locator("#live-alert")
    assert alert.is_visible() and code in alert.inner_text()
    assert "đang chờ trao đổi trực tiếp" in alert.inner_text()
    assert page.locator(f'#waiting-chats li[data-code="{code}"]').get_attribute("class") == "fresh"
    assert page.title().startswith("(1) ")
    assert page.evaluate("window.__tones") == 2  # the two tones of one chime
    page.wait_for_selector(f'tr[data-code="{code}"] .badge.chat', timeout=WITHIN)
    assert page.locator("#sound-toggle").inner_text() == "Âm báo: bật"
    shot(page, "console-live-queue", full_page=False)
    page.click("#sound-toggle")  # sound off: the next chat is shown, not heard
    assert page.locator("#sound-toggle").inner_text() == "Âm báo: tắt"
    second = server.file_ticket(conversation_id="live-2", handoff=True)["code"]
    page.wait_for_selector(f'#waiting-chats li[data-code="{second}"]', timeout=WITHIN)
    assert second in page.locator("#live-alert").inner_text()
    assert page.evaluate("window.__tones") == 2
    page.reload()
    assert page.locator("#sound-toggle").inner_text() == "Âm báo: tắt"  # remembered


def test_citizen_messages_appear_in_the_open_ticket_and_the_draft_is_kept(page, server):
    conversation = "live-3"
    code = server.file_ticket(conversation_id=conversation, handoff=True)["code"]
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    page.click("#do-take-chat")
    page.wait_for_url("**done=take-chat")
    assert "can.bo.hn" in page.locator("#chat-officer").inner_text()
    page.select_option("#transfer-unit", "bhxh.hue")
    page.click("#do-transfer")  # refused (no reason): the page keeps the unit chosen
    assert "Vui lòng nhập nội dung" in page.locator("#error").inner_text()
    page.evaluate("window.__same_page = true")
    server.say(code, conversation, "Tôi gửi thêm: sổ BHXH số cuối 6789")
    message = page.locator("#thread li.citizen", has_text="sổ BHXH số cuối 6789")
    message.wait_for(timeout=WITHIN)
    assert page.evaluate("window.__same_page") is True
    assert "fresh" in (message.get_attribute("class") or "")
    assert "Tin nhắn mới của người dân" in page.locator("#live-alert").inner_text()
    page.locator("#audit td", has_text="Tin nhắn của người dân").first.wait_for(timeout=WITHIN)
    assert page.input_value("#transfer-unit") == "bhxh.hue"  # a form in use is left alone
    draft = "Chào chị, tôi đang kiểm tra hồ sơ"
    page.fill("#reply-body", draft)  # the officer is typing while the citizen writes
    server.say(code, conversation, "Cảm ơn anh")
    page.locator("#thread li.citizen", has_text="Cảm ơn anh").wait_for(timeout=WITHIN)
    assert page.locator("#thread li.citizen").count() == 2
    assert page.input_value("#reply-body") == draft
    page.locator("#thread").scroll_into_view_if_needed()
    shot(page, "console-live-ticket", full_page=False)
    page.click("#do-reply")
    page.wait_for_url("**done=reply")
    assert draft in page.locator("#thread li.staff").inner_text()


def test_pages_stop_updating_and_say_so_when_the_session_ends(page, server):
    login(page, "dong.nghiep.hn")
    page.wait_for_url("**/console/")
    page.context.clear_cookies()  # as when the session expires
    alert = page.locator("#live-alert")
    alert.wait_for(timeout=WITHIN)
    assert "ngừng tự cập nhật" in alert.inner_text()
