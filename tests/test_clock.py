"""The one clock of the assistant's processes, and its agreement with the ticket service's."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.common import clock
from bot.common.settings import Settings
from tests.instants import DAY_BEFORE_TET, NEW_YEARS_EVE, VN
from tests.stack import TICKETS_PY


@pytest.fixture
def clock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "clock"
    monkeypatch.setenv(clock.CLOCK_FILE, str(path))
    monkeypatch.delenv("APP_ENV", raising=False)
    return path


def test_the_clock_file_sets_the_instant_and_the_clock_runs_on(clock_file: Path) -> None:
    clock.write_clock_file(clock_file, NEW_YEARS_EVE)
    first = clock.now()
    assert timedelta(0) <= first - NEW_YEARS_EVE < timedelta(seconds=5)
    assert clock.today() == NEW_YEARS_EVE.date()
    assert clock.now() >= first
    clock.write_clock_file(clock_file, NEW_YEARS_EVE + timedelta(minutes=3))
    assert clock.today().isoformat() == "2027-01-01"  # Vietnam's date, not UTC's


def test_an_empty_or_missing_file_is_real_time(clock_file: Path) -> None:
    assert abs(clock.timestamp() - datetime.now().timestamp()) < 5  # missing
    clock.write_clock_file(clock_file, None)
    assert abs(clock.timestamp() - datetime.now().timestamp()) < 5  # empty


def test_production_ignores_and_refuses_the_clock_file(
    clock_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.write_clock_file(clock_file, DAY_BEFORE_TET)
    monkeypatch.setenv("APP_ENV", "production")
    assert abs(clock.timestamp() - datetime.now().timestamp()) < 5
    problems = Settings.from_env({"APP_ENV": "production", clock.CLOCK_FILE: str(clock_file)})
    assert any(clock.CLOCK_FILE in p for p in problems.problems())


def test_the_ticket_service_reads_the_same_file_the_same_way(clock_file: Path) -> None:
    clock.write_clock_file(clock_file, DAY_BEFORE_TET)
    read = subprocess.run(
        [str(TICKETS_PY), "-c", "from vss_tickets.infra.clock import Clock; c = Clock.from_env(); "
         "print(c.now().isoformat()); print(c.today())"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    service_now = datetime.fromisoformat(read[0])
    assert abs(service_now - clock.now()) < timedelta(seconds=10)
    assert read[1] == DAY_BEFORE_TET.astimezone(VN).date().isoformat() == str(clock.today())
