"""GET /api/v1/office-hours: open or closed on the Vietnamese working-day calendar, with the
configured daily periods (TICKETS_OFFICE_HOURS), on a frozen clock."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import SERVICE
from vss_tickets.app import create_app
from vss_tickets.domain.office_hours import parse_office_hours
from vss_tickets.infra.config import ConfigError, Settings

VN = timezone(timedelta(hours=7))
BACKEND = Path(__file__).resolve().parents[1]


def at(client, clock, *moment: int) -> dict:
    """The answer with the clock set to `moment` (year, month, day, hour, minute) in Vietnam."""
    clock.moment = datetime(*moment, tzinfo=VN)
    response = client.get("/api/v1/office-hours", headers=SERVICE)
    assert response.status_code == 200, response.text
    return response.json()


def test_open_at_nine_on_a_working_tuesday(client, clock):
    answer = at(client, clock, 2026, 3, 3, 9, 0)
    assert answer["open"] is True and answer["next_open"] is None
    assert answer["now"].startswith("2026-03-03T09:00:00") and answer["now"].endswith("+07:00")
    assert answer["closes_at"] == "2026-03-03T11:30:00+07:00"
    assert answer["hours"] == "07:30-11:30,13:00-16:30"
    assert answer["timezone"] == "Asia/Ho_Chi_Minh"


def test_closed_at_noon_opens_again_at_one(client, clock):
    answer = at(client, clock, 2026, 3, 3, 12, 0)
    assert answer["open"] is False and answer["closes_at"] is None
    assert answer["next_open"] == "2026-03-03T13:00:00+07:00"


def test_period_boundaries(client, clock):
    assert at(client, clock, 2026, 3, 3, 7, 29)["next_open"] == "2026-03-03T07:30:00+07:00"
    assert at(client, clock, 2026, 3, 3, 7, 30)["open"] is True
    assert at(client, clock, 2026, 3, 3, 11, 30)["open"] is False
    evening = at(client, clock, 2026, 3, 3, 16, 30)
    assert evening["open"] is False and evening["next_open"] == "2026-03-04T07:30:00+07:00"


def test_closed_on_saturday_evening_until_monday_morning(client, clock):
    answer = at(client, clock, 2026, 3, 7, 20, 0)
    assert answer["open"] is False
    assert answer["next_open"] == "2026-03-09T07:30:00+07:00"
    friday = at(client, clock, 2026, 3, 6, 17, 0)
    assert friday["next_open"] == "2026-03-09T07:30:00+07:00"


def test_a_utc_clock_is_read_in_vietnam_time(client, clock):
    clock.moment = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    assert client.get("/api/v1/office-hours", headers=SERVICE).json()["open"] is True


def test_closed_during_tet_until_the_first_working_day_after(client, clock):
    # Tết Bính Ngọ 2026: off Saturday 14/02 to Sunday 22/02.
    answer = at(client, clock, 2026, 2, 17, 9, 0)
    assert answer["open"] is False
    assert answer["next_open"] == "2026-02-23T07:30:00+07:00"
    before = at(client, clock, 2026, 2, 13, 17, 0)  # the Friday evening before
    assert before["next_open"] == "2026-02-23T07:30:00+07:00"


def test_closed_for_30_4_and_open_on_the_make_up_saturday(client, clock):
    # 2025: off 30/4 to 4/5 (Friday 2/5 swapped with Saturday 26/4, a working day).
    answer = at(client, clock, 2025, 4, 30, 9, 0)
    assert answer["open"] is False
    assert answer["next_open"] == "2025-05-05T07:30:00+07:00"
    assert at(client, clock, 2025, 4, 26, 9, 0)["open"] is True
    friday_evening = at(client, clock, 2025, 4, 25, 18, 0)
    assert friday_evening["next_open"] == "2025-04-26T07:30:00+07:00"


def test_configured_hours_are_used(db_url, clock):
    from fastapi.testclient import TestClient

    settings = Settings(database_url=db_url, escalation_interval=0, office_hours=" 08:00-17:00 ")
    with TestClient(create_app(settings, clock)) as client:
        assert at(client, clock, 2026, 3, 3, 12, 0)["open"] is True
        answer = at(client, clock, 2026, 3, 3, 17, 0)
        assert answer["next_open"] == "2026-03-04T08:00:00+07:00"
        assert answer["hours"] == "08:00-17:00"


def test_needs_the_service_token(client, staff):
    assert client.get("/api/v1/office-hours").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/api/v1/office-hours", headers=wrong).status_code == 401
    officer = staff("bhxh.ha-noi")
    assert client.get("/api/v1/office-hours", headers=officer).status_code == 401


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("7:30-11:30", "not a period"),
        ("07:30-11:30;13:00-16:30", "not a period"),
        ("07:30-25:00", "not a period"),
        ("11:30-07:30", "ends before it starts"),
        ("13:00-16:30,07:30-11:30", "overlaps or precedes"),
        ("07:30-12:00,11:30-16:30", "overlaps or precedes"),
        ("07:30-11:30,", "not a period"),
        ("  ", "no opening period"),
    ],
)
def test_malformed_hours_are_refused_with_a_clear_error(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_office_hours(raw)
    with pytest.raises(ConfigError, match=f"TICKETS_OFFICE_HOURS=.*{reason}.*e.g. '07:30-11:30"):
        Settings(office_hours=raw)


def test_malformed_hours_stop_the_service_at_start_up(monkeypatch):
    monkeypatch.setenv("TICKETS_OFFICE_HOURS", "07:30-11:30,13h-16h30")
    with pytest.raises(ConfigError, match="TICKETS_OFFICE_HOURS"):
        Settings.from_env()
    env = {**os.environ, "TICKETS_OFFICE_HOURS": "07:30-11:30,13h-16h30", "TICKETS_PORT": "9"}
    done = subprocess.run(
        [sys.executable, "-m", "vss_tickets.cli", "serve"],
        cwd=BACKEND, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "error: TICKETS_OFFICE_HOURS='07:30-11:30,13h-16h30' is not valid" in done.stderr
    assert "'13h-16h30' is not a period HH:MM-HH:MM" in done.stderr
