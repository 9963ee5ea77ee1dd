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
| TICKETS_SESSION_IDLE_MINUTES | 30 | a staff session unused this long ends |
| TICKETS_LOGIN_MAX_FAILURES | 5 | failed logins of one username from one address |
| TICKETS_LOGIN_WINDOW_SECONDS | 900 | window of the two limits above and below |
| TICKETS_LOGIN_ADDRESS_MAX_FAILURES | 20 | failed logins from one address, any usernames |
| TICKETS_LOGIN_ACCOUNT_MAX_FAILURES | 50 | backstop: failed logins of one username, anywhere |
| TICKETS_LOGIN_ACCOUNT_WINDOW_SECONDS | 86400 | the backstop's window |
| TICKETS_VERIFY_MAX_FAILURES | 3 | failed citizen checks of one code from one conversation |
| TICKETS_VERIFY_LOCK_SECONDS | 900 | window of that limit and the two below |
| TICKETS_VERIFY_SENDER_MAX_FAILURES | 10 | failed citizen checks from one conversation |
| TICKETS_VERIFY_ADDRESS_MAX_FAILURES | 30 | failed citizen checks from one citizen address |
| TICKETS_VERIFY_CODE_MAX_FAILURES | 10 | failed checks of a code by digits alone, anywhere |
| TICKETS_VERIFY_CODE_WINDOW_SECONDS | 86400 | its window; past it the code needs its receipt |
| TICKETS_ALLOW_SQLITE_IN_PRODUCTION | 0 | `1` lets APP_ENV=production run on SQLite |
| TICKETS_ESCALATION_INTERVAL | 300 | seconds between in-process escalation runs (0 = off) |
| TICKETS_OFFICE_HOURS | 07:30-11:30,13:00-16:30 | staff hours on working days (Vietnam time) |
| TICKETS_HANDOFF_WAIT_SECONDS | 300 | how long a live chat waits for an officer before it expires |
| TICKETS_ATTACHMENT_MAX_BYTES | 10485760 | largest photo or document a citizen may send (10 MB) |
| TICKETS_ATTACHMENT_DIR | (unset) | folder for the citizens' files; unset: kept in the database |
| METRICS_TOKEN | (unset) | bearer token `GET /metrics` requires; unset: open, off in production |
| LOG_FORMAT | text | `json`: one JSON object per log line (masking.py) |
| VSS_CLOCK_FILE | (unset) | tests only: a file setting the clock (clock.py); not in production |

The reopen and consultation periods are project policy, not statutory values. The default office
hours are a project default too, NOT VSS's official schedule: set the hours the deploying office
keeps. A malformed value (not `HH:MM-HH:MM[,HH:MM-HH:MM…]` in order) stops start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from vss_tickets.domain.office_hours import DEFAULT_OFFICE_HOURS, Period, parse_office_hours
from vss_tickets.infra.clock import CLOCK_FILE_VARIABLE
from vss_tickets.infra.db import normalise_url

REPO_ROOT = Path(__file__).resolve().parents[3]
DEV_SERVICE_TOKEN = "dev-only-tickets-token-change-me"
# Files are held in memory while checked: no setting may allow more than this (50 MB).
MAX_ATTACHMENT_CEILING = 50 * 1024 * 1024
LOG_FORMATS = ("text", "json")


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
    session_idle_minutes: int = 30
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_address_max_failures: int = 20
    login_account_max_failures: int = 50
    login_account_window_seconds: int = 86400
    verify_max_failures: int = 3
    verify_lock_seconds: int = 900
    verify_sender_max_failures: int = 10
    verify_address_max_failures: int = 30
    verify_code_max_failures: int = 10
    verify_code_window_seconds: int = 86400
    allow_sqlite_in_production: bool = False
    escalation_interval: int = 300
    office_hours: str = DEFAULT_OFFICE_HOURS
    handoff_wait_seconds: int = 300
    attachment_max_bytes: int = 10 * 1024 * 1024
    attachment_dir: str = ""
    metrics_token: str = ""
    log_format: str = "text"
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
            session_idle_minutes=_int("TICKETS_SESSION_IDLE_MINUTES", 30),
            login_max_failures=_int("TICKETS_LOGIN_MAX_FAILURES", 5),
            login_window_seconds=_int("TICKETS_LOGIN_WINDOW_SECONDS", 900),
            login_address_max_failures=_int("TICKETS_LOGIN_ADDRESS_MAX_FAILURES", 20),
            login_account_max_failures=_int("TICKETS_LOGIN_ACCOUNT_MAX_FAILURES", 50),
            login_account_window_seconds=_int("TICKETS_LOGIN_ACCOUNT_WINDOW_SECONDS", 86400),
            verify_max_failures=_int("TICKETS_VERIFY_MAX_FAILURES", 3),
            verify_lock_seconds=_int("TICKETS_VERIFY_LOCK_SECONDS", 900),
            verify_sender_max_failures=_int("TICKETS_VERIFY_SENDER_MAX_FAILURES", 10),
            verify_address_max_failures=_int("TICKETS_VERIFY_ADDRESS_MAX_FAILURES", 30),
            verify_code_max_failures=_int("TICKETS_VERIFY_CODE_MAX_FAILURES", 10),
            verify_code_window_seconds=_int("TICKETS_VERIFY_CODE_WINDOW_SECONDS", 86400),
            allow_sqlite_in_production=_int("TICKETS_ALLOW_SQLITE_IN_PRODUCTION", 0) == 1,
            escalation_interval=_int("TICKETS_ESCALATION_INTERVAL", 300),
            office_hours=env.get("TICKETS_OFFICE_HOURS") or DEFAULT_OFFICE_HOURS,
            handoff_wait_seconds=_int("TICKETS_HANDOFF_WAIT_SECONDS", 300),
            attachment_max_bytes=_int("TICKETS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
            attachment_dir=env.get("TICKETS_ATTACHMENT_DIR") or "",
            metrics_token=env.get("METRICS_TOKEN") or "",
            log_format=env.get("LOG_FORMAT") or "text",
            clock_file=env.get(CLOCK_FILE_VARIABLE) or "",
        )

    @property
    def failure_retention_seconds(self) -> int:
        """How long a failed login or lookup is kept: the longest window that counts it."""
        return max(
            self.login_window_seconds,
            self.login_account_window_seconds,
            self.verify_lock_seconds,
            self.verify_code_window_seconds,
        )

    def check_safe(self) -> None:
        """Refuse development defaults in production."""
        if self.session_idle_minutes < 1:
            raise ConfigError("TICKETS_SESSION_IDLE_MINUTES must be at least 1")
        if not 1 <= self.attachment_max_bytes <= MAX_ATTACHMENT_CEILING:
            raise ConfigError(
                f"TICKETS_ATTACHMENT_MAX_BYTES must be between 1 and {MAX_ATTACHMENT_CEILING}"
            )
        if self.log_format not in LOG_FORMATS:
            raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
        if self.app_env != "production":
            return
        if self.metrics_token and len(self.metrics_token) < 24:
            raise ConfigError("APP_ENV=production: METRICS_TOKEN needs at least 24 characters.")
        if self.service_token == DEV_SERVICE_TOKEN or len(self.service_token) < 24:
            raise ConfigError(
                "APP_ENV=production: set TICKETS_SERVICE_TOKEN to a secret of at least 24 "
                "characters; the development token is refused."
            )
        if self.clock_file:
            raise ConfigError(
                f"APP_ENV=production: unset {CLOCK_FILE_VARIABLE}; the test clock is refused."
            )
        sqlite = make_url(normalise_url(self.database_url)).get_backend_name() == "sqlite"
        if sqlite and not self.allow_sqlite_in_production:
            raise ConfigError(
                "APP_ENV=production: set TICKETS_DATABASE_URL to a PostgreSQL database; SQLite "
                "is refused (one writer, one host, no server-side backups). For a single-host "
                "deployment that accepts this, set TICKETS_ALLOW_SQLITE_IN_PRODUCTION=1."
            )
