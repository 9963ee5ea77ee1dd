"""Staff login, throttling, sessions, and unit-scoped authorisation."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, SERVICE, create, ticket_body
from vss_tickets.domain.models import Ticket, Unit


def grassroots_of(db, province_unit: str) -> str:
    with db.session() as session:
        return session.scalars(
            select(Unit.code)
            .where(Unit.parent_code == province_unit, Unit.level == "grassroots")
            .order_by(Unit.code)
        ).first()


def login(client, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_me_logout(client, staff):
    staff("bhxh.hue", "supervisor", username="sup.hue")
    response = login(client, "sup.hue")
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert me["role"] == "supervisor" and me["unit"]["code"] == "bhxh.hue"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_401(client, staff):
    staff("bhxh.hue", username="off.hue")
    wrong = login(client, "off.hue", "not-the-password")
    unknown = login(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_login_is_throttled_then_allowed_after_the_window(client, staff, clock):
    staff("bhxh.hue", username="off.hue")
    for _ in range(3):  # the test settings allow 3 failures in the window
        assert login(client, "off.hue", "guess-guess-guess").status_code == 401
    blocked = login(client, "off.hue")
    assert blocked.status_code == 429
    assert "Too many" in blocked.json()["message"]
    clock.advance(seconds=901)
    assert login(client, "off.hue").status_code == 200


def test_session_expires(client, staff, clock):
    staff("bhxh.hue", username="off.hue")
    token = login(client, "off.hue").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(hours=8, seconds=1)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_officer_of_another_province_gets_404(client, staff):
    hue = staff("bhxh.hue")
    code = create(client)["code"]  # Hà Nội
    assert client.get(f"/api/v1/tickets/{code}", headers=hue).status_code == 404
    for action, body in (("claim", {}), ("reply", {"body": "x"}), ("accept", {})):
        response = client.post(f"/api/v1/tickets/{code}/{action}", json=body, headers=hue)
        assert response.status_code == 404
    assert client.get("/api/v1/staff/tickets", headers=hue).json()["total"] == 0
    other_unit = client.get("/api/v1/staff/tickets?unit=bhxh.ha-noi", headers=hue)
    assert other_unit.status_code == 404


def test_staff_of_the_unit_sees_personal_numbers(client, staff):
    hanoi = staff("bhxh.ha-noi")
    code = create(client)["code"]
    assert client.get(f"/api/v1/tickets/{code}", headers=hanoi).json()["citizen"]["phone"] == (
        "0912345678"
    )


def test_supervisor_sees_the_subtree_officer_only_the_unit(client, staff, db):
    grassroots = grassroots_of(db, "bhxh.thai-nguyen")
    province_officer = staff("bhxh.thai-nguyen")
    supervisor = staff("bhxh.thai-nguyen", "supervisor")
    admin = staff("vss", "admin")
    local = staff(grassroots)
    code = create(client, province="Thái Nguyên", commune=None)["code"]
    with db.session(write=True) as session:  # place the ticket at the grassroots office
        session.scalars(select(Ticket).where(Ticket.code == code)).one().unit_code = grassroots
    assert client.get(f"/api/v1/tickets/{code}", headers=local).status_code == 200
    assert client.get(f"/api/v1/tickets/{code}", headers=supervisor).status_code == 200
    assert client.get(f"/api/v1/tickets/{code}", headers=admin).status_code == 200
    assert client.get(f"/api/v1/tickets/{code}", headers=province_officer).status_code == 404
    assert client.get("/api/v1/staff/tickets", headers=supervisor).json()["total"] == 1


def test_service_token_cannot_use_staff_endpoints_and_staff_cannot_create(client, staff):
    hanoi = staff("bhxh.ha-noi")
    assert client.get("/api/v1/staff/tickets", headers=SERVICE).status_code == 403
    response = client.post("/api/v1/tickets", json=ticket_body(), headers=hanoi)
    assert response.status_code == 401
    assert client.get("/api/v1/outbox", headers=hanoi).status_code == 401


def test_queue_filters_and_pages(client, staff):
    hanoi = staff("bhxh.ha-noi")
    codes = [create(client)["code"] for _ in range(5)]
    create(client, province="Huế")
    client.post(f"/api/v1/tickets/{codes[0]}/accept", headers=hanoi)
    client.post(f"/api/v1/tickets/{codes[0]}/claim", headers=hanoi)
    first = client.get("/api/v1/staff/tickets?page_size=2", headers=hanoi).json()
    assert first["total"] == 5 and len(first["items"]) == 2
    last = client.get("/api/v1/staff/tickets?page_size=2&page=3", headers=hanoi).json()
    assert len(last["items"]) == 1
    seen = {
        t["code"]
        for p in (1, 2, 3)
        for t in client.get(f"/api/v1/staff/tickets?page_size=2&page={p}", headers=hanoi).json()[
            "items"
        ]
    }
    assert seen == set(codes)
    mine = client.get("/api/v1/staff/tickets?assignee=me", headers=hanoi).json()
    assert [t["code"] for t in mine["items"]] == [codes[0]]
    received = client.get("/api/v1/staff/tickets?state=received", headers=hanoi).json()
    assert received["total"] == 4
    assert client.get("/api/v1/staff/tickets?state=bogus", headers=hanoi).status_code == 422
    assert client.get("/api/v1/staff/tickets?page_size=1000", headers=hanoi).status_code == 422
