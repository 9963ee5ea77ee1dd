"""Console pages of issue #19 in headless Chromium against a real service process: the end of a
transfer, the consulted unit's read-only page, the units offered, the reveal of CCCD and BHXH
code, and dashboard labels that are not cut."""

from __future__ import annotations

from datetime import date

from tests.browser.conftest import login, shot
from tests.test_console import FULL_CITIZEN
from vss_tickets.domain.reference import reference_data

UNITS = reference_data("current").units


def ddmmyyyy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def transfer(page, code: str, to_unit: str, reason: str) -> None:
    page.goto(f"/console/tickets/{code}")
    page.select_option("#transfer-unit", to_unit)
    page.fill("#transfer-reason", reason)
    page.click("#do-transfer")
    page.wait_for_url(f"**/console/tickets/{code}/transferred")


def test_a_transfer_ends_on_a_page_that_says_where_the_ticket_went(page, server):
    code = server.file_ticket(conversation_id="pages-1")["code"]
    login(page, "can.bo.hn")
    transfer(page, code, "bhxh.hue", "Người dân cư trú tại Huế")
    assert page.locator("h1").inner_text() == "Đã chuyển yêu cầu"
    assert "Có lỗi" not in page.content() and "Không tìm thấy" not in page.content()
    assert page.locator("#to-unit").inner_text() == UNITS["bhxh.hue"].name_vi
    assert page.locator("#transfer-reason").inner_text() == "Người dân cư trú tại Huế"
    stored = server.ticket(code)
    assert stored["unit"]["code"] == "bhxh.hue"
    deadlines = page.locator("#deadlines").inner_text()
    assert "Hạn giải quyết" in deadlines
    assert ddmmyyyy(stored["deadlines"]["resolution"]) in deadlines
    assert ddmmyyyy(stored["deadlines"]["acceptance"]) in deadlines  # still to be accepted
    assert page.locator("#open-ticket").count() == 0  # no longer this officer's ticket
    shot(page, "console-transferred")
    page.goto(f"/console/tickets/{code}/transferred?lang=en")
    assert page.locator("#to-unit").inner_text() == UNITS["bhxh.hue"].name_en
    assert "has been transferred to" in page.locator("#transferred").inner_text()
    login(page, "can.bo.hue")  # the receiving unit did not transfer it: no such page for it
    response = page.goto(f"/console/tickets/{code}/transferred")
    assert response is not None and response.status == 404
    assert page.goto(f"/console/tickets/{code}").status == 200  # but it now has the ticket


def test_only_units_that_can_receive_tickets_are_offered(page, server):
    code = server.file_ticket(conversation_id="pages-2")["code"]
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    page.click("#do-accept")
    page.wait_for_url("**done=accept")
    real = {c for c, u in UNITS.items() if not u.placeholder and c != "bhxh.ha-noi"}
    assert len(UNITS) - len(real) - 1 == 32  # the reference data's placeholder offices
    for select in ("#transfer-unit", "#consult-unit"):
        offered = page.eval_on_selector_all(f"{select} option", "os => os.map(o => o.value)")
        assert set(offered) == real and len(offered) == len(real)
        assert not [c for c in offered if c.endswith(".placeholder")]


def test_the_consulted_unit_reads_the_ticket_and_answers_on_the_same_page(page, server):
    code = server.file_ticket(conversation_id="pages-3", citizen=FULL_CITIZEN)["code"]
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    page.click("#do-accept")
    page.wait_for_url("**done=accept")
    page.select_option("#consult-unit", "vss.si_policy")
    page.fill("#consult-question", "Cách tính lương hưu cho người có 18 năm đóng?")
    page.click("#do-consult")
    page.wait_for_url("**done=consult")
    login(page, "vu.chinh.sach")
    page.wait_for_url("**/console/")
    page.locator(f'a[href="/console/tickets/{code}"]').first.click()  # from the queue's list
    page.wait_for_url(f"**/console/tickets/{code}")
    assert "Tôi chưa nhận được lương hưu tháng 2." in page.locator("#description").inner_text()
    assert page.locator("#consulted-view").is_visible()
    assert page.locator("#actions, #live-chat, #transcript, form[data-reveal]").count() == 0
    assert page.locator("#phone-masked").inner_text() == "******5678"
    assert page.locator("#cccd-masked").inner_text() == "********6789"
    assert "079123456789" not in page.content() and "0912345678" not in page.content()
    form = page.locator("#consultations form[id^=answer-form-]")
    assert form.count() == 1
    token = page.input_value("#consultations input[name=csrf]")
    claim = page.request.post(f"/console/tickets/{code}/claim", form={"csrf": token})
    assert claim.status == 404  # read-only: no action on another unit's ticket
    shot(page, "console-consulted")
    form.locator("textarea").fill("Theo Điều 66 Luật BHXH 2024: 45% cho 15 năm đầu.")
    form.locator("button").click()
    page.wait_for_url(f"**/console/tickets/{code}?done=answer")
    consultation = page.locator("#consultations li").first
    assert "Đã trả lời" in consultation.inner_text() and "Điều 66" in consultation.inner_text()
    assert page.locator("#consultations form").count() == 0
    stored = server.ticket(code)
    assert stored["consultations"][0]["answer"].startswith("Theo Điều 66")
    assert stored["audit"][-1]["action"] == "consultation_answered"


def test_the_assigned_officer_reveals_cccd_and_bhxh_code_and_each_reveal_is_audited(
    page, plain_page, server
):
    code = server.file_ticket(conversation_id="pages-4", citizen=FULL_CITIZEN)["code"]
    login(plain_page, "dong.nghiep.hn")  # a colleague of the unit, not the assignee
    plain_page.goto(f"/console/tickets/{code}")
    assert plain_page.locator("#cccd-masked").inner_text() == "********6789"
    assert plain_page.locator("#show-cccd, #show-bhxh_code").count() == 0
    assert "chỉ cán bộ được giao xử lý" in plain_page.locator('[data-number="cccd"]').inner_text()
    assert plain_page.locator("#show-phone").count() == 1  # the phone, for whoever must call
    login(page, "can.bo.hn")
    page.goto(f"/console/tickets/{code}")
    page.click("#do-claim")
    page.wait_for_url("**done=claim")
    assert page.locator("#cccd-masked").inner_text() == "********6789"
    assert page.locator("#bhxh_code-masked").inner_text() == "******6789"
    assert "079123456789" not in page.content() and "0123456789" not in page.content()
    page.evaluate("window.__same_page = true")
    page.click("#show-cccd")  # in place, with JavaScript
    page.wait_for_selector("#cccd-full")
    assert page.locator("#cccd-full").inner_text() == "079123456789"
    assert page.evaluate("window.__same_page") is True and "079123456789" not in page.url
    assert page.locator("#bhxh_code-masked").inner_text() == "******6789"  # only the one asked
    reveal = page.locator("#audit tr", has_text="Xem số cá nhân đầy đủ")
    reveal.first.wait_for(timeout=10_000)  # the audit trail updates by itself
    assert "field: cccd" in reveal.first.inner_text()
    shot(page, "console-reveal", full_page=False)
    reveal.first.scroll_into_view_if_needed()
    shot(page, "console-reveal-audit", full_page=False)
    login(plain_page, "can.bo.hn")  # without JavaScript: the form answers with the page
    plain_page.goto(f"/console/tickets/{code}")
    plain_page.click("#show-bhxh_code")
    assert plain_page.url.endswith(f"/console/tickets/{code}/reveal/bhxh_code")
    assert plain_page.locator("#bhxh_code-full").inner_text() == "0123456789"
    assert plain_page.locator("#cccd-masked").inner_text() == "********6789"
    reveals = [e for e in server.ticket(code)["audit"] if e["action"] == "reveal"]
    assert [(e["actor"], e["details"]) for e in reveals] == [
        ("staff:can.bo.hn", {"field": "cccd"}),
        ("staff:can.bo.hn", {"field": "bhxh_code"}),
    ]
    log = server.log.read_text()
    assert "079123456789" not in log and "0123456789" not in log


LONG_NAMES = ("vss.e_payment", "vss.collection", "vss.si_policy", "bhxh.ho-chi-minh.bac-tan-uyen")


def test_dashboard_labels_are_whole_and_inside_the_chart_in_both_languages(page, server):
    codes = [server.file_ticket(conversation_id=f"pages-5-{unit}")["code"] for unit in LONG_NAMES]
    login(page, "lanh.dao.vss")
    page.wait_for_url("**/console/dashboard")
    for code, unit in zip(codes, LONG_NAMES, strict=True):
        transfer(page, code, unit, "Đúng chức năng của đơn vị")
        assert page.locator("#open-ticket").count() == 1  # still in this supervisor's scope
    for lang, width in (("vi", 1280), ("en", 1280), ("vi", 720)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/console/dashboard?lang={lang}")
        figure = page.locator("#chart-figure").bounding_box()
        for unit in LONG_NAMES:
            label = page.locator(f'#chart tr[data-bar="{unit}"] th.label')
            name = getattr(UNITS[unit], f"name_{lang}")
            assert label.inner_text() == name  # the whole name, not shortened
            box = label.bounding_box()
            left, right = figure["x"], figure["x"] + figure["width"]
            assert left <= box["x"] and box["x"] + box["width"] <= right + 0.5
            overflow = label.evaluate("el => el.scrollWidth - el.clientWidth")
            assert overflow <= 0, (lang, width, unit, overflow)
        shot(page, f"console-dashboard-{lang}-{width}", full_page=False)
