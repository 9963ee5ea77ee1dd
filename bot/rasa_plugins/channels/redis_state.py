"""The channel state in Redis (``CHANNEL_STATE_URL=redis://host:port/db``), for Rasa replicas on
several hosts. Every key starts with ``CHANNEL_STATE_PREFIX`` (``vss:channels``):

* ``<prefix>:seen:<channel>:<sha256 of the event id>``: set with ``SET NX EX`` (a week), so of
  the replicas receiving one webhook event only the first handles it;
* ``<prefix>:tokens:<name>``: a hash of the OAuth tokens (``access``, ``refresh``,
  ``expires_at``, ``seed``), seeded atomically (Lua);
* ``<prefix>:lock:<name>``: the refresh lock, ``SET NX PX`` with a random value and released
  only by its holder (compare-and-delete in Lua). It expires after ``LOCK_MS`` should its holder
  die; the Zalo client gives up on a refresh long before (15 s), so two holders never overlap.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as redis

from bot.rasa_plugins.channels.state import KEEP_SECONDS, Tokens

LOCK_MS = 60_000
LOCK_POLL_SECONDS = 0.05
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
SEED = """
if redis.call('HGET', KEYS[1], 'seed') ~= ARGV[4] then
  redis.call('HSET', KEYS[1], 'access', ARGV[1], 'refresh', ARGV[2], 'expires_at', ARGV[3],
             'seed', ARGV[4])
end
return 0
"""


class LockTimeout(Exception):
    """The lock was not obtained in time (another process held it throughout)."""


class RedisState:
    """The channel state in the Redis database ``url``, keys under ``prefix``."""

    def __init__(self, url: str, prefix: str) -> None:
        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix

    async def first_time(self, channel: str, event_id: str) -> bool:
        digest = hashlib.sha256(event_id.encode()).hexdigest()
        key = f"{self.prefix}:seen:{channel}:{digest}"
        return bool(await self.redis.set(key, b"1", nx=True, ex=KEEP_SECONDS))

    async def seed_tokens(self, name: str, tokens: Tokens, seed: str) -> None:
        await self.redis.eval(SEED, 1, self._tokens_key(name), tokens.access, tokens.refresh,
                              repr(tokens.expires_at), seed)

    async def tokens(self, name: str) -> Tokens:
        stored = await self.redis.hmget(self._tokens_key(name), "access", "refresh", "expires_at")
        if stored[0] is None:
            raise LookupError(f"no tokens stored under {name!r}")
        return Tokens(stored[0].decode(), stored[1].decode(), float(stored[2]))

    async def save_tokens(self, name: str, tokens: Tokens) -> None:
        await self.redis.hset(self._tokens_key(name), mapping={
            "access": tokens.access, "refresh": tokens.refresh,
            "expires_at": repr(tokens.expires_at)})

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """Wait (up to twice the lock's lifetime) for the lock ``name``, hold it, release it
        if still ours."""
        key, mine = f"{self.prefix}:lock:{name}", secrets.token_hex(16)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2 * LOCK_MS / 1000
        while not await self.redis.set(key, mine, nx=True, px=LOCK_MS):
            if loop.time() > deadline:
                raise LockTimeout(f"lock {key} held by another process for too long")
            await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            await self.redis.eval(RELEASE, 1, key, mine)

    def _tokens_key(self, name: str) -> str:
        return f"{self.prefix}:tokens:{name}"
