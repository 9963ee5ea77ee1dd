"""Outbox notifications for the assistant, and the CSV export."""

from __future__ import annotations

import csv
import io

from tests.conftest import CITIZEN, SERVICE, create


def test_status_changes_and_replies_queue_notifications(client, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client, channel="zalo", conversation_id="zalo-42")["code"]
    assert client.get("/api/v1/outbox", headers=SERVICE).json() == []
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    client.post(f"/api/v1/tickets/{code}/reply", json={"body": "Đang xử lý"}, headers=officer)
    items = client.get("/api/v1/outbox?limit=10", headers=SERVICE).json()
    assert [i["event"] for i in items] == ["status_changed", "staff_reply"]
    assert {(i["ticket_code"], i["channel"], i["conversation_id"]) for i in items} == {
        (code, "zalo", "zalo-42")
    }
    assert items[0]["payload"]["state"] == "accepted"
    # facts, not sentences: the assistant words them in the citizen's language
    assert items[0]["payload"]["unit"] == "bhxh.ha-noi" and items[0]["payload"]["language"] == "vi"
    assert items[1]["payload"]["message"] == "Đang xử lý"
    assert not any(key.startswith("text") for i in items for key in i["payload"])
    assert "phone" not in str(items)


def test_fetch_limit_and_ack(client, staff):
    officer = staff("bhxh.ha-noi")
    for _ in range(3):
        client.post(f"/api/v1/tickets/{create(client)['code']}/accept", headers=officer)
    first = client.get("/api/v1/outbox?limit=2", headers=SERVICE).json()
    assert len(first) == 2
    ack = client.post(f"/api/v1/outbox/{first[0]['id']}/ack", headers=SERVICE)
    assert ack.json() == {"id": first[0]["id"], "delivered": True, "already_acknowledged": False}
    again = client.post(f"/api/v1/outbox/{first[0]['id']}/ack", headers=SERVICE)
    assert again.json()["already_acknowledged"] is True
    rest = client.get("/api/v1/outbox?limit=10", headers=SERVICE).json()
    assert first[0]["id"] not in [i["id"] for i in rest] and len(rest) == 2
    assert client.post("/api/v1/outbox/999999/ack", headers=SERVICE).status_code == 404
    assert client.get("/api/v1/outbox?limit=0", headers=SERVICE).status_code == 422


def test_one_tickets_outbox_with_delivery_state(client, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client, channel="zalo", conversation_id="zalo-7")["code"]
    other = create(client)["code"]
    url = f"/api/v1/tickets/{code}/outbox"
    assert client.get(url, headers=SERVICE).json() == []  # creating queues no notification
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    client.post(f"/api/v1/tickets/{code}/reply", json={"body": "Đang xử lý"}, headers=officer)
    client.post(f"/api/v1/tickets/{other}/accept", headers=officer)
    pending = client.get("/api/v1/outbox?limit=10", headers=SERVICE).json()
    first = next(i for i in pending if i["ticket_code"] == code)
    assert client.post(f"/api/v1/outbox/{first['id']}/ack", headers=SERVICE).status_code == 200

    response = client.get(url, headers=SERVICE)
    assert response.status_code == 200
    items = response.json()
    assert [i["event"] for i in items] == ["status_changed", "staff_reply"]
    assert {(i["ticket_code"], i["channel"], i["conversation_id"]) for i in items} == {
        (code, "zalo", "zalo-7")
    }
    assert [i["state"] for i in items] == ["delivered", "pending"]
    assert items[0]["id"] == first["id"] and items[0]["delivered_at"] is not None
    assert items[1]["delivered_at"] is None
    assert items[1]["payload"]["message"] == "Đang xử lý"
    assert "phone" not in str(items)
    # Delivered entries stay listed here but leave the pending feed.
    assert first["id"] not in [
        i["id"] for i in client.get("/api/v1/outbox", headers=SERVICE).json()
    ]


def test_one_tickets_outbox_unknown_code_and_callers(client, staff):
    unknown = client.get("/api/v1/tickets/BHXH-2020-999999/outbox", headers=SERVICE)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"
    assert "BHXH-2020-999999" in unknown.json()["message"]
    code = create(client)["code"]
    assert client.get(f"/api/v1/tickets/{code}/outbox").status_code == 401
    officer = staff("bhxh.ha-noi")  # the outbox belongs to the assistant, not to staff
    assert client.get(f"/api/v1/tickets/{code}/outbox", headers=officer).status_code == 401


def test_csv_export_is_scoped_masked_and_formula_safe(client, staff):
    hanoi = staff("bhxh.ha-noi")
    code = create(client, description='=HYPERLINK("http://evil","x")')["code"]
    create(client, province="Huế")
    response = client.get("/api/v1/staff/tickets.csv", headers=hanoi)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == [code]
    assert rows[0]["citizen_phone"] == "******5678"
    assert rows[0]["description"].startswith("'=HYPERLINK")
    assert rows[0]["citizen_name"] == "Nguyễn Văn A"


def test_csv_export_is_for_staff_only(client):
    assert client.get("/api/v1/staff/tickets.csv", headers=SERVICE).status_code == 403


def test_a_failed_delivery_is_recorded_retried_after_a_back_off_then_given_up(
    client, staff, clock
):
    officer = staff("bhxh.ha-noi")
    code = create(client, channel="zalo", conversation_id="zalo-9")["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    (item,) = [i for i in client.get("/api/v1/outbox", headers=SERVICE).json()
               if i["ticket_code"] == code]
    url = f"/api/v1/outbox/{item['id']}/fail"

    def due() -> bool:
        return item["id"] in [i["id"] for i in client.get("/api/v1/outbox",
                                                          headers=SERVICE).json()]

    failed = client.post(url, json={"error": "Zalo answered 500"}, headers=SERVICE).json()
    assert failed["state"] == "retrying" and failed["attempts"] == 1
    assert failed["last_error"] == "Zalo answered 500" and failed["next_attempt_at"]
    assert not due()
    clock.advance(seconds=29)
    assert not due()
    clock.advance(seconds=2)  # 30 s after the first failure
    assert due()
    for attempt in range(2, 11):
        answer = client.post(url, json={"error": f"try {attempt}"}, headers=SERVICE).json()
        clock.advance(hours=1)
    assert answer["state"] == "failed" and answer["attempts"] == 10
    assert not due()  # given up: no longer offered, still listed with its history
    listed = client.get(f"/api/v1/tickets/{code}/outbox", headers=SERVICE).json()
    assert [(i["state"], i["attempts"], i["last_error"]) for i in listed] == [
        ("failed", 10, "try 10")]


def test_delivery_failures_of_delivered_unknown_or_malformed_reports(client, staff):
    officer = staff("bhxh.ha-noi")
    code = create(client)["code"]
    client.post(f"/api/v1/tickets/{code}/accept", headers=officer)
    (item,) = [i for i in client.get("/api/v1/outbox", headers=SERVICE).json()
               if i["ticket_code"] == code]
    client.post(f"/api/v1/outbox/{item['id']}/ack", headers=SERVICE)
    late = client.post(f"/api/v1/outbox/{item['id']}/fail", json={"error": "x"}, headers=SERVICE)
    assert late.json()["state"] == "delivered" and late.json()["attempts"] == 0
    unknown = client.post("/api/v1/outbox/999999/fail", json={"error": "x"}, headers=SERVICE)
    assert unknown.status_code == 404
    for body in ({"error": ""}, {"error": "x" * 501}, {}):
        bad = client.post(f"/api/v1/outbox/{item['id']}/fail", json=body, headers=SERVICE)
        assert bad.status_code == 422
    assert client.post(f"/api/v1/outbox/{item['id']}/fail", json={"error": "x"}).status_code == 401


def test_the_citizen_is_told_the_new_office_the_moved_deadline_and_how_long_to_reopen(
    client, staff, clock
):
    officer = staff("bhxh.ha-noi")
    code = create(client)["code"]
    for step, body in (("accept", None), ("claim", None),
                       ("request-info", {"body": "Xin gửi số sổ BHXH."})):
        client.post(f"/api/v1/tickets/{code}/{step}", json=body, headers=officer)
    clock.advance(days=3)  # working days paused (the suite starts on a Monday morning)
    answer = {**CITIZEN, "phone_last4": "5678", "body": "Số sổ 0123456789"}
    assert client.post(f"/api/v1/tickets/{code}/citizen-messages", json=answer,
                       headers=SERVICE).status_code == 201
    client.post(f"/api/v1/tickets/{code}/transfer", headers=officer,
                json={"to_unit_code": "bhxh.nghe-an", "reason": "Cư trú ở Nghệ An"})
    handler = staff("bhxh.nghe-an")
    client.post(f"/api/v1/tickets/{code}/claim", headers=handler)
    client.post(f"/api/v1/tickets/{code}/resolve", json={"resolution": "Đã giải quyết xong."},
                headers=handler)
    items = client.get("/api/v1/outbox?limit=20", headers=SERVICE).json()
    moved = next(i["payload"] for i in items if i["event"] == "deadline_moved")
    assert moved["paused_working_days"] == 3
    assert moved["resolution_due"] == client.get(
        f"/api/v1/tickets/{code}", headers=SERVICE).json()["deadlines"]["resolution"]
    transfer = next(i["payload"] for i in items if i["payload"].get("to_unit"))
    assert transfer["to_unit_name_vi"] == "Bảo hiểm xã hội tỉnh Nghệ An"
    assert transfer["to_unit_name_en"] == "Nghệ An Provincial Social Security"
    resolved = next(i["payload"] for i in items if i["payload"].get("state") == "resolved")
    assert resolved["reopen_days"] == 30 and resolved["resolution"] == "Đã giải quyết xong."
