"""The lock store LOCK_STORE_URL chooses: in memory for one process, Redis for a cluster."""

from __future__ import annotations

import uuid

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.lock_store import ConfiguredLockStore, lock_store

REDIS = "redis://127.0.0.1:6379/3"


def test_no_url_means_in_memory_and_a_bad_one_is_refused() -> None:
    assert isinstance(ConfiguredLockStore(EndpointConfig(url=None)), InMemoryLockStore)
    assert isinstance(lock_store(""), InMemoryLockStore)
    with pytest.raises(ValueError, match="redis://"):
        lock_store("http://127.0.0.1:6379")


def test_two_replicas_see_one_conversation_lock_in_redis() -> None:
    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {exc}")
    first = ConfiguredLockStore(EndpointConfig(url=REDIS))
    second = lock_store(REDIS)  # another replica's store
    assert isinstance(first, RedisLockStore)
    conversation = f"rest:{uuid.uuid4().hex}"
    try:
        ticket = first.issue_ticket(conversation, lock_lifetime=30)
        waiting = second.issue_ticket(conversation, lock_lifetime=30)  # the next turn
        seen = second.get_lock(conversation)
        assert seen is not None and not seen.is_locked(ticket) and seen.is_locked(waiting)
        first.finish_serving(conversation, ticket)
        assert not second.get_lock(conversation).is_locked(waiting)  # its turn now
        second.finish_serving(conversation, waiting)
        assert not first.is_someone_waiting(conversation)
    finally:
        first.delete_lock(conversation)
