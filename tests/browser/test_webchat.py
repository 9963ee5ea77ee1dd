"""The web chat widget in headless Chromium against the real Rasa server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.e2e.test_channels import staff_reply
from tests.instants import SUNDAY_NIGHT
from tests.stack import Stack, free_port

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 900, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{stack.rasa_url}/webhooks/webchat/")
    expect(page.locator(".msg.bot")).to_have_count(1)  # the welcome, once connected
    yield page
    context.close()


def bot_messages(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.locator(".msg.bot")


def test_send_a_message_see_the_answer_and_the_history_after_reload(page: Page) -> None:
    page.evaluate("""() => { window.sawTyping = false;
        new MutationObserver(() => { if (!document.getElementById('typing').hidden)
            window.sawTyping = true; }).observe(document.getElementById('typing'),
            {attributes: true}); }""")
    page.fill("#text", "xin chào")
    page.press("#text", "Enter")
    expect(bot_messages(page)).to_have_count(2)
    expect(bot_messages(page).nth(1)).to_contain_text("Xin chào")
    assert page.evaluate("window.sawTyping") is True
    page.screenshot(path=ARTIFACTS / "webchat-answer.png")

    page.reload()
    expect(page.locator(".msg.user")).to_have_text(["Bạn: xin chào"])
    expect(bot_messages(page)).to_have_count(1)  # no welcome: the tracker's reply instead
    expect(bot_messages(page).first).to_contain_text("Xin chào")
    page.screenshot(path=ARTIFACTS / "webchat-history.png")


def test_a_staff_reply_appears_without_reload(page: Page, stack: Stack) -> None:
    page.fill("#text", "cảm ơn")
    page.press("#text", "Enter")
    expect(bot_messages(page)).to_have_count(2)
    session = page.evaluate("localStorage.getItem('vss-chat-session')")
    staff_reply(stack, f"web:{session}", "Cán bộ BHXH tỉnh: chúng tôi đã nhận hồ sơ của bạn.")
    expect(bot_messages(page).last).to_contain_text("chúng tôi đã nhận hồ sơ")
    page.screenshot(path=ARTIFACTS / "webchat-staff-reply.png")


def test_keyboard_only_use_with_buttons(page: Page, at: Callable) -> None:
    at(SUNDAY_NIGHT)  # asking for a human out of hours offers a ticket button
    for _ in range(6):
        if page.evaluate("document.activeElement.id") == "text":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("cho tôi gặp cán bộ")
    page.keyboard.press("Enter")
    button = page.get_by_role("group", name="Lựa chọn").get_by_role("button").last
    expect(button).to_be_visible()
    title = button.text_content()
    answered = bot_messages(page).count()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == title
    page.keyboard.press("Enter")
    expect(page.locator(".msg.user").last).to_have_text(f"Bạn: {title}")
    expect(bot_messages(page)).to_have_count(answered + 1)  # the button's payload was answered
    assert page.evaluate("document.activeElement.id") == "text"
    page.screenshot(path=ARTIFACTS / "webchat-keyboard.png")


def test_accessible_names_language_switch_and_html_shown_as_text(page: Page) -> None:
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("Tin nhắn")).to_be_visible()
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_label("Message")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#text", "<img src=x onerror=alert(1)>hello")
    page.press("#text", "Enter")
    expect(page.locator(".msg.user").last).to_have_text("You: <img src=x onerror=alert(1)>hello")
    assert page.locator(".log img").count() == 0
    page.fill("#text", "a" * 2001)
    assert len(page.input_value("#text")) == 2000  # the field refuses more


def test_mobile_layout(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{stack.rasa_url}/webhooks/webchat/")
    expect(bot_messages(page)).to_have_count(1, timeout=TIMEOUT)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("#composer").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740
    page.screenshot(path=ARTIFACTS / "webchat-mobile.png")
    context.close()


@pytest.fixture
def host_site(stack: Stack, tmp_path: Path) -> Iterator[str]:
    """Another site (other origin) embedding the widget with the documented snippet."""
    snippet = (f'<script src="{stack.rasa_url}/webhooks/webchat/embed.js" '
               'data-lang="en" defer></script>')
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html><head><title>Host</title></head><body><h1>Host site</h1>"
        f"{snippet}</body></html>", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_embedded_on_another_site(browser: Browser, host_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(host_site)
    launcher = page.get_by_role("button", name="Ask VSS")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    chat = page.frame_locator("#vss-chat-frame")
    expect(chat.locator(".msg.bot")).to_have_count(1)
    chat.locator("#text").fill("hello there")
    chat.locator("#text").press("Enter")
    expect(chat.locator(".msg.bot").nth(1)).to_contain_text("Hello")
    page.screenshot(path=ARTIFACTS / "webchat-embedded.png")
    chat.get_by_role("button", name="Close the chat window").click()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    context.close()


def test_reconnect_sends_what_was_typed_offline(page: Page) -> None:
    page.context.set_offline(True)
    expect(page.locator("#status")).to_contain_text("Mất kết nối", timeout=30_000)
    page.fill("#text", "xin chào")
    page.press("#text", "Enter")
    expect(page.locator(".msg.user.pending")).to_have_text("Bạn: xin chào")
    page.context.set_offline(False)
    expect(page.locator(".msg.user.pending")).to_have_count(0)
    expect(bot_messages(page)).to_have_count(2)
    expect(bot_messages(page).last).to_contain_text("Xin chào")
    expect(page.locator("#status")).to_contain_text("Đã kết nối lại")
