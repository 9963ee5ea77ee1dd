"""Settings of the ticket service, read from environment variables.

| variable | default | meaning |
|---|---|---|
| TICKETS_DATABASE_URL | sqlite:///<repo>/var/tickets.db | SQLAlchemy URL (sqlite, postgresql) |
| TICKETS_HOST / TICKETS_PORT | 127.0.0.1 / 8000 | where `cli serve` listens |
| TICKETS_WORKERS | 1 | uvicorn worker processes of `cli serve` |
| TICKETS_ACCESS_LOG | 1 | `0` turns off the per-request access log lines of `cli serve` |
| TICKETS_THREADS | 0 | threads per worker for the endpoints; 0 = anyio's default (40) |
| TICKETS_SERVICE_TOKEN | dev-only-tickets-token-change-me | bearer token of the assistant |
| APP_ENV | development | `production` refuses development defaults |
| TICKETS_REF_STRUCTURE | current | organisation structure: `current` or `pre2025` |
| TICKETS_REOPEN_DAYS | 30 | calendar days after resolution in which a ticket may be reopened |
| TICKETS_CONSULT_DAYS | 5 | default working days a consulted unit has to answer |
| TICKETS_SESSION_HOURS | 8 | staff session lifetime |
| TICKETS_LOGIN_MAX_FAILURES | 5 | failed logins per username in the window before refusal |
| TICKETS_LOGIN_WINDOW_SECONDS | 900 | login throttling window |
| TICKETS_VERIFY_MAX_FAILURES | 3 | failed citizen checks of one ticket code before it locks |
| TICKETS_VERIFY_LOCK_SECONDS | 900 | how long a failed check counts |
| TICKETS_ESCALATION_INTERVAL | 300 | seconds between in-process escalation runs (0 = off) |
| TICKETS_OFFICE_HOURS | 07:30-11:30,13:00-16:30 | staff hours on working days (Vietnam time) |
| TICKETS_HANDOFF_WAIT_SECONDS | 300 | how long a live chat waits for an officer before it expires |
| VSS_CLOCK_FILE | (unset) | tests only: a file setting the clock (clock.py); not in production |

The reopen and consultation periods are project policy, not statutory values. The default office
hours are a project default too, NOT VSS's official schedule: set the hours the deploying office
keeps. A malformed value (not `HH:MM-HH:MM[,HH:MM-HH:MM…]` in order) stops start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .clock import CLOCK_FILE_VARIABLE
from .office_hours import DEFAULT_OFFICE_HOURS, Period, parse_office_hours

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SERVICE_TOKEN = "dev-only-tickets-token-change-me"


class ConfigError(RuntimeError):
    """Raised when the settings are unsafe or invalid."""


def default_database_url() -> str:
    """SQLite file under the repository's git-ignored var/ directory."""
    return f"sqlite:///{REPO_ROOT / 'var' / 'tickets.db'}"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Runtime settings; build with `Settings.from_env()`."""

    database_url: str = field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    access_log: bool = True
    threads: int = 0
    service_token: str = DEV_SERVICE_TOKEN
    app_env: str = "development"
    ref_structure: str = "current"
    reopen_days: int = 30
    consult_days: int = 5
    session_hours: int = 8
    login_max_failures: int = 5
    login_window_seconds: int = 900
    verify_max_failures: int = 3
    verify_lock_seconds: int = 900
    escalation_interval: int = 300
    office_hours: str = DEFAULT_OFFICE_HOURS
    handoff_wait_seconds: int = 300
    clock_file: str = ""  # tests only: VSS_CLOCK_FILE (clock.py)

    def __post_init__(self) -> None:
        self.office_periods  # noqa: B018 - refuse malformed office hours when built

    @property
    def office_periods(self) -> tuple[Period, ...]:
        """TICKETS_OFFICE_HOURS parsed; ConfigError with an example when malformed."""
        try:
            return parse_office_hours(self.office_hours)
        except ValueError as exc:
            raise ConfigError(
                f"TICKETS_OFFICE_HOURS={self.office_hours!r} is not valid: {exc}. Give daily "
                f"periods as HH:MM-HH:MM in Vietnam time, comma-separated and in order, e.g. "
                f"{DEFAULT_OFFICE_HOURS!r}."
            ) from exc

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("TICKETS_DATABASE_URL") or default_database_url(),
            host=env.get("TICKETS_HOST") or "127.0.0.1",
            port=_int("TICKETS_PORT", 8000),
            workers=_int("TICKETS_WORKERS", 1),
            access_log=_int("TICKETS_ACCESS_LOG", 1) != 0,
            threads=_int("TICKETS_THREADS", 0),
            service_token=env.get("TICKETS_SERVICE_TOKEN") or DEV_SERVICE_TOKEN,
            app_env=env.get("APP_ENV") or "development",
            ref_structure=env.get("TICKETS_REF_STRUCTURE") or "current",
            reopen_days=_int("TICKETS_REOPEN_DAYS", 30),
            consult_days=_int("TICKETS_CONSULT_DAYS", 5),
            session_hours=_int("TICKETS_SESSION_HOURS", 8),
            login_max_failures=_int("TICKETS_LOGIN_MAX_FAILURES", 5),
            login_window_seconds=_int("TICKETS_LOGIN_WINDOW_SECONDS", 900),
            verify_max_failures=_int("TICKETS_VERIFY_MAX_FAILURES", 3),
            verify_lock_seconds=_int("TICKETS_VERIFY_LOCK_SECONDS", 900),
            escalation_interval=_int("TICKETS_ESCALATION_INTERVAL", 300),
            office_hours=env.get("TICKETS_OFFICE_HOURS") or DEFAULT_OFFICE_HOURS,
            handoff_wait_seconds=_int("TICKETS_HANDOFF_WAIT_SECONDS", 300),
            clock_file=env.get(CLOCK_FILE_VARIABLE) or "",
        )

    def check_safe(self) -> None:
        """Refuse development defaults in production."""
        if self.app_env != "production":
            return
        if self.service_token == DEV_SERVICE_TOKEN or len(self.service_token) < 24:
            raise ConfigError(
                "APP_ENV=production: set TICKETS_SERVICE_TOKEN to a secret of at least 24 "
                "characters; the development token is refused."
            )
        if self.clock_file:
            raise ConfigError(
                f"APP_ENV=production: unset {CLOCK_FILE_VARIABLE}; the test clock is refused."
            )
