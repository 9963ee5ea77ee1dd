"""The assistant's configuration: environment variables with documented defaults.

Every variable is listed in ``.env.example``. Development defaults are obviously fake
and are refused when ``APP_ENV=production``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from bot.common.clock import CLOCK_FILE
from bot.common.logs import LOG_FORMATS

ROOT = Path(__file__).resolve().parents[2]
DEV_RASA_TOKEN = "dev-only-rasa-token-change-me"
DEV_ACTIONS_TOKEN = "dev-only-actions-token-change-me"
DEV_TICKETS_TOKEN = "dev-only-tickets-token-change-me"
DEV_PREFIX = "dev-only-"
# A secret in production: at least this many characters (a token you make yourself:
# `python -c "import secrets; print(secrets.token_urlsafe(32))"`) ...
MIN_SECRET_LENGTH = 24
# ... or the length the platform issues: Zalo's App Secret and OA Secret Key have 20 characters,
# Facebook's App Secret 32 hexadecimal digits.
ISSUED_SECRET_LENGTH = {"ZALO_APP_SECRET": 20, "ZALO_OA_SECRET_KEY": 20, "FACEBOOK_APP_SECRET": 32}
MIN_DISTINCT_CHARACTERS = 10  # "aaaa…" or "changeme-changeme-…" is no secret
# Printable ASCII without spaces or "$" (endpoints.yml expands "$" and sends the action server's
# token in a header).
_SECRET_CHARACTERS = re.compile(r"[!-#%-~]+")
# Where Zalo and Messenger keep the files citizens send (their CDNs; subdomains included): the
# only hosts the assistant downloads attachments from (bot/rasa_plugins/attachments.py).
ATTACHMENT_HOSTS = "https://zdn.vn,https://zadn.vn,https://fbcdn.net,https://fbsbx.com"
# Channel secrets (bot/rasa_plugins/channels): name -> development default, refused in production.
CHANNEL_SECRETS = {
    "ZALO_OA_SECRET_KEY": "dev-only-zalo-oa-secret-key",
    "ZALO_APP_SECRET": "dev-only-zalo-app-secret",
    "ZALO_ACCESS_TOKEN": "dev-only-zalo-access-token",
    "ZALO_REFRESH_TOKEN": "dev-only-zalo-refresh-token",
    "FACEBOOK_APP_SECRET": "dev-only-facebook-app-secret",
    "FACEBOOK_VERIFY_TOKEN": "dev-only-facebook-verify-token",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "dev-only-facebook-page-token",
}
# The channels that need secrets: in production a channel is off while all of its secrets are
# unset (at their development defaults), and checked like every other secret once one is set.
CHANNEL_SECRET_NAMES = {
    channel: tuple(name for name in CHANNEL_SECRETS if name.startswith(prefix))
    for channel, prefix in (("zalo", "ZALO_"), ("facebook", "FACEBOOK_"))
}


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of the Rasa server and the action server."""

    app_env: str
    rasa_host: str
    rasa_port: int
    rasa_token: str
    actions_token: str
    actions_host: str
    actions_port: int
    actions_url: str
    action_threads: int
    tracker_db_url: str
    lock_store_url: str
    tickets_url: str
    tickets_token: str
    cors_origins: str
    outbox_interval: float
    zalo_app_id: str
    zalo_api_base: str
    zalo_oauth_base: str
    graph_api_base: str
    graph_api_version: str
    channels_state_db: Path
    channel_state_url: str  # redis://…: the channel state in Redis (empty: channels_state_db)
    channel_state_prefix: str
    channel_secrets: dict[str, str]
    rest_channel_token: str  # empty: the REST channel is open (off in production)
    retention_days: float
    attachment_hosts: tuple[str, ...]  # scheme://host the citizens' files are fetched from
    metrics_token: str  # bearer token of every /metrics (bot/common/metrics.py); empty: none
    deliver_metrics_host: str
    deliver_metrics_port: int  # 0: deliver serves no health/metrics port
    log_format: str  # text or json (bot/common/logs.py)
    clock_file: str  # tests only (bot/common/clock.py)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read the settings from ``env`` (default: the process environment)."""
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:  # an empty value means "use the default"
            return env.get(name) or default

        actions_host = get("ACTIONS_HOST", "127.0.0.1")
        actions_port = int(get("ACTIONS_PORT", "5055"))
        log_format = get("LOG_FORMAT", "text")
        if log_format not in LOG_FORMATS:
            raise ValueError(f"LOG_FORMAT must be one of {LOG_FORMATS}, not {log_format!r}")
        tickets_default = f"http://{get('TICKETS_HOST', '127.0.0.1')}:{get('TICKETS_PORT', '8000')}"
        return cls(
            app_env=get("APP_ENV", "development"),
            rasa_host=get("RASA_HOST", "127.0.0.1"),
            rasa_port=int(get("RASA_PORT", "5005")),
            rasa_token=get("RASA_TOKEN", DEV_RASA_TOKEN),
            actions_token=get("ACTIONS_TOKEN", DEV_ACTIONS_TOKEN),
            actions_host=actions_host,
            actions_port=actions_port,
            actions_url=get("ACTIONS_URL", f"http://{actions_host}:{actions_port}/webhook"),
            action_threads=int(get("ACTION_THREADS", "32")),
            tracker_db_url=get("TRACKER_DB_URL", f"sqlite:///{ROOT / 'var' / 'tracker.db'}"),
            lock_store_url=env.get("LOCK_STORE_URL", ""),
            tickets_url=get("TICKETS_URL", tickets_default),
            tickets_token=get("TICKETS_SERVICE_TOKEN", DEV_TICKETS_TOKEN),
            cors_origins=get("RASA_CORS_ORIGINS", ""),
            outbox_interval=float(get("OUTBOX_POLL_SECONDS", "5")),
            zalo_app_id=get("ZALO_APP_ID", "1000000000000000000"),
            zalo_api_base=get("ZALO_API_BASE", "https://openapi.zalo.me").rstrip("/"),
            zalo_oauth_base=get("ZALO_OAUTH_BASE", "https://oauth.zaloapp.com").rstrip("/"),
            graph_api_base=get("GRAPH_API_BASE", "https://graph.facebook.com").rstrip("/"),
            graph_api_version=get("GRAPH_API_VERSION", "v23.0"),
            channels_state_db=Path(get("CHANNELS_STATE_DB", str(ROOT / "var" / "channels.db"))),
            channel_state_url=get("CHANNEL_STATE_URL", ""),
            channel_state_prefix=get("CHANNEL_STATE_PREFIX", "vss:channels"),
            channel_secrets={k: get(k, v) for k, v in CHANNEL_SECRETS.items()},
            rest_channel_token=get("REST_CHANNEL_TOKEN", ""),
            retention_days=float(get("CONVERSATION_RETENTION_DAYS", "30")),
            attachment_hosts=tuple(h.strip() for h in get("ATTACHMENT_HOSTS", ATTACHMENT_HOSTS)
                                   .split(",") if h.strip()),
            metrics_token=get("METRICS_TOKEN", ""),
            deliver_metrics_host=get("DELIVER_METRICS_HOST", "127.0.0.1"),
            deliver_metrics_port=int(get("DELIVER_METRICS_PORT", "5056")),
            log_format=log_format,
            clock_file=get(CLOCK_FILE, ""),
        )

    def channel_enabled(self, channel: str) -> bool:
        """Whether an input channel serves requests: always outside production; in production
        ``rest`` only with ``REST_CHANNEL_TOKEN``, Zalo and Messenger only once a secret of
        theirs is set (a weak one then stops the start, ``problems()``)."""
        if self.app_env != "production":
            return True
        if channel == "rest":
            return bool(self.rest_channel_token)
        names = CHANNEL_SECRET_NAMES.get(channel, ())
        return any(self.channel_secrets[n] != CHANNEL_SECRETS[n] for n in names) or not names

    def secrets(self) -> dict[str, str]:
        """Every secret in use, by its variable's name (a channel that is off has none)."""
        found = {"RASA_TOKEN": self.rasa_token, "ACTIONS_TOKEN": self.actions_token,
                 "TICKETS_SERVICE_TOKEN": self.tickets_token}
        for channel, names in CHANNEL_SECRET_NAMES.items():
            if self.channel_enabled(channel):
                found.update({name: self.channel_secrets[name] for name in names})
        if self.rest_channel_token:
            found["REST_CHANNEL_TOKEN"] = self.rest_channel_token
        if self.metrics_token:
            found["METRICS_TOKEN"] = self.metrics_token
        return found

    def problems(self) -> list[str]:
        """Reasons this configuration must not start in production (empty if fine)."""
        if self.app_env != "production":
            return []
        found = [problem for name, value in self.secrets().items()
                 if (problem := secret_problem(name, value))]
        if self.clock_file:
            found.append(f"{CLOCK_FILE} is set: the test clock is refused in production")
        if self.tracker_db_url.startswith("sqlite"):
            found.append("TRACKER_DB_URL points at SQLite; use PostgreSQL in production")
        return found

    def export(self) -> dict[str, str]:
        """The variables ``endpoints.yml`` and the actions read, for a child process.

        Rasa's telemetry and its error reports to an outside server are switched off:
        conversations with citizens must not leave the deployment.
        """
        return {
            "RASA_TELEMETRY_ENABLED": "false",
            "ACTIONS_URL": self.actions_url,
            "ACTIONS_TOKEN": self.actions_token,
            "TRACKER_DB_URL": self.tracker_db_url,
            "LOCK_STORE_URL": self.lock_store_url,
            "TICKETS_URL": self.tickets_url,
            "TICKETS_SERVICE_TOKEN": self.tickets_token,
        }


def secret_problem(name: str, value: str) -> str | None:
    """Why ``value`` is not a production secret for ``name`` (None if it may be one)."""
    if value.startswith(DEV_PREFIX):
        return f"{name} still has its development default"
    length = ISSUED_SECRET_LENGTH.get(name, MIN_SECRET_LENGTH)
    if len(value) < length:
        return f"{name} is shorter than {length} characters"
    if not _SECRET_CHARACTERS.fullmatch(value):
        return f"{name} has spaces, '$' or characters outside printable ASCII"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"{name} has fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    return None
