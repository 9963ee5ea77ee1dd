"""Zalo OA Open API client: the consultation-message API and access-token refresh.

The refresh token is single-use: every refresh returns a new one, stored with the new access
token in the channel state (``bot/rasa_plugins/channels/state.py``: SQLite, or Redis across hosts).
Refreshes are serialised by an asyncio lock in the process and the state's exclusive lock
across processes; a caller that waited for the lock re-reads the tokens and gets the one
another caller has just obtained instead of spending the refresh token again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.common import clock
from bot.rasa_plugins.channels.state import ChannelState, Tokens

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
    retry_delay: float = 1.0


class TokenStore:
    """The OA's current tokens in the channel state, seeded from the environment."""

    name = "zalo_oa"

    def __init__(self, config: ZaloConfig, state: ChannelState) -> None:
        self.config = config
        self.state = state
        self._lock = asyncio.Lock()
        self._seeded = False

    async def current(self) -> Tokens:
        """The stored tokens; on the first call, the configured ones unless they were stored
        before (a new seed: the operator authorised the OA again)."""
        if not self._seeded:
            config = self.config
            # No access token configured: expired, refresh first.
            expires = clock.timestamp() + 3600 if config.access_token else 0.0
            await self.state.seed_tokens(
                self.name, Tokens(config.access_token, config.refresh_token, expires),
                f"{config.access_token}\n{config.refresh_token}")
            self._seeded = True
        return await self.state.tokens(self.name)

    async def access_token(self, session: aiohttp.ClientSession, stale: str | None = None) -> str:
        """A usable access token; refreshed when expired or equal to ``stale``."""
        tokens = await self.current()
        if _usable(tokens, stale):
            return tokens.access
        async with self._lock, self.state.exclusive(self.name):
            tokens = await self.current()  # another caller may have refreshed meanwhile
            if _usable(tokens, stale):
                return tokens.access
            fresh = await self._refresh(session, tokens.refresh)
            await self.state.save_tokens(self.name, fresh)
            logger.info("Zalo access token refreshed; valid for %.0f s",
                        fresh.expires_at - clock.timestamp())
            return fresh.access

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


def _usable(tokens: Tokens, stale: str | None) -> bool:
    return tokens.access != stale and tokens.expires_at - EXPIRY_MARGIN > clock.timestamp()


class ZaloClient:
    """Sends consultation messages, refreshing the token and retrying where it helps."""

    def __init__(self, config: ZaloConfig, state: ChannelState) -> None:
        self.config = config
        self.tokens = TokenStore(config, state)
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
