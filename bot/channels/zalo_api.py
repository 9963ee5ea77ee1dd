"""Zalo OA Open API client: the consultation-message API and access-token refresh.

The refresh token is single-use: every refresh returns a new one, stored in the same
SQLite transaction as the new access token. Refreshes are serialised by an asyncio lock
in the process and an exclusive file lock across processes; a caller holding a stale
token gets the one another caller has just obtained instead of refreshing again.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot import clock
from bot.channels.state import connect

logger = logging.getLogger(__name__)

TOKEN_ERRORS = {-124, -216}  # access token expired / invalid
RETRYABLE_ERRORS = {-32, -100}  # rate limited / temporary server error
# Not a follower, blocked, no recent interaction, out of the reply window or quota, night curfew.
WINDOW_ERRORS = {-213, -217, -227, -230, -232, -234, -244}
EXPIRY_MARGIN = 300.0  # refresh this many seconds before the token expires


class ZaloError(Exception):
    """Zalo refused a request; ``code`` is its ``error`` field."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


@dataclass(frozen=True)
class ZaloConfig:
    """Credentials and endpoints of one Official Account."""

    app_id: str
    app_secret: str
    api_base: str
    oauth_base: str
    access_token: str
    refresh_token: str
    state_db: Path
    retry_delay: float = 1.0


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str
    expires_at: float


class TokenStore:
    """The OA's current tokens in SQLite, seeded from the environment."""

    name = "zalo_oa"

    def __init__(self, config: ZaloConfig) -> None:
        self.config = config
        self.db = connect(config.state_db)
        self.lock_path = config.state_db.with_name(config.state_db.name + ".zalo.lock")
        self._lock = asyncio.Lock()
        seed = f"{config.access_token}\n{config.refresh_token}"
        row = self.db.execute("SELECT seed FROM oauth_tokens WHERE name=?", (self.name,)).fetchone()
        if row is None or row[0] != seed:  # first start, or the operator authorised the OA again
            # No token: refresh first.
            expires = clock.timestamp() + 3600 if config.access_token else 0.0
            self._write(Tokens(config.access_token, config.refresh_token, expires), seed)

    def current(self) -> Tokens:
        row = self.db.execute(
            "SELECT access_token, refresh_token, expires_at FROM oauth_tokens WHERE name=?",
            (self.name,),
        ).fetchone()
        return Tokens(*row)

    def _write(self, tokens: Tokens, seed: str | None = None) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if seed is None:
                seed = self.db.execute(
                    "SELECT seed FROM oauth_tokens WHERE name=?", (self.name,)
                ).fetchone()[0]
            self.db.execute(
                "INSERT OR REPLACE INTO oauth_tokens VALUES (?, ?, ?, ?, ?)",
                (self.name, tokens.access, tokens.refresh, tokens.expires_at, seed),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    async def access_token(self, session: aiohttp.ClientSession, stale: str | None = None) -> str:
        """A usable access token; refreshed when expired or equal to ``stale``."""
        tokens = self.current()
        if tokens.access != stale and tokens.expires_at - EXPIRY_MARGIN > clock.timestamp():
            return tokens.access
        async with self._lock:
            lock_file = await asyncio.to_thread(self._lock_file)
            try:
                tokens = self.current()  # another caller may have refreshed meanwhile
                if tokens.access != stale and tokens.expires_at - EXPIRY_MARGIN > clock.timestamp():
                    return tokens.access
                fresh = await self._refresh(session, tokens.refresh)
                self._write(fresh)
                logger.info("Zalo access token refreshed; valid for %.0f s",
                            fresh.expires_at - clock.timestamp())
                return fresh.access
            finally:
                lock_file.close()

    def _lock_file(self) -> Any:
        handle = open(self.lock_path, "a")  # noqa: SIM115 - closed by the caller
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    async def _refresh(self, session: aiohttp.ClientSession, refresh_token: str) -> Tokens:
        url = f"{self.config.oauth_base}/v4/oa/access_token"
        form = {"app_id": self.config.app_id, "grant_type": "refresh_token",
                "refresh_token": refresh_token}
        async with session.post(url, data=form,
                                headers={"secret_key": self.config.app_secret}) as reply:
            body = await reply.json(content_type=None)
        if not body.get("access_token") or not body.get("refresh_token"):
            logger.error("Zalo token refresh refused (%s): the OA must be authorised again",
                         body.get("error_description") or body.get("error"))
            raise ZaloError(int(body.get("error") or -1), "token refresh refused")
        lifetime = float(body.get("expires_in") or 3600)
        return Tokens(body["access_token"], body["refresh_token"], clock.timestamp() + lifetime)


class ZaloClient:
    """Sends consultation messages, refreshing the token and retrying where it helps."""

    def __init__(self, config: ZaloConfig) -> None:
        self.config = config
        self.tokens = TokenStore(config)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        return self._session

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> dict[str, Any]:
        """``POST /v3.0/oa/message/cs``; the ``data`` of the reply, or :class:`ZaloError`."""
        session = self._http()
        url = f"{self.config.api_base}/v3.0/oa/message/cs"
        token = await self.tokens.access_token(session)
        refreshed, attempt = False, 0
        while True:
            async with session.post(url, json={"recipient": recipient, "message": message},
                                    headers={"access_token": token}) as reply:
                body = await reply.json(content_type=None)
            code = int(body.get("error", 0))
            if code == 0:
                return body.get("data") or {}
            if code in TOKEN_ERRORS and not refreshed:
                token, refreshed = await self.tokens.access_token(session, stale=token), True
                continue
            if code in RETRYABLE_ERRORS and attempt < 2:
                attempt += 1
                await asyncio.sleep(self.config.retry_delay * 2 ** (attempt - 1))
                continue
            if code in WINDOW_ERRORS:
                logger.warning("Zalo will not deliver now (error %s: %s): outside the reply "
                               "window or quota", code, body.get("message"))
            raise ZaloError(code, str(body.get("message")))
