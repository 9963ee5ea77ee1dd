"""The channel state in Redis (CHANNEL_STATE_URL), shared by two channel processes that each
have a SQLite state file of their own: only Redis can make them agree. Real Redis on
127.0.0.1:6379 (database 11, a key prefix per run); skipped when it is not there."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bot.rasa_plugins.channels.redis_state import RedisState
from bot.rasa_plugins.channels.state import Tokens
from tests.channels.conftest import Harness, wait_for
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.channels.test_messenger import delivery, psid, text_event
from tests.channels.test_messenger import post as post_messenger
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import replies_to, zalo_event

REDIS_URL = "redis://127.0.0.1:6379/11"  # this suite's database (other suites use 1 and 2)


@pytest.fixture(scope="module")
def prefix() -> Iterator[str]:
    """A key prefix of this run; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis server 127.0.0.1:6379 unreachable: {exc}")
    name = f"test-state:{uuid.uuid4().hex}"
    yield name
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def replicas(harness_env: dict[str, str], prefix: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Harness]]:
    """Two channel processes on the Redis state, each with its own SQLite file."""
    started = []
    try:
        for i in range(2):
            where = tmp_path_factory.mktemp(f"replica{i}")
            env = {**harness_env, "CHANNELS_STATE_DB": str(where / "channels.db"),
                   "CHANNEL_STATE_URL": REDIS_URL, "CHANNEL_STATE_PREFIX": prefix}
            started.append(Harness(env, where / "harness.log"))
        yield started
    finally:
        for harness in started:
            harness.stop()


def test_a_zalo_event_delivered_to_both_replicas_is_handled_once(
        replicas: list[Harness], fake_zalo: FakeZalo) -> None:
    event = zalo_event("gửi hai lần")
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(post_zalo, replicas, [event, event]))
    assert sorted(a.json()["status"] for a in answers) == ["accepted", "duplicate"]
    user = event["sender"]["id"]
    wait_for(lambda: replies_to(fake_zalo, user))
    received = [m for h in replicas for m in h.received() if m["sender"] == f"zalo:{user}"]
    assert [m["text"] for m in received] == ["gửi hai lần"]
    assert len(replies_to(fake_zalo, user)) == 1


def test_a_messenger_event_delivered_to_both_replicas_is_handled_once(
        replicas: list[Harness], fake_graph: FakeGraph) -> None:
    sender = psid()
    body = delivery([text_event(sender, "một lần thôi")])
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(post_messenger, replicas, [body, body]))
    assert sorted(a.json()["accepted"] for a in answers) == [0, 1]
    wait_for(lambda: fake_graph.messages_to(sender))
    received = [m for h in replicas for m in h.received() if m["sender"] == f"fb:{sender}"]
    assert [m["text"] for m in received] == ["một lần thôi"]


def test_two_replicas_refresh_the_zalo_token_once(
        replicas: list[Harness], fake_zalo: FakeZalo, prefix: str) -> None:
    """Both replicas find the token expired at once; one spends the refresh token (the fake,
    like Zalo, refuses a refresh token used twice), the other waits and uses the new token."""
    try:
        fake_zalo.expire_access_tokens()
        fake_zalo.refresh_delay = 0.5
        used_before = len(fake_zalo.refreshes)
        events = [zalo_event(f"cùng lúc {i}") for i in range(6)]
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(post_zalo, replicas * 3, events))
        assert all(a.status_code == 200 for a in answers)
        wait_for(lambda: all(replies_to(fake_zalo, e["sender"]["id"]) for e in events), 20)
        assert len(fake_zalo.refreshes) == used_before + 1
        assert fake_zalo.max_in_flight == 1
        assert not [r for r in fake_zalo.rejected if r["error"] == -14014]
    finally:
        fake_zalo.refresh_delay = 0.0
    stored = redis.Redis.from_url(REDIS_URL).hgetall(f"{prefix}:tokens:zalo_oa")
    assert stored[b"refresh"].decode() in fake_zalo.refresh_tokens


def test_the_lock_is_released_only_by_its_holder(prefix: str) -> None:
    """A holder whose lock ran out and was taken by another process does not delete it."""
    state = RedisState(REDIS_URL, f"{prefix}:lock-test")
    raw = redis.Redis.from_url(REDIS_URL)
    key = f"{prefix}:lock-test:lock:oa"

    async def scenario() -> None:
        async with state.exclusive("oa"):
            assert raw.pttl(key) > 0
            raw.set(key, b"another-holder")  # ours expired; another process holds it now
        assert raw.get(key) == b"another-holder"
        raw.delete(key)
        async with state.exclusive("oa"):
            pass
        assert raw.get(key) is None

    asyncio.run(scenario())


def test_seeding_keeps_refreshed_tokens(prefix: str) -> None:
    """A restart with the same configured tokens keeps the refreshed ones; new configured
    tokens (the OA authorised again) replace them."""
    state = RedisState(REDIS_URL, f"{prefix}:seed-test")
    seeded, refreshed = Tokens("a0", "r0", 10.0), Tokens("a1", "r1", 20.0)

    async def scenario() -> list[Tokens]:
        await state.seed_tokens("oa", seeded, "a0\nr0")
        await state.save_tokens("oa", refreshed)
        await state.seed_tokens("oa", seeded, "a0\nr0")
        kept = await state.tokens("oa")
        await state.seed_tokens("oa", Tokens("a9", "r9", 30.0), "a9\nr9")
        return [kept, await state.tokens("oa")]

    assert asyncio.run(scenario()) == [refreshed, Tokens("a9", "r9", 30.0)]
