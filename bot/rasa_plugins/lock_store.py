"""Rasa's lock store, chosen by ``LOCK_STORE_URL``: in memory when it is empty (one Rasa process,
``make run``), Redis when it names a server (``redis://[:password@]host:port/db``: several Rasa
replicas or Sanic workers, ``make run-cluster``).

Rasa's own Redis lock store is not atomic across processes (RasaHQ/rasa#11256): two replicas
taking one conversation's lock at the same instant can both get it. The cluster's load balancer
therefore sends each conversation to one replica at a time (hashed by sender), and the lock
store only guards the turns of one replica's workers and the moment a conversation moves.
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

KEY_PREFIX = "vss"


def lock_store(url: str | None) -> LockStore:
    """The lock store for ``url`` (empty: in memory)."""
    if not url:
        return InMemoryLockStore()
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError("LOCK_STORE_URL must be redis://host:port/db or rediss://…")
    return RedisLockStore(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 6379,
        db=int(parsed.path.lstrip("/") or 0),
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        use_ssl=parsed.scheme == "rediss",
        key_prefix=KEY_PREFIX,
    )


class ConfiguredLockStore(LockStore):
    """What ``endpoints.yml`` names: Rasa builds it with the endpoint's config, and gets the
    in-memory or the Redis store itself (so Rasa's own checks, e.g. one worker with an
    in-memory store, still apply)."""

    def __new__(cls, endpoint_config: EndpointConfig) -> LockStore:  # type: ignore[misc]
        return lock_store(endpoint_config.url)
