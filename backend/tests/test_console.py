"""Staff console form flows over HTTP (TestClient): login, CSRF, cookies, lockout, expiry,
queue filters and search, every action through the lifecycle, scope, dashboard, export."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import CITIZEN, PASSWORD, SERVICE, create
from vss_tickets.app import create_app
from vss_tickets.domain.models import OutboxNotification, Ticket
from vss_tickets.domain.reference import reference_data
from vss_tickets.infra.config import Settings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# A citizen who gave every personal number (the numbers are test-only).
FULL_CITIZEN = {"name": "Lê Thị C", "phone": "0912345678", "cccd": "079123456789",
                "bhxh_code": "0123456789"}  # fmt: skip


class Console:
    """A browser-like session of the console on a TestClient."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def csrf(self, path: str) -> str:
        match = CSRF.search(self.client.get(path).text)
        assert match, path
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD):
        self.client.cookies.clear()  # a fresh visit, as after logging out
        token = self.csrf("/console/login")
        return self.client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf": token},
            follow_redirects=False,
        )

    def act(self, code: str, action: str, **data: str):
        token = self.csrf(f"/console/tickets/{code}")
        return self.client.post(
            f"/console/tickets/{code}/{action}",
            data={"csrf": token, **data},
            follow_redirects=False,
        )

    def ticket(self, code: str) -> dict:
        return self.client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()


def error_of(html: str) -> str:
    match = re.search(r'id="error">([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def console(client: TestClient) -> Console:
    return Console(client)


def test_login_sets_a_strict_httponly_session_cookie_and_logout_ends_it(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    page = console.client.get("/console/login")
    assert page.status_code == 200 and "Đăng nhập" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    response = console.login("can.bo.hn")
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = response.headers["set-cookie"]
    assert "vss_console=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # development over plain http
    queue = console.client.get("/console/")
    assert queue.status_code == 200 and "can.bo.hn".title() in queue.text
    assert "/console/dashboard" not in queue.text  # officers have no dashboard link
    token = CSRF.search(queue.text).group(1)
    out = console.client.post("/console/logout", data={"csrf": token}, follow_redirects=False)
    assert out.headers["location"] == "/console/login"
    after = console.client.get("/console/", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"] == "/console/login"


def test_production_cookies_are_secure(settings, clock, staff):
    production = Settings(
        database_url=settings.database_url,
        escalation_interval=0,
        app_env="production",
        service_token="a-production-service-token-of-32-chars",
        allow_sqlite_in_production=True,  # the test runs on each backend
        session_idle_minutes=settings.session_idle_minutes,
    )
    staff("bhxh.ha-noi", username="can.bo.hn")
    with TestClient(create_app(production, clock), base_url="https://testserver") as client:
        response = Console(client).login("can.bo.hn")
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_is_refused_then_locked_out_then_allowed_after_the_window(
    console, staff, clock
):
    staff("bhxh.ha-noi", username="can.bo.hn")
    for _ in range(3):  # the test settings allow 3 failures in the window
        refused = console.login("can.bo.hn", "not-the-password")
        assert refused.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu" in error_of(refused.text)
    locked = console.login("can.bo.hn")
    assert locked.status_code == 429 and "quá nhiều lần" in error_of(locked.text)
    assert 'value="can.bo.hn"' in locked.text  # the username typed is kept
    clock.advance(seconds=901)
    assert console.login("can.bo.hn").status_code == 303


def test_missing_or_wrong_csrf_token_is_refused_with_403_and_changes_nothing(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    no_token = console.client.post(
        "/console/login", data={"username": "can.bo.hn", "password": PASSWORD}
    )
    assert no_token.status_code == 403 and "vss_console" not in no_token.headers.get(
        "set-cookie", ""
    )
    console.login("can.bo.hn")
    code = create(console.client)["code"]
    for data in ({}, {"csrf": "forged"}):
        response = console.client.post(f"/console/tickets/{code}/claim", data=data)
        assert response.status_code == 403
        assert "tải lại trang" in error_of(response.text)
    assert console.ticket(code)["assignee"] is None


def test_session_expires(console, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    console.login("can.bo.hn")
    assert console.client.get("/console/").status_code == 200
    clock.advance(hours=8, seconds=1)
    expired = console.client.get("/console/", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"] == "/console/login"


def test_queue_filters_search_and_masked_phones(console, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    first = create(console.client)["code"]
    enquiry = create(
        console.client,
        kind="enquiry",
        topic="contributions",
        citizen={"name": "Trần Thị B", "phone": "0987654321"},
    )["code"]
    console.login("can.bo.hn")
    page = console.client.get("/console/").text
    assert first in page and enquiry in page
    assert "******5678" in page and "0912345678" not in page
    assert re.search(r'id="count-open">2<', page)

    def codes(**params: str) -> set[str]:
        html = console.client.get("/console/", params=params).text
        return set(re.findall(r'data-code="([^"]+)"', html))

    assert codes(kind="enquiry") == {enquiry}
    assert codes(topic="pension") == {first}
    assert codes(q="0987 654 321") == {enquiry}  # phone typed with spaces
    found = console.client.post(
        "/console/search",
        data={"csrf": console.csrf("/console/"), "q": "+84 987 654 321"},
        follow_redirects=False,
    )
    assert found.headers["location"] == "/console/?q=0987654321"
    assert codes(q=first.lower()) == {first}
    assert codes(q="không có") == set()
    assert "Không phải mã yêu cầu" in console.client.get("/console/", params={"q": "x"}).text
    assert codes(state="received") == {first, enquiry}
    assert codes(mine="1") == set()
    assert console.act(first, "claim").status_code == 303
    assert codes(mine="1") == {first}
    assert codes(overdue="1") == set()
    assert codes(at_risk="1") == set()  # the enquiry is due Thursday, 3 working days away
    clock.advance(days=1)
    console.login("can.bo.hn")
    assert codes(at_risk="1") == {enquiry}
    clock.advance(days=60)
    console.login("can.bo.hn")  # the session of 8 hours has expired
    assert codes(overdue="1") == {first, enquiry}
    csv = console.client.get("/console/export.csv", params={"kind": "enquiry"})
    assert csv.status_code == 200 and enquiry in csv.text and first not in csv.text
    assert "******4321" in csv.text and "0987654321" not in csv.text


def test_every_action_goes_through_the_lifecycle_with_audit_and_outbox(console, staff, db):
    staff("bhxh.ha-noi", username="can.bo.hn")
    code = create(console.client)["code"]
    console.login("can.bo.hn")
    for action in ("accept", "claim"):
        assert console.act(code, action).status_code == 303
    reply = console.act(code, "reply", body="Chúng tôi đang kiểm tra hồ sơ của anh.")
    assert reply.headers["location"] == f"/console/tickets/{code}?done=reply"
    assert console.act(code, "request_info", body="Anh gửi giúp số sổ BHXH.").status_code == 303
    assert console.ticket(code)["state"] == "waiting_citizen"
    assert console.act(code, "resume").status_code == 303
    empty = console.act(code, "resolve", body="   ")
    assert empty.status_code == 422 and "Vui lòng nhập nội dung" in error_of(empty.text)
    illegal = console.act(code, "close")
    assert illegal.status_code == 409 and "Không thể đóng" in error_of(illegal.text)
    answer = "Lương hưu tháng 2 đã được chi trả ngày 5/3."
    assert console.act(code, "resolve", body=answer).status_code == 303
    assert console.act(code, "close").status_code == 303
    assert console.act(code, "reopen", reason="").status_code == 422
    assert console.act(code, "reopen", reason="Người dân chưa nhận được").status_code == 303
    ticket = console.ticket(code)
    assert ticket["state"] == "in_progress" and ticket["assignee"] == "can.bo.hn"
    actions = [e["action"] for e in ticket["audit"]]
    assert actions == ["created", "accept", "claim", "reply", "request_info", "resume",
                       "resolve", "close", "reopen"]  # fmt: skip
    assert {e["actor"] for e in ticket["audit"][1:]} == {"staff:can.bo.hn"}
    with db.session() as session:
        events = session.scalars(select(OutboxNotification.event).order_by(OutboxNotification.id))
        assert "staff_reply" in list(events)
    page = console.client.get(f"/console/tickets/{code}").text
    assert "Chúng tôi đang kiểm tra hồ sơ của anh." in page and answer in page
    assert "Người dân chưa nhận được" in page  # the audit trail shows the reason


def test_refused_transfer_keeps_what_was_typed_and_the_ping_pong_rule_holds(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.hue", username="can.bo.hue")
    code = create(console.client)["code"]
    console.login("can.bo.hn")
    no_reason = console.act(code, "transfer", to_unit="bhxh.hue", reason="")
    assert no_reason.status_code == 422
    assert '<option value="bhxh.hue" selected>' in no_reason.text
    moved = console.act(code, "transfer", to_unit="bhxh.hue", reason="Nơi cư trú: Huế")
    assert moved.headers["location"] == f"/console/tickets/{code}/transferred"
    assert console.client.get(f"/console/tickets/{code}").status_code == 404  # no longer ours
    end = console.client.get(moved.headers["location"])
    assert end.status_code == 200 and "Bảo hiểm xã hội thành phố Huế" in end.text
    hue = Console(TestClient(console.client.app))
    hue.login("can.bo.hue")
    assert hue.act(code, "transfer", to_unit="bhxh.ha-noi", reason="Sai địa bàn").status_code == 303
    typed = "Chuyển lần ba <b>không</b> được"
    third = console.act(code, "transfer", to_unit="bhxh.hue", reason=typed)
    assert third.status_code == 403 and "phê duyệt" in error_of(third.text)
    assert "Chuyển lần ba &lt;b&gt;không&lt;/b&gt; được</textarea>" in third.text
    assert console.ticket(code)["transfer_count"] == 2
    staff("vss", "supervisor", username="lanh.dao.vss")  # supervisor of the common parent
    console.login("lanh.dao.vss")
    approved = console.act(code, "transfer", to_unit="bhxh.hue", reason="Lãnh đạo quyết định")
    assert approved.status_code == 303
    last = console.ticket(code)["audit"][-1]
    assert last["action"] == "transfer" and last["details"]["approved_by"] == "lanh.dao.vss"


def test_consultation_is_asked_and_answered_from_the_console(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("vss.si_policy", username="vu.chinh.sach")
    code = create(console.client)["code"]
    console.login("can.bo.hn")
    console.act(code, "accept")
    bad = console.act(code, "consult", to_unit="vss.si_policy", question="Cách tính?", days="ba")
    assert bad.status_code == 422 and "Số ngày phải từ 1 đến 30" in error_of(bad.text)
    assert ">Cách tính?</textarea>" in bad.text
    asked = console.act(code, "consult", to_unit="vss.si_policy", question="Cách tính?", days="3")
    assert asked.status_code == 303
    policy = Console(TestClient(console.client.app))
    policy.login("vu.chinh.sach")
    queue = policy.client.get("/console/").text
    assert "Cách tính?" in queue
    consultation = re.search(r"/console/consultations/(\d+)/answer", queue).group(1)
    token = CSRF.search(queue).group(1)
    empty = policy.client.post(
        f"/console/consultations/{consultation}/answer", data={"csrf": token, "body": ""}
    )
    assert empty.status_code == 422
    done = policy.client.post(
        f"/console/consultations/{consultation}/answer",
        data={"csrf": token, "body": "Theo Điều 66 Luật BHXH 2024."},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/console/tickets/{code}?done=answer"
    assert "Theo Điều 66" in console.client.get(f"/console/tickets/{code}").text


def test_another_province_neither_lists_nor_opens_nor_acts_on_the_ticket(console, staff):
    staff("bhxh.hue", username="can.bo.hue")
    code = create(console.client)["code"]  # routed to Hà Nội
    console.login("can.bo.hue")
    assert code not in console.client.get("/console/").text
    searched = console.client.get("/console/", params={"q": code}).text
    assert f'data-code="{code}"' not in searched and re.search(r'id="total">[^<]*: 0<', searched)
    assert console.client.get(f"/console/tickets/{code}").status_code == 404
    token = console.csrf("/console/")
    claim = console.client.post(f"/console/tickets/{code}/claim", data={"csrf": token})
    assert claim.status_code == 404 and console.ticket(code)["assignee"] is None
    assert code not in console.client.get("/console/export.csv").text
    assert console.client.get("/console/", params={"unit": "bhxh.ha-noi"}).status_code == 404


def test_dashboard_is_for_supervisors_and_counts_overdue_after_the_deadline(console, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.ha-noi", "supervisor", username="lanh.dao.hn")
    code = create(console.client)["code"]
    console.login("can.bo.hn")
    assert console.client.get("/console/dashboard").status_code == 403
    console.login("lanh.dao.hn")
    page = console.client.get("/console/dashboard").text
    assert re.search(r'id="total-overdue">0<', page) and re.search(r'id="total-open">1<', page)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    with console.client.app.state.services.db.session() as session:
        due = session.scalar(select(Ticket.resolution_due).where(Ticket.code == code))
    clock.advance(days=(due - clock.today()).days + 1)
    console.login("lanh.dao.hn")
    page = console.client.get("/console/dashboard").text
    assert re.search(r'id="total-overdue">1<', page)
    assert 'href="/console/?unit=bhxh.ha-noi&amp;overdue=1"' in page
    drill = console.client.get("/console/", params={"unit": "bhxh.ha-noi", "overdue": "1"})
    assert code in drill.text


def test_english_switch_is_remembered(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    english = console.client.get("/console/login", params={"lang": "en"})
    assert "Log in" in english.text and 'lang="en"' in english.text
    assert "Log in" in console.client.get("/console/login").text  # the cookie keeps it
    assert "Đăng nhập" in console.client.get("/console/login", params={"lang": "vi"}).text
    console.login("can.bo.hn")
    queue = console.client.get("/console/", params={"lang": "en"}).text
    assert "Waiting for the citizen" in queue and ">Retirement pension<" in queue
    assert (
        "Chờ bổ sung thông tin từ công dân"
        in console.client.get("/console/", params={"lang": "vi"}).text
    )


def test_html_in_citizen_text_is_rendered_inert(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    code = create(console.client, description='<script>alert("x")</script> Tôi cần giúp đỡ')["code"]
    console.login("can.bo.hn")
    page = console.client.get(f"/console/tickets/{code}").text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Tôi cần giúp đỡ" in page


def test_dashboard_figures_on_time_rate_median_transfers_and_satisfaction(console, staff, clock):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.ha-noi", "supervisor", username="lanh.dao.hn")
    on_time, late, moved = (create(console.client)["code"] for _ in range(3))
    console.login("can.bo.hn")
    console.act(moved, "transfer", to_unit="bhxh.hue", reason="Sai địa bàn")
    for code in (on_time, late):
        console.act(code, "accept")
    clock.advance(days=2)
    console.login("can.bo.hn")
    assert console.act(on_time, "resolve", body="Đã giải quyết.").status_code == 303
    rating = {**CITIZEN, "phone_last4": "5678", "rating": 4}
    rated = console.client.post(f"/api/v1/tickets/{on_time}/rating", json=rating, headers=SERVICE)
    assert rated.status_code == 200, rated.text
    clock.advance(days=60)
    console.login("can.bo.hn")
    assert console.act(late, "resolve", body="Giải quyết muộn.").status_code == 303
    console.login("lanh.dao.hn")
    row = re.search(
        r'<tr data-unit="bhxh.ha-noi">(.*?)</tr>',
        console.client.get("/console/dashboard").text,
        re.S,
    ).group(1)
    cells = re.findall(r"<td[^>]*>(?:<a[^>]*>)?([^<]*)", row)
    # open, at risk, overdue, on time, median days, transfers, ping-pong, satisfaction
    assert cells == ["0", "0", "0", "50%", "32.0", "0", "0", "4.0 (1)"]


def test_pages_run_only_the_console_script_under_a_strict_policy(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    console.login("can.bo.hn")
    code = create(console.client)["code"]
    for path in ("/console/", f"/console/tickets/{code}"):
        page = console.client.get(path)
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "connect-src 'self';" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        scripts = re.findall(r"<script[^>]*>", page.text)
        assert scripts == [re.search(r'<script src="/console/static/console.js\?v=\w+" defer>',
                                     page.text).group(0)]  # fmt: skip
        assert "data-live-url=" in page.text
    script = console.client.get("/console/static/console.js")
    assert script.headers["content-type"].startswith("text/javascript") and "fetch(" in script.text
    assert console.client.get("/console/static/other.js").status_code == 404


def test_transfer_and_consult_lists_offer_no_placeholder_unit(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    code = create(console.client)["code"]
    console.login("can.bo.hn")
    console.act(code, "accept")
    page = console.client.get(f"/console/tickets/{code}").text
    transfer_list = re.search(r'<select id="transfer-unit".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="([^"]+)"', transfer_list)
    units = reference_data("current").units
    assert set(offered) == {c for c, u in units.items() if not u.placeholder} - {"bhxh.ha-noi"}
    assert len(offered) == len(units) - 32 - 1  # 32 placeholder offices in the reference data


def test_the_consulted_unit_reads_masked_and_cannot_act_or_reveal(console, staff):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("vss.si_policy", username="vu.chinh.sach")
    staff("vss.it", username="can.bo.it")
    code = create(console.client, citizen=FULL_CITIZEN)["code"]
    console.login("can.bo.hn")
    console.act(code, "accept")
    console.act(code, "consult", to_unit="vss.si_policy", question="Cách tính?", days="3")
    policy = Console(TestClient(console.client.app))
    policy.login("vu.chinh.sach")
    page = policy.client.get(f"/console/tickets/{code}")
    assert page.status_code == 200 and 'id="consulted-view"' in page.text
    assert "079123456789" not in page.text and "0912345678" not in page.text
    assert 'id="actions"' not in page.text and "data-reveal" not in page.text
    assert re.search(r'id="answer-form-\d+"', page.text)
    for action in ("claim", "reveal/cccd", "reveal/phone"):
        refused = policy.client.post(
            f"/console/tickets/{code}/{action}", data={"csrf": policy.csrf("/console/")}
        )
        assert refused.status_code == 404, action
    other = Console(TestClient(console.client.app))
    other.login("can.bo.it")  # neither the unit nor consulted
    assert other.client.get(f"/console/tickets/{code}").status_code == 404
    assert [e["action"] for e in console.ticket(code)["audit"]] == ["created", "accept", "consult"]


def test_only_the_assignee_reveals_cccd_and_bhxh_code_and_each_reveal_is_audited(
    console, staff
):
    staff("bhxh.ha-noi", username="can.bo.hn")
    staff("bhxh.ha-noi", username="dong.nghiep")
    code = create(console.client, citizen=FULL_CITIZEN)["code"]
    plain = create(console.client, conversation_id="conv-2")["code"]  # no CCCD, no BHXH code
    console.login("dong.nghiep")
    page = console.client.get(f"/console/tickets/{code}").text
    assert "********6789" in page and "079123456789" not in page and "0123456789" not in page
    assert 'id="show-cccd"' not in page and 'id="show-phone"' in page
    token = console.csrf(f"/console/tickets/{code}")

    def reveal(ticket: str, field: str, csrf: str = token):
        return console.client.post(
            f"/console/tickets/{ticket}/reveal/{field}", data={"csrf": csrf},
            follow_redirects=False,
        )  # fmt: skip

    assert reveal(code, "cccd").status_code == 403  # not assigned to this colleague
    phone = reveal(code, "phone")
    assert phone.status_code == 200 and 'id="phone-full">0912345678<' in phone.text
    assert "079123456789" not in phone.text
    console.login("can.bo.hn")
    token = console.csrf(f"/console/tickets/{code}")
    console.act(code, "claim")
    assert reveal(code, "cccd", "forged").status_code == 403
    assert reveal(code, "iban", token).status_code == 404
    shown = reveal(code, "cccd", token)
    assert shown.status_code == 200 and 'id="cccd-full">079123456789<' in shown.text
    assert "0123456789" not in shown.text  # only the number asked for
    assert 'id="bhxh_code-full">0123456789<' in reveal(code, "bhxh_code", token).text
    console.act(plain, "claim")
    assert reveal(plain, "cccd", token).status_code == 403  # nothing to reveal
    reveals = [(e["actor"], e["details"]) for e in console.ticket(code)["audit"]
               if e["action"] == "reveal"]  # fmt: skip
    assert reveals == [
        ("staff:dong.nghiep", {"field": "phone"}),
        ("staff:can.bo.hn", {"field": "cccd"}),
        ("staff:can.bo.hn", {"field": "bhxh_code"}),
    ]
    assert "Xem số cá nhân đầy đủ" in console.client.get(f"/console/tickets/{code}").text
