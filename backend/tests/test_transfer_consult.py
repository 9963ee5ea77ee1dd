"""Transfers (reason, no ping-pong, conflict of interest) and consultations between units."""

from __future__ import annotations

from tests.conftest import SERVICE, create
from vss_tickets.domain.escalation import run_escalation
from vss_tickets.infra.clock import FrozenClock


def transfer(client, code, headers, to_unit, reason="Không thuộc thẩm quyền"):
    return client.post(
        f"/api/v1/tickets/{code}/transfer",
        json={"to_unit_code": to_unit, "reason": reason},
        headers=headers,
    )


def test_transfer_needs_a_reason_and_a_known_unit(client, staff):
    hanoi = staff("bhxh.ha-noi")
    code = create(client)["code"]
    assert transfer(client, code, hanoi, "bhxh.hue", reason="").status_code == 422
    assert transfer(client, code, hanoi, "no.such.unit").status_code == 422
    assert transfer(client, code, hanoi, "bhxh.ha-noi").status_code == 409
    ticket = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert ticket["unit"]["code"] == "bhxh.ha-noi" and ticket["transfer_count"] == 0


def test_third_transfer_needs_a_supervisor_of_the_common_parent(client, staff):
    hanoi, hue = staff("bhxh.ha-noi"), staff("bhxh.hue")
    hanoi_supervisor = staff("bhxh.ha-noi", "supervisor")
    vss_supervisor = staff("vss", "supervisor", username="lanh.dao.vss")
    code = create(client)["code"]
    assert transfer(client, code, hanoi, "bhxh.hue").status_code == 200
    assert transfer(client, code, hue, "bhxh.ha-noi").status_code == 200
    refused = transfer(client, code, hanoi, "bhxh.hue")
    assert refused.status_code == 403
    assert "vss" in refused.json()["message"]
    assert transfer(client, code, hanoi_supervisor, "bhxh.hue").status_code == 403
    approved = transfer(client, code, vss_supervisor, "bhxh.hue", reason="Lãnh đạo quyết định")
    assert approved.status_code == 200
    ticket = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert ticket["unit"]["code"] == "bhxh.hue" and ticket["transfer_count"] == 3
    transfers = [e for e in ticket["audit"] if e["action"] == "transfer"]
    assert [e["reason"] for e in transfers][-1] == "Lãnh đạo quyết định"
    assert transfers[-1]["details"]["approved_by"] == "lanh.dao.vss"
    assert transfers[-1]["details"]["common_parent"] == "vss"


def test_complaint_about_a_unit_never_goes_to_that_unit(client, staff):
    body = create(client, topic="staff_conduct", about_unit_code="bhxh.ha-noi")
    assert body["unit"]["code"] != "bhxh.ha-noi"
    owner = staff(body["unit"]["code"], "admin")
    response = transfer(client, body["code"], owner, "bhxh.ha-noi")
    assert response.status_code == 409
    assert "unit it is about" in response.json()["message"]


def test_consultation_answered_by_the_consulted_unit(client, staff):
    hanoi, policy = staff("bhxh.ha-noi"), staff("vss.si_policy")
    code = create(client)["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=hanoi)
    asked = client.post(
        f"/api/v1/tickets/{code}/consult",
        json={"to_unit_code": "vss.si_policy", "question": "Cách tính?", "due_in_working_days": 3},
        headers=hanoi,
    )
    assert asked.status_code == 201
    assert asked.json()["due_on"] == "2026-03-05"  # Monday + 3 working days
    queue = client.get("/api/v1/staff/consultations", headers=policy).json()
    assert [c["ticket_code"] for c in queue] == [code]
    seen = client.get(f"/api/v1/tickets/{code}", headers=policy)
    assert seen.status_code == 200 and seen.json()["citizen"]["phone"] == "******5678"
    answer = client.post(
        f"/api/v1/consultations/{queue[0]['id']}/answer",
        json={"answer": "Theo Điều 66."},
        headers=policy,
    )
    assert answer.status_code == 200 and answer.json()["status"] == "answered"
    again = client.post(
        f"/api/v1/consultations/{queue[0]['id']}/answer", json={"answer": "x"}, headers=policy
    )
    assert again.status_code == 409
    audit = client.get(f"/api/v1/tickets/{code}", headers=hanoi).json()["audit"]
    assert [e["action"] for e in audit][-2:] == ["consult", "consultation_answered"]
    assert audit[-1]["details"]["on_time"] is True


def test_only_the_consulted_unit_may_answer(client, staff):
    hanoi, hue = staff("bhxh.ha-noi"), staff("bhxh.hue")
    code = create(client)["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=hanoi)
    cid = client.post(
        f"/api/v1/tickets/{code}/consult",
        json={"to_unit_code": "vss.si_policy", "question": "?"},
        headers=hanoi,
    ).json()["id"]
    response = client.post(f"/api/v1/consultations/{cid}/answer", json={"answer": "x"}, headers=hue)
    assert response.status_code == 404


def test_overdue_consultation_is_reported_once(client, staff, db, clock: FrozenClock):
    hanoi = staff("bhxh.ha-noi")
    code = create(client)["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=hanoi)
    client.post(
        f"/api/v1/tickets/{code}/consult",
        json={"to_unit_code": "vss.si_policy", "question": "?", "due_in_working_days": 1},
        headers=hanoi,
    )
    clock.advance(days=3)
    assert len(run_escalation(db, clock).consultations) == 1
    assert run_escalation(db, clock).consultations == []
    audit = client.get(f"/api/v1/tickets/{code}", headers=hanoi).json()["audit"]
    assert audit[-1]["action"] == "consultation_overdue"
    assert audit[-1]["details"]["to_unit"] == "vss.si_policy"
