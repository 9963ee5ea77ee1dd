"""#16 item 6, accounts: a password policy (at least 12 characters, not a repetition, a sequence
or a common word; a clear error), and the command line to deactivate an account, reset its
password and revoke its sessions, each leaving an audit event. The CLI runs as its own process
on the test database, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.test_server_process import BACKEND
from vss_tickets.domain.models import AuditEvent, Staff
from vss_tickets.domain.passwords import weakness

NEW_PASSWORD = "mưa-phùn-trên-phố-cổ"


def cli(db_url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TICKETS_DATABASE_URL": db_url}
    env.pop("TICKETS_STAFF_PASSWORD", None)
    if password is not None:
        env["TICKETS_STAFF_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "vss_tickets.cli", *args], cwd=BACKEND, env=env,
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def login(client, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def me(client, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return client.get("/api/v1/auth/me", headers=headers).status_code


def staff_events(db) -> list[tuple[str, str, dict]]:
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.ticket_id.is_(None)))
        return [(e.actor, e.action, e.details) for e in rows]


WEAK = [
    "abababababab",
    "abcdefghijkl",
    "123456789012",
    "qwertyuiop12",
    "password1234",
    "Password!2026",
    "matkhau@2026",
    "baohiemxahoi2026",
    "an.nv-an.nv-2026",  # the username
    "pass-word-1234",
]
STRONG = [
    PASSWORD,
    NEW_PASSWORD,
    "cà phê sữa đá ngon",
    "Tr0ub4dor&3x",
    "k9#Lm2$pQ7xZ",
]


def test_the_policy_refuses_repetitions_sequences_common_words_and_the_username():
    assert weakness("short-pass")[1] == "Password must have at least 12 characters"
    for weak in WEAK:
        assert "too easy to guess" in weakness(weak, "an.nv")[1], weak
    for strong in STRONG:
        assert weakness(strong, "an.nv") is None, strong


def test_create_staff_refuses_a_weak_password_with_a_clear_error(db_url, db):
    made = cli(db_url, "create-staff", "--unit", "bhxh.hue", "--role", "officer",
               "--username", "an.nv", password="aaaaaaaaaaaa")  # fmt: skip
    assert made.returncode == 2
    assert "too easy to guess" in made.stderr and "quá dễ đoán" in made.stderr
    assert "aaaaaaaaaaaa" not in made.stdout + made.stderr
    with db.session() as session:
        assert session.scalars(select(Staff)).first() is None


def test_a_passphrase_is_accepted_and_the_creation_audited(db_url, db, client):
    made = cli(db_url, "create-staff", "--unit", "bhxh.hue", "--role", "officer",
               "--username", "an.nv", password=NEW_PASSWORD)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert login(client, "an.nv", NEW_PASSWORD).status_code == 200
    [(actor, action, details)] = staff_events(db)
    assert actor.startswith("cli") and action == "staff_created"
    assert details == {"username": "an.nv", "role": "officer", "unit": "bhxh.hue"}


def test_deactivate_staff_ends_the_sessions_and_the_logins(db_url, db, client, staff):
    opened = staff("bhxh.hue", username="an.nv")  # one session open already
    token = login(client, "an.nv").json()["token"]
    done = cli(db_url, "deactivate-staff", "--username", "an.nv")
    assert done.returncode == 0, done.stderr
    assert "2 sessions revoked" in done.stdout
    assert me(client, token) == 401
    assert client.get("/api/v1/auth/me", headers=opened).status_code == 401
    assert login(client, "an.nv").status_code == 401
    assert staff_events(db)[-1][1:] == ("staff_deactivated",
                                        {"username": "an.nv", "sessions_revoked": 2})  # fmt: skip
    unknown = cli(db_url, "deactivate-staff", "--username", "nobody")
    assert unknown.returncode == 2 and "No account 'nobody'" in unknown.stderr


def test_reset_password_replaces_it_ends_the_sessions_and_lifts_the_lock(db_url, db, client, staff):
    staff("bhxh.hue", username="an.nv")
    token = login(client, "an.nv").json()["token"]
    for _ in range(3):  # the officer forgot the password and is locked out from this address
        login(client, "an.nv", "wrong-wrong-wrong")
    assert login(client, "an.nv").status_code == 429
    weak = cli(db_url, "reset-password", "--username", "an.nv", password="aaaaaaaaaaaa")
    assert weak.returncode == 2 and "too easy to guess" in weak.stderr
    assert me(client, token) == 200  # nothing changed
    reset = cli(db_url, "reset-password", "--username", "an.nv", password=NEW_PASSWORD)
    assert reset.returncode == 0, reset.stderr
    assert me(client, token) == 401
    assert login(client, "an.nv", PASSWORD).status_code == 401
    assert login(client, "an.nv", NEW_PASSWORD).status_code == 200
    assert staff_events(db)[-1][1:] == ("password_reset",
                                        {"username": "an.nv", "sessions_revoked": 2})  # fmt: skip


def test_revoke_sessions_logs_every_session_out(db_url, db, client, staff):
    staff("bhxh.hue", username="an.nv")
    tokens = [login(client, "an.nv").json()["token"] for _ in range(2)]
    revoked = cli(db_url, "revoke-sessions", "--username", "an.nv")
    assert revoked.returncode == 0, revoked.stderr
    assert [me(client, t) for t in tokens] == [401, 401]
    assert login(client, "an.nv").status_code == 200  # the account itself stays
    assert staff_events(db)[-1][1:] == ("sessions_revoked",
                                        {"username": "an.nv", "sessions_revoked": 3})  # fmt: skip
