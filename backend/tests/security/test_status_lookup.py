"""#16 item 5: the citizen's status lookup can neither be brute-forced nor blocked by a
stranger. Failures are kept in the database (across restarts and workers) and limited per
(code, conversation), per conversation and per citizen address; the phone digits alone are also
limited per code, and past that the receipt token returned at creation (stored hashed) still
works; the digits are four ASCII digits or a clear 422."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import MONDAY, SERVICE, create
from vss_tickets.app import create_app
from vss_tickets.domain.models import FailedAttempt, Ticket

RIGHT = "5678"  # the last four digits of the test ticket's phone, 0912345678
RECEIPT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def check(client: TestClient, code: str, sender: str = "conv-1", **proof: str):
    """The assistant asking, for conversation `sender`, whether `proof` opens ticket `code`."""
    body = {"conversation_id": sender, **proof}
    return client.post(f"/api/v1/tickets/{code}/citizen-view", json=body, headers=SERVICE)


def failures(db) -> list[FailedAttempt]:
    with db.session() as session:
        return list(session.scalars(select(FailedAttempt).order_by(FailedAttempt.id)))


def test_failures_are_kept_in_the_database_across_a_restart(settings, clock, db):
    with TestClient(create_app(settings, clock)) as first:
        code = create(first)["code"]
        for _ in range(3):
            assert check(first, code, phone_last4="0000").status_code == 404
    with TestClient(create_app(settings, clock)) as restarted:  # a new worker, same database
        locked = check(restarted, code, phone_last4=RIGHT)
    assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"
    rows = failures(db)
    assert [(r.kind, r.subject, r.sender, r.factor, r.at) for r in rows] == [
        ("lookup", code, "conv-1", "digits", MONDAY)
    ] * 3


def test_a_stranger_cannot_lock_the_citizen_out(client):
    code = create(client)["code"]
    for _ in range(3):
        assert check(client, code, "stranger", phone_last4="0000").status_code == 404
    assert check(client, code, "stranger", phone_last4=RIGHT).status_code == 429
    assert check(client, code, "conv-1", phone_last4=RIGHT).status_code == 200


def test_one_conversation_cannot_try_many_codes(client):
    code = create(client)["code"]
    for number in range(2, 12):  # ten other codes, in sequence, once each
        probe = check(client, f"BHXH-2026-{number:06d}", "prober", phone_last4=RIGHT)
        assert probe.status_code == 404
    assert check(client, code, "prober", phone_last4=RIGHT).status_code == 429
    assert check(client, code, "conv-1", phone_last4=RIGHT).status_code == 200


def test_many_conversations_from_one_address_are_limited(client):
    code = create(client)["code"]
    web = "203.0.113.7"
    for i in range(30):  # a new conversation for every guess, all from one address
        probe = check(client, f"BHXH-2026-{i + 2:06d}", f"web-{i}", phone_last4=RIGHT,
                      client_address=web)  # fmt: skip
        assert probe.status_code == 404
    again = check(client, code, "web-30", phone_last4=RIGHT, client_address=web)
    assert again.status_code == 429 and again.json()["error"] == "too_many_attempts"
    elsewhere = check(client, code, "web-31", phone_last4=RIGHT, client_address="2001:db8::1")
    assert elsewhere.status_code == 200


def test_digits_alone_lock_per_code_but_the_receipt_still_opens_it(client):
    ticket = create(client)
    code, receipt = ticket["code"], ticket["receipt"]
    for i in range(10):  # a distributed guess: every try from its own conversation and address
        guess = check(client, code, f"bot-{i}", phone_last4=f"{i:04d}",
                      client_address=f"198.51.100.{i}")  # fmt: skip
        assert guess.status_code == 404
    digits = check(client, code, "conv-1", phone_last4=RIGHT)
    assert digits.status_code == 429 and digits.json()["error"] == "receipt_required"
    assert "receipt" in digits.json()["message"]
    assert check(client, code, "conv-1", receipt=receipt).status_code == 200
    assert check(client, code, "conv-1", receipt=receipt, phone_last4=RIGHT).status_code == 200


def test_the_receipt_is_given_at_creation_stored_hashed_and_proves_the_ticket(client, db):
    ticket = create(client)
    code, receipt = ticket["code"], ticket["receipt"]
    assert RECEIPT.fullmatch(receipt)
    with db.session() as session:
        stored = session.scalar(select(Ticket.receipt_hash).where(Ticket.code == code))
    assert stored == hashlib.sha256(receipt.replace("-", "").encode()).hexdigest()
    read = client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()
    assert "receipt" not in read and receipt.replace("-", "") not in str(read)
    typed = receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    opened = check(client, code, "another-conversation", receipt=typed)
    assert opened.status_code == 200 and opened.json()["code"] == code
    other = create(client)["receipt"]
    wrong = check(client, code, receipt=other)
    unknown = check(client, "BHXH-2026-999999", receipt=receipt)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    both_given = check(client, code, receipt=receipt, phone_last4="0000")
    assert both_given.status_code == 404  # when both are given, both must match


def test_the_receipt_works_for_every_citizen_action(client, staff):
    officer = staff("bhxh.ha-noi")
    ticket = create(client)
    code, proof = ticket["code"], {"conversation_id": "c", "receipt": ticket["receipt"]}
    added = {**proof, "body": "Tôi bổ sung giấy tờ"}
    message = client.post(f"/api/v1/tickets/{code}/citizen-messages", json=added, headers=SERVICE)
    assert message.status_code == 201
    for path, body in (("accept", {}), ("claim", {}), ("resolve", {"resolution": "Đã chi trả"})):
        client.post(f"/api/v1/tickets/{code}/{path}", json=body, headers=officer)
    rated = client.post(f"/api/v1/tickets/{code}/rating", json={**proof, "rating": 5},
                        headers=SERVICE)  # fmt: skip
    assert rated.status_code == 200
    reopened = client.post(f"/api/v1/tickets/{code}/citizen-reopen",
                           json={**proof, "reason": "Chưa nhận tiền"}, headers=SERVICE)  # fmt: skip
    assert reopened.status_code == 200 and reopened.json()["state"] == "in_progress"


def test_digits_must_be_four_ascii_digits_and_some_proof_is_needed(client):
    code = create(client)["code"]
    for proof, field in (
        ({"phone_last4": "５６７８"}, "phone_last4"),  # fullwidth digits
        ({"phone_last4": "٥٦٧٨"}, "phone_last4"),  # Arabic-Indic digits
        ({"phone_last4": "567"}, "phone_last4"),
        ({"receipt": "not-a-receipt"}, "receipt"),
        ({}, ""),  # neither the digits nor the receipt
    ):
        refused = check(client, code, **proof)
        assert refused.status_code == 422, (proof, refused.text)
        assert refused.json()["error"] == "validation_error"
        assert refused.json()["details"][0]["field"] == field
    assert "0-9" in check(client, code, phone_last4="５６７８").json()["message"]
    no_sender = client.post(f"/api/v1/tickets/{code}/citizen-view", json={"phone_last4": RIGHT},
                            headers=SERVICE)  # fmt: skip
    assert no_sender.status_code == 422
    long_code = check(client, "BHXH-" + "9" * 300, phone_last4=RIGHT)
    assert long_code.status_code == 422


def test_concurrent_guesses_are_counted_before_they_are_checked(client):
    code = create(client)["code"]

    def guess(i: int) -> int:
        return check(client, code, "racer", phone_last4=f"{i:04d}").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(guess, range(16)))
    assert answers.count(404) <= 3 and answers.count(404) + answers.count(429) == 16


def test_failures_age_out_and_are_deleted_after_the_retention(client, clock, db, settings):
    code = create(client)["code"]
    for _ in range(3):
        check(client, code, phone_last4="0000")
    assert check(client, code, phone_last4=RIGHT).status_code == 429
    clock.advance(seconds=settings.verify_lock_seconds + 1)
    assert check(client, code, phone_last4=RIGHT).status_code == 200  # a success is not kept
    assert len(failures(db)) == 3  # still counted per code for a day
    clock.advance(seconds=settings.failure_retention_seconds)
    check(client, code, "conv-2", phone_last4="0000")  # the next attempt deletes the old ones
    assert [(r.sender, r.at) for r in failures(db)] == [("conv-2", clock.now())]


def test_the_limits_are_settings(settings, clock, db):
    strict = replace(settings, verify_max_failures=1)
    with TestClient(create_app(strict, clock)) as client:
        code = create(client)["code"]
        assert check(client, code, phone_last4="0000").status_code == 404
        assert check(client, code, phone_last4=RIGHT).status_code == 429
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(FailedAttempt)) == 1
