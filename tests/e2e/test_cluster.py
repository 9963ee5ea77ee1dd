"""The production topology on loopback (issue #18): two Rasa replicas and two action servers
behind haproxy, conversations in PostgreSQL, locks and socket.io rooms in Redis.

A conversation whose turns alternate between the replicas keeps its order and slots; a bot
message sent through one replica reaches a web-chat client connected to the other; killing the
replica a citizen talks to loses no turn (haproxy moves the citizen, the tracker is in
PostgreSQL)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import redis
import requests
import socketio

from bot.cluster import Topology
from bot.common import conversation_ids
from tests.cluster import REDIS, start_cluster
from tests.e2e.conftest import throwaway_postgres
from tests.stack import RASA_TOKEN, Stack


class Cluster:
    """The running cluster: the balancer's address and each replica's own."""

    def __init__(self, stack: Stack, topology: Topology) -> None:
        self.stack, self.topology = stack, topology

    @property
    def front(self) -> str:
        return f"http://{self.topology.front}"

    def replica(self, index: int) -> str:
        return f"http://{self.topology.rasa[index]}"


def say(url: str, sender: str, text: str) -> requests.Response:
    answer = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                           json={"sender": sender, "message": text})
    assert answer.status_code == 200, answer.text
    return answer


def texts(answer: requests.Response) -> str:
    return "\n".join(m.get("text", "") for m in answer.json())


def tracker(url: str, sender: str) -> dict:
    return requests.get(f"{url}/conversations/{sender}/tracker", params={"token": RASA_TOKEN},
                        timeout=10).json()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if shutil.which("haproxy") is None:
        pytest.skip("haproxy is not installed (make haproxy, or apt-get install haproxy)")
    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {exc}")
    with ExitStack() as cleanup:
        tracker_db = cleanup.enter_context(throwaway_postgres())
        tickets_db = cleanup.enter_context(throwaway_postgres())
        stack = Stack.configure(tmp_path_factory.mktemp("cluster"))
        cleanup.callback(stack.stop_all)
        try:
            topology = start_cluster(stack, tracker_db, tickets_db)
        except Exception:
            print(stack.logs())
            raise
        running = Cluster(stack, topology)
        yield running
        if any(p.poll() not in (None, 0, -9) for p in stack.processes.values()):
            print(stack.logs())


def test_turns_alternating_between_replicas_keep_order_and_slots(cluster: Cluster) -> None:
    sender = f"rest:e2e-alt-{uuid.uuid4().hex[:10]}"
    turns = ["xin chào", "English please", "hello", "thank you", "bye"]
    answers = [say(cluster.replica(i % 2), sender, text) for i, text in enumerate(turns)]
    # the language chosen on the second replica holds on the first and back
    assert "Xin chào" in texts(answers[0])
    assert all(not any(ch in texts(a) for ch in "ăâđêôơư") for a in answers[2:]), \
        [texts(a) for a in answers]
    for replica in (0, 1):
        seen = tracker(cluster.replica(replica), sender)
        assert [e["text"] for e in seen["events"] if e["event"] == "user"] == turns
        assert seen["slots"]["language"] == "en"


async def _listen(url: str) -> tuple[socketio.AsyncClient, asyncio.Queue, str]:
    """A web chat client on ``url`` with a new session; its conversation id."""
    client = socketio.AsyncClient()
    replies: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", replies.put_nowait)
    client.on("session_confirm", confirmed.put_nowait)
    # long-polling: this python-engineio's websocket client needs aiohttp>=3.10 (Rasa pins 3.9)
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])
    await client.emit("session_request", {})
    session = (await asyncio.wait_for(confirmed.get(), 10))["session_id"]
    return client, replies, conversation_ids.make("socketio", session)


def test_a_message_sent_through_one_replica_reaches_a_socket_on_the_other(
    cluster: Cluster,
) -> None:
    words = f"Cán bộ trả lời {uuid.uuid4().hex[:6]}"

    async def scenario() -> dict:
        client, replies, conversation = await _listen(cluster.replica(1))
        try:
            sent = await asyncio.to_thread(
                requests.post,
                f"{cluster.replica(0)}/conversations/{conversation}/tracker/events",
                params={"token": RASA_TOKEN, "execute_side_effects": "true",
                        "output_channel": "socketio"},
                json=[{"event": "bot", "text": words}], timeout=30,
            )
            assert sent.status_code == 200, sent.text
            return await asyncio.wait_for(replies.get(), 30)
        finally:
            await client.disconnect()

    assert asyncio.run(scenario())["text"] == words


def test_killing_the_replica_a_citizen_talks_to_loses_no_turn(cluster: Cluster) -> None:
    sender = f"rest:e2e-kill-{uuid.uuid4().hex[:10]}"
    first = say(cluster.front, sender, "xin chào")
    serving = first.headers["X-Replica"]  # rasa1 or rasa2
    cluster.stack.kill(serving.replace("rasa", "rasa-"))
    second = say(cluster.front, sender, "English please")
    third = say(cluster.front, sender, "hello")
    assert second.headers["X-Replica"] != serving and third.headers["X-Replica"] != serving
    assert "Hello" in texts(third) or "hello" in texts(third).lower(), texts(third)
    other = 1 if serving == "rasa1" else 0
    seen = tracker(cluster.replica(other), sender)
    assert [e["text"] for e in seen["events"] if e["event"] == "user"] == [
        "xin chào", "English please", "hello"]
