"""Personal data in the conversation store (issue #16, item 7).

Before: after one filing the tracker database held the phone, CCCD and BHXH code in clear in
user, slot and bot events, forever, in a 0644 file, and numbers typed in the description reached
the ticket service unmasked. Now the store (bot/rasa_plugins/tracker_store.py, on SQLite and
PostgreSQL) keeps events masked while the running form keeps its values, ``purge-conversations``
deletes what is past its retention, the assistant's SQLite files are 0600, and the description
leaves the assistant masked (the structured phone and CCCD/BHXH code travel in their own fields)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ActionSubmitTicket
from bot.common.clock import CLOCK_FILE, write_clock_file
from bot.common.settings import ROOT
from bot.rasa_plugins.tracker_store import MaskingTrackerStore
from tests.e2e.conftest import Chat
from tests.fake_tickets import FakeTicketService
from tests.instants import VN
from tests.stack import BOT_PY, Stack
from tests.trackers import FORM_SLOTS_FILLED, make_tracker

PHONE, CCCD, BHXH_CODE = "0912345678", "001099012345", "0101234567"
TYPED_PHONE = "0912 345 678"
CLEAR = (PHONE, CCCD, BHXH_CODE, TYPED_PHONE)
DOMAIN = Domain.load(ROOT / "domain.yml")
# The instant the store's clock reads in the retention tests (a Monday morning in Vietnam).
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=VN)
DAY = 86400.0


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def store(url: str) -> MaskingTrackerStore:
    return MaskingTrackerStore(domain=DOMAIN, host=url)


def stored_rows(url: str) -> dict[str, str]:
    """Every row of every table of the store's database as text (what SELECT can see), by
    table."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {table: "\n".join(str(tuple(row)) for row in connection.execute(
                        sa.text(f"SELECT * FROM {table}")))
                    for table in sa.inspect(engine).get_table_names()}
    finally:
        engine.dispose()


def stored_events(url: str, sender: str) -> list[dict[str, Any]]:
    """The events of one conversation as stored."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [json.loads(data) for (data,) in connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender})]
    finally:
        engine.dispose()


def file_bytes(url: str) -> bytes:
    """The SQLite file with its journals, as bytes (deleted rows included, if left over)."""
    path = Path(sa.engine.make_url(url).database or "")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def conversation(sender: str, *events: Event) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    return tracker


SUBMISSION = {"payload": {"description": "Lương hưu tháng 10 chưa được chi trả đủ.",
                          "citizen": {"name": "Trần Văn Hùng", "phone": PHONE, "cccd": CCCD,
                                      "bhxh_code": None}},
              "key": "rasa-0123456789abcdef0123456789abcdef01234567"}


def form_filling() -> list[Event]:
    """A citizen typing the phone, CCCD and BHXH code; the form's slots and summary."""
    return [
        ActionExecuted("action_listen"),
        UserUttered(f"SĐT của tôi là {TYPED_PHONE}", intent={"name": "inform"},
                    entities=[{"entity": "phone", "value": TYPED_PHONE, "start": 15, "end": 27}]),
        SlotSet("phone", PHONE),
        UserUttered(f"CCCD {CCCD}, sổ BHXH {BHXH_CODE}", intent={"name": "inform"}),
        SlotSet("id_number", CCCD),
        BotUttered(f"Số điện thoại: {PHONE}\nCCCD: {CCCD}",
                   data={"buttons": [{"title": "Gửi", "payload": "/affirm"}]}),
        SlotSet("submission", SUBMISSION),
    ]


def test_events_are_stored_masked_and_the_form_keeps_its_values(tracker_db_url: str) -> None:
    conversations = store(tracker_db_url)
    run(conversations.save(conversation("zalo-1", *form_filling())))

    rows = stored_rows(tracker_db_url)
    assert not any(number in rows["events"] for number in CLEAR), rows["events"]
    events = stored_events(tracker_db_url, "zalo-1")
    typed_phone, typed_ids = (e for e in events if e["event"] == "user")
    assert typed_phone["text"] == typed_phone["parse_data"]["text"] == "SĐT của tôi là ********78"
    assert typed_phone["parse_data"]["entities"][0]["value"] == "********78"
    assert typed_ids["text"] == "CCCD **********45, sổ BHXH ********67"
    stored = {(e["event"], e.get("name")): e for e in events}
    assert stored["bot", None]["text"] == "Số điện thoại: ********78\nCCCD: **********45"
    assert stored["slot", "phone"]["value"] == "********78"
    assert stored["slot", "submission"]["value"]["payload"]["citizen"]["phone"] == "********78"
    # Kept apart, once each, while the form runs: what the ticket needs.
    assert rows["clear_slot_values"].count(PHONE) == 2  # the phone slot, the submission

    tracker = run(store(tracker_db_url).retrieve("zalo-1"))  # as Rasa at the next message
    assert tracker.get_slot("phone") == PHONE and tracker.get_slot("id_number") == CCCD
    assert tracker.get_slot("submission") == SUBMISSION
    assert tracker.copy().get_slot("phone") == PHONE  # Rasa replays the events to copy
    assert tracker.events[1].text == "SĐT của tôi là ********78"


def test_nothing_personal_is_left_once_the_ticket_is_filed(tracker_db_url: str) -> None:
    conversations = store(tracker_db_url)
    tracker = conversation("zalo-2", *form_filling())
    run(conversations.save(tracker))

    tracker = run(conversations.retrieve("zalo-2"))
    for event in (SlotSet("phone", None), SlotSet("id_number", None),
                  SlotSet("submission", None), SlotSet("ticket_phone_last4", "5678")):
        tracker.update(event)
    run(conversations.save(tracker))

    rows = "\n".join(stored_rows(tracker_db_url).values())
    assert not any(number in rows for number in CLEAR), rows
    if tracker_db_url.startswith("sqlite"):  # not even in the file's free pages
        assert not any(number.encode() in file_bytes(tracker_db_url) for number in CLEAR)
    assert run(conversations.retrieve("zalo-2")).get_slot("ticket_phone_last4") == "5678"


@pytest.fixture
def clock_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``clock_at(instant)`` sets this process's clock (bot/common/clock.py) to ``instant``."""
    path = tmp_path / "clock"
    monkeypatch.setenv(CLOCK_FILE, str(path))
    monkeypatch.delenv("APP_ENV", raising=False)
    yield lambda instant: write_clock_file(path, instant)


def at(moment: datetime, *events: Event) -> list[Event]:
    """``events`` stamped a second apart from ``moment``."""
    for i, event in enumerate(events):
        event.timestamp = moment.timestamp() + i
    return list(events)


def session() -> tuple[Event, ...]:
    """The events starting a session."""
    return SessionStarted(), ActionExecuted("action_listen")


def stored_count(url: str, sender: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                      {"s": sender}).scalar_one()
    finally:
        engine.dispose()


def test_purge_deletes_what_is_past_its_retention(tracker_db_url: str, clock_at: Any) -> None:
    conversations = store(tracker_db_url)
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=1)
    run(conversations.save(conversation("idle", *at(old, *session(), UserUttered("xin chào")))))
    returning = conversation("returning", *at(old, *session(), UserUttered("hỏi lần đầu")))
    for event in at(recent, *session(), UserUttered("hỏi lần hai")):
        returning.update(event)
    run(conversations.save(returning))
    long_session = conversation("long-session", *at(old, *session(), UserUttered("chờ cán bộ")))
    long_session.update(at(recent, UserUttered("vẫn chờ"))[0])  # a session 40 days long
    run(conversations.save(long_session))

    clock_at(NOW)
    purged = conversations.purge(30)

    assert (purged.conversations, purged.events) == (1, 3 + 3)
    assert run(conversations.retrieve("idle")) is None
    kept = run(conversations.retrieve_full_tracker("returning"))
    assert [e.text for e in kept.events if isinstance(e, UserUttered)] == ["hỏi lần hai"]
    assert stored_count(tracker_db_url, "long-session") == 4  # its current session stays whole
    assert conversations.purge(30) == type(purged)(0, 0, 0)


def test_clear_values_of_an_expired_session_are_forgotten_not_masked(
    tracker_db_url: str, clock_at: Any
) -> None:
    conversations = store(tracker_db_url)
    clock_at(NOW)
    run(conversations.save(conversation("abandoned", *at(NOW, *form_filling()))))
    clock_at(NOW + timedelta(minutes=59))  # the session (60 minutes, domain.yml) may go on
    assert conversations.purge(30).clear_values == 0
    assert run(conversations.retrieve("abandoned")).get_slot("phone") == PHONE

    clock_at(NOW + timedelta(minutes=61))
    assert conversations.purge(30).clear_values == 3
    tracker = run(conversations.retrieve("abandoned"))
    assert tracker.get_slot("phone") is None and tracker.get_slot("id_number") is None
    assert tracker.get_slot("submission") is None  # never "********78": the form asks again
    assert PHONE not in "\n".join(stored_rows(tracker_db_url).values())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_purge_command_and_file_modes(tmp_path: Path) -> None:
    """The real command: SQLite files made before are made 0600, new ones are created so."""
    channels, feedback = tmp_path / "channels.db", tmp_path / "feedback.db"
    for path in (channels, feedback, tmp_path / "channels.db-wal"):
        path.write_bytes(b"")
        path.chmod(0o644)
    tracker = tmp_path / "tracker.db"
    env = {**os.environ, "APP_ENV": "development", "TRACKER_DB_URL": f"sqlite:///{tracker}",
           "CHANNELS_STATE_DB": str(channels), "KNOWLEDGE_FEEDBACK_DB": str(feedback)}
    env.pop(CLOCK_FILE, None)
    done = subprocess.run([str(BOT_PY), "-m", "bot.cli", "purge-conversations",
                           "--older-than-days", "30"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Older than 30 days: 0 conversations and 0 events deleted" in done.stdout
    assert {p.name: _mode(p) for p in tmp_path.iterdir()} == {
        "tracker.db": 0o600, "channels.db": 0o600, "channels.db-wal": 0o600,
        "feedback.db": 0o600}

    refused = subprocess.run([str(BOT_PY), "-m", "bot.cli", "purge-conversations",
                              "--older-than-days", "0.5"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "younger than one day" in refused.stderr


def test_numbers_typed_in_the_description_leave_the_assistant_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = FakeTicketService().start()
    monkeypatch.setenv("TICKETS_URL", service.url)
    try:
        described = f"Gọi tôi số {TYPED_PHONE}, sổ BHXH {BHXH_CODE}, phiếu BHXH-2026-000001."
        tracker = make_tracker({**FORM_SLOTS_FILLED, "description": described})
        ActionSubmitTicket().run(CollectingDispatcher(), tracker, {})
    finally:
        service.stop()
    (create,) = [r for r in service.requests if r["path"] == "/api/v1/tickets"]
    body = create["body"]
    assert body["description"] == (
        "Gọi tôi số ********78, sổ BHXH ********67, phiếu BHXH-2026-000001.")
    assert body["citizen"]["phone"] == PHONE and body["citizen"]["cccd"] == CCCD


# --- through the running processes ------------------------------------------------------------

DESCRIPTION = f"Luong huu thang 10 chua duoc chi tra du, so BHXH cua toi la {BHXH_CODE}."


@pytest.mark.e2e
def test_a_filing_leaves_the_tracker_database_without_personal_numbers(
    stack: Stack, stack_logs_on_failure: None
) -> None:
    chat = Chat(stack)
    chat.say_text("toi muon khieu nai ve luong huu")
    for answer in (DESCRIPTION, "ha noi", "bo qua", "Tran Van Hung", TYPED_PHONE, CCCD,
                   "dong y"):
        chat.say_text(answer)
    receipt = chat.say_text("/affirm")
    code = re.search(r"BHXH-\d{4}-\d{6}", receipt).group()

    tracker_db = stack.workdir / "tracker.db"
    with closing(sqlite3.connect(tracker_db)) as db:
        stored = json.dumps(db.execute("SELECT data FROM events WHERE sender_id = ?",
                                       (chat.sender,)).fetchall(), ensure_ascii=False)
    assert "********78" in stored and "**********45" in stored and "********67" in stored
    deadline = time.monotonic() + 10
    while any(n.encode() in file_bytes(f"sqlite:///{tracker_db}") for n in CLEAR):
        assert time.monotonic() < deadline, "a personal number is in the tracker database"
        time.sleep(0.5)

    tickets_db = stack.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{tickets_db}?mode=ro", uri=True)) as db:
        phone, cccd, bhxh_code, description = db.execute(
            "SELECT citizen_phone, citizen_cccd, citizen_bhxh_code, description FROM tickets"
            " WHERE code = ?", (code,)).fetchone()
    # The structured fields, for the officers: the form may take the BHXH code the description
    # gives as the citizen's number (several details in one message fill several fields).
    assert phone == PHONE and (cccd, bhxh_code) in ((CCCD, None), (None, BHXH_CODE))
    assert BHXH_CODE not in description and "********67" in description
    assert _mode(tracker_db) == 0o600 and _mode(stack.workdir / "channels.db") == 0o600
