"""The clock file shared with the assistant (clock.py): read outside production, refused in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vss_tickets.app import create_app
from vss_tickets.infra.clock import CLOCK_FILE_VARIABLE, Clock, write_clock_file
from vss_tickets.infra.config import ConfigError, Settings

NEW_YEARS_EVE = datetime(2026, 12, 31, 16, 58, tzinfo=UTC)  # 23:58 in Vietnam


def test_the_clock_runs_on_from_the_instant_in_the_file(tmp_path, monkeypatch):
    path = tmp_path / "clock"
    monkeypatch.setenv(CLOCK_FILE_VARIABLE, str(path))
    monkeypatch.setenv("APP_ENV", "test")
    clock = Clock.from_env()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)  # no file: real time
    write_clock_file(path, NEW_YEARS_EVE)
    assert timedelta(0) <= clock.now() - NEW_YEARS_EVE < timedelta(seconds=5)
    assert clock.today().isoformat() == "2026-12-31"
    write_clock_file(path, NEW_YEARS_EVE + timedelta(minutes=2))
    assert clock.today().isoformat() == "2027-01-01"  # Vietnam's New Year, still 31/12 in UTC
    write_clock_file(path, None)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_production_ignores_and_refuses_the_clock_file(tmp_path, monkeypatch):
    path = tmp_path / "clock"
    write_clock_file(path, NEW_YEARS_EVE)
    monkeypatch.setenv(CLOCK_FILE_VARIABLE, str(path))
    monkeypatch.setenv("APP_ENV", "production")
    assert Clock.from_env().clock_file is None
    settings = Settings(
        app_env="production",
        service_token="a-real-secret-of-32-characters!!",
        allow_sqlite_in_production=True,
        clock_file=str(path),
    )
    with pytest.raises(ConfigError, match=CLOCK_FILE_VARIABLE):
        create_app(settings)
