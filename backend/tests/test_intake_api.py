"""Creating and reading tickets through the API: contract, idempotency, bad input."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.conftest import SERVICE, create, ticket_body
from vss_tickets.domain import intake
from vss_tickets.domain.models import AuditEvent, Ticket, TicketCodeCounter
from vss_tickets.domain.routing import RoutingDecision


def test_create_returns_the_contract(client):
    body = create(client)
    assert re.fullmatch(r"BHXH-2026-\d{6}", body["code"])
    assert body["state"] == "received"
    assert body["kind"] == "complaint"
    assert body["unit"]["code"] == "bhxh.ha-noi"
    assert body["unit"]["name_vi"] and body["unit"]["name_en"]
    # Complaint received Monday 2/3/2026: acceptance within 10 working days -> Monday 16/3.
    assert body["deadlines"]["acceptance"] == "2026-03-16"
    assert body["deadlines"]["resolution"] > body["deadlines"]["acceptance"]
    assert body["created_at"].startswith("2026-03-02T02:00:00")
    assert body["citizen"]["phone"] == "******5678"
    assert body["routing_reasons"]


def test_codes_are_sequential_and_unique(client):
    codes = [create(client)["code"] for _ in range(3)]
    assert codes == ["BHXH-2026-000001", "BHXH-2026-000002", "BHXH-2026-000003"]


def test_codes_count_per_year_and_grow_past_six_digits(client, clock, db):
    assert create(client)["code"] == "BHXH-2026-000001"
    with db.session(write=True) as session:
        session.get(TicketCodeCounter, 2026).last_value = 999_999
    assert create(client)["code"] == "BHXH-2026-1000000"
    clock.advance(days=365)
    assert create(client)["code"] == "BHXH-2027-000001"
    assert create(client)["code"] == "BHXH-2027-000002"


def test_unit_missing_from_the_database_is_422_unless_the_key_replays(client, db, monkeypatch):
    headers = {**SERVICE, "Idempotency-Key": "before-the-move"}
    first = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert first.status_code == 201
    # Routing now names a unit the database lacks (e.g. a structure switched without init-db).
    gone = RoutingDecision(unit_code="bhxh.not-loaded", reasons=["test"])
    monkeypatch.setattr(intake, "route_ticket", lambda *_: gone)
    replay = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert (replay.status_code, replay.json()["code"]) == (200, first.json()["code"])
    response = client.post("/api/v1/tickets", json=ticket_body(), headers=SERVICE)
    assert response.status_code == 422
    assert "bhxh.not-loaded" in response.json()["message"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_read_by_code_with_service_token_masks_numbers(client):
    code = create(
        client,
        citizen={
            "name": "B",
            "phone": "+84 912 345 678",
            "cccd": "001099012345",
            "bhxh_code": "0123456789",
        },
    )["code"]
    response = client.get(f"/api/v1/tickets/{code}", headers=SERVICE)
    assert response.status_code == 200
    citizen = response.json()["citizen"]
    assert citizen == {
        "name": "B",
        "phone": "******5678",
        "cccd": "********2345",
        "bhxh_code": "******6789",
    }
    assert response.json()["audit"][0]["action"] == "created"


def test_unknown_code_is_404_with_message(client):
    response = client.get("/api/v1/tickets/BHXH-2026-999999", headers=SERVICE)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "BHXH-2026-999999" in response.json()["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}])
def test_missing_or_wrong_token_is_401(client, headers):
    response = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert response.status_code == 401
    assert "token" in response.json()["message"]


def test_same_idempotency_key_same_body_gives_same_ticket(client, db):
    headers = {**SERVICE, "Idempotency-Key": "retry-1"}
    first = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    second = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_same_idempotency_key_other_body_is_refused(client, db):
    headers = {**SERVICE, "Idempotency-Key": "retry-2"}
    assert client.post("/api/v1/tickets", json=ticket_body(), headers=headers).status_code == 201
    other = client.post("/api/v1/tickets", json=ticket_body(description="khác"), headers=headers)
    assert other.status_code == 422
    assert other.json()["error"] == "idempotency_key_reused"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_concurrent_retries_with_one_key_create_one_ticket(client, db):
    headers = {**SERVICE, "Idempotency-Key": "storm-1"}

    def post(_: int):
        return client.post("/api/v1/tickets", json=ticket_body(), headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(16)))
    assert sorted({r.status_code for r in responses}) in ([200, 201], [201])
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["code"] for r in responses}) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


BAD_INPUT = [
    ({"description": "x" * 5001}, "description"),
    ({"description": "   "}, "description"),
    ({"citizen": {"name": "A", "phone": "12345"}}, "citizen.phone"),
    ({"citizen": {"name": "A", "phone": "0912345678", "cccd": "12345678901"}}, "citizen.cccd"),
    ({"citizen": {"name": "A", "phone": "0912345678", "cccd": "00109901234X"}}, "citizen.cccd"),
    ({"citizen": {"name": "A", "phone": "0912345678", "bhxh_code": "123"}}, "citizen.bhxh_code"),
    ({"citizen": {"name": "A" * 201, "phone": "0912345678"}}, "citizen.name"),
    ({"kind": "praise"}, "kind"),
    ({"topic": "Pension; DROP TABLE"}, "topic"),
    ({"consent": False}, "consent"),
    ({"conversation_id": "c" * 201}, "conversation_id"),
    ({"unexpected": 1}, "unexpected"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUT)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(client, db, change, field):
    response = client.post("/api/v1/tickets", json=ticket_body(**change), headers=SERVICE)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert field in [d["field"] for d in response.json()["details"]]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"province": "Atlantis"}, "Atlantis"),
        ({"about_unit_code": "no.such.unit"}, "no.such.unit"),
        ({"topic": "no_such_topic"}, "no_such_topic"),
    ],
)
def test_unknown_place_unit_or_topic_is_422(client, change, words):
    response = client.post("/api/v1/tickets", json=ticket_body(**change), headers=SERVICE)
    assert response.status_code == 422
    assert words in response.json()["message"]


def test_malformed_json_is_422(client):
    response = client.post(
        "/api/v1/tickets",
        content=b'{"kind": "complaint",',
        headers={**SERVICE, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "malformed_json"


def test_sql_and_html_are_stored_and_returned_inert(client, db):
    evil = "<script>alert('x')</script> '; DROP TABLE tickets; --"
    body = create(client, description=evil)
    response = client.get(f"/api/v1/tickets/{body['code']}", headers=SERVICE)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["description"] == evil  # returned as data, unchanged
    assert response.headers["x-content-type-options"] == "nosniff"  # never sniffed as HTML
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_vietnamese_text_is_nfc_normalised(client):
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"  # "Nguyễn Văn A" typed with combining marks
    body = create(client, citizen={"name": decomposed, "phone": "0912345678"})
    assert body["citizen"]["name"] == "Nguyễn Văn A"


def test_old_province_name_without_diacritics_routes_to_the_merged_province(client):
    body = create(client, province="binh duong", kind="denunciation", topic="other")
    assert body["unit"]["code"] == "bhxh.ho-chi-minh"
    assert body["province"] == "ho-chi-minh"


def test_routing_preview_explains(client):
    response = client.post(
        "/api/v1/routing/preview",
        json={
            "kind": "complaint",
            "topic": "staff_conduct",
            "province": "Hà Nội",
            "about_unit_code": "bhxh.ha-noi",
        },
        headers=SERVICE,
    )
    assert response.status_code == 200
    assert response.json()["unit"]["code"] != "bhxh.ha-noi"
    assert response.json()["reasons"]


def _concerned(client, **query):
    return client.post("/api/v1/routing/unit-concerned", json=query, headers=SERVICE)


def test_the_office_a_matter_about_staff_concerns(client):
    assert _concerned(client, level="central").json()["code"] == "vss"
    assert _concerned(client, level="province", province="ha noi").json()["code"] == "bhxh.ha-noi"
    served = _concerned(client, level="grassroots", province="TP HCM", commune="Phường Bến Thành")
    assert served.json()["code"] == "bhxh.ho-chi-minh.tan-dinh"
    # a province whose grassroots offices are not loaded: its placeholder office
    assert _concerned(client, level="grassroots", province="Nghệ An").json()["code"] == (
        "bhxh.nghe-an.placeholder")
    # the place does not say which office: none (routing goes to the provincial office)
    assert _concerned(client, level="grassroots", province="TP HCM").json() is None
    assert _concerned(client, level="province", province="Atlantis").status_code == 422
    assert _concerned(client, level="national").status_code == 422


def test_health_and_local_swagger(client):
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["units"] > 34
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert not re.search(r"https?://", docs.text)
    asset = re.search(r'src="([^"]+swagger-ui-bundle\.js)"', docs.text)
    assert asset and client.get(asset.group(1)).status_code == 200
    assert "/api/v1/tickets" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("kind", ["recommendation", "enquiry"])
def test_a_name_may_be_left_out_except_for_complaints_and_denunciations(client, db, kind):
    anonymous = {"name": None, "phone": "0912345678"}
    ticket = create(client, kind=kind, topic="other", citizen=anonymous)
    assert ticket["citizen"]["name"] == ""
    for required in ("complaint", "denunciation"):
        refused = client.post("/api/v1/tickets", headers=SERVICE,
                              json=ticket_body(kind=required, citizen=anonymous))
        assert refused.status_code == 422
        assert refused.json()["details"][0]["field"] == "citizen"
        assert "họ tên" in refused.json()["message"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
