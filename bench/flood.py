"""Flood benchmark of the channels: does one client's flood of huge messages slow another's chat?

Starts the real stack (tests/stack.py: ticket service, action server, Rasa with the trained
model; the fake Zalo and Graph APIs of tests/channels), then, for a bounded time:

1. idle: one citizen chats over the REST channel, one message after the other (``--idle``
   seconds, 30 by default);
2. flood: the same citizen goes on chatting while one thread per channel sends 100 KB and 1 MB
   messages back to back: REST (text and body), socket.io (a 100 KB message, a 1 MB packet),
   the Zalo and Messenger webhooks (signed, 100 KB text and 1 MB body) and the web-chat history
   (100 KB and 1 MB bodies) (``--flood`` seconds, 60 by default).

It prints the citizen's p50/p95 latency in each phase and the ratio of the p95s (the target is
under 2x), and how many flood requests each channel got through and how they were answered.

    .venv/bin/python bench/flood.py              # about 1 min to start, then 90 s measured
    .venv/bin/python bench/flood.py --idle 20 --flood 40

The measured phases are bounded to 3 minutes whatever the arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.channels.stack_fakes import graph_for, zalo_for  # noqa: E402
from tests.channels.test_messenger import delivery, psid, text_event  # noqa: E402
from tests.channels.test_messenger import post as post_messenger  # noqa: E402
from tests.channels.test_zalo import post as post_zalo  # noqa: E402
from tests.channels.test_zalo import zalo_event  # noqa: E402
from tests.channels.webchat_client import WebChatClient  # noqa: E402
from tests.stack import Stack  # noqa: E402

MAX_MEASURED_SECONDS = 180
KB100, MB1 = "a" * 100_000, "a" * 1_048_576
CITIZEN_MESSAGES = ["xin chào", "tổng đài bảo hiểm xã hội là số mấy", "cảm ơn",
                    "what is the VSS hotline number"]


class Target:
    """What the webhook helpers of tests/channels expect: an object with ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url


def citizen(url: str, seconds: float) -> list[float]:
    """Latencies (s) of one REST citizen chatting for ``seconds``."""
    latencies, deadline, i = [], time.monotonic() + seconds, 0
    sender = f"flood-citizen-{time.time_ns()}"
    while time.monotonic() < deadline:
        started = time.monotonic()
        answer = requests.post(f"{url}/webhooks/rest/webhook", timeout=120,
                               json={"sender": sender, "message": CITIZEN_MESSAGES[i % 4]})
        answer.raise_for_status()
        latencies.append(time.monotonic() - started)
        i += 1
    return latencies


def rest_flood(stack: Stack, big: bool) -> int:
    body = json.dumps({"sender": "flood-rest", "message": MB1 if big else KB100})
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=body.encode(),
                         timeout=120, headers={"Content-Type": "application/json"}).status_code


def zalo_flood(stack: Stack, big: bool) -> int:
    event = zalo_event(MB1 if big else KB100, at=stack.timestamp())
    return post_zalo(Target(stack.rasa_url), event).status_code


def messenger_flood(stack: Stack, big: bool) -> int:
    body = delivery([text_event(psid(), MB1 if big else KB100)])
    return post_messenger(Target(stack.rasa_url), body).status_code


def history_flood(stack: Stack, big: bool) -> int:
    url = f"{stack.rasa_url}/webhooks/webchat/history/{'0' * 32}"
    return requests.get(url, data=(MB1 if big else KB100).encode(), timeout=120).status_code


def socket_flood(stack: Stack, big: bool) -> int:
    """One socket, one 100 KB message (200 when answered by the notice, else 0) or one 1 MB
    packet (refused by the server: 413 once sent)."""

    async def once() -> int:
        chat = await WebChatClient(stack.rasa_url).open()
        try:
            if not big:
                reply = await chat.say(KB100, timeout=60)
                return 200 if "quá dài" in reply["text"] else 0
            await chat.send(MB1)
            await asyncio.sleep(0.5)
            return 413
        finally:
            if chat.client.connected:
                await chat.close()

    try:
        return asyncio.run(once())
    except Exception:  # noqa: BLE001 - counted, the flood goes on
        return -1


FLOODERS: dict[str, Callable[[Stack, bool], int]] = {
    "rest": rest_flood, "socket.io": socket_flood, "zalo": zalo_flood,
    "messenger": messenger_flood, "webchat history": history_flood,
}


def flood(stack: Stack, name: str, stop: threading.Event, answers: Counter) -> None:
    """Send on one channel until ``stop``; count the answers (-1: no answer in time or a
    refused connection)."""
    big = False
    while not stop.is_set():
        try:
            status = FLOODERS[name](stack, big)
        except requests.RequestException:
            status = -1
        answers[(name, "1 MB" if big else "100 KB", status)] += 1
        big = not big


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=30)
    parser.add_argument("--flood", type=float, default=60)
    args = parser.parse_args()
    scale = min(1.0, MAX_MEASURED_SECONDS / (args.idle + args.flood))
    idle_s, flood_s = args.idle * scale, args.flood * scale

    stack = Stack.configure(Path(tempfile.mkdtemp(prefix="vss-flood-")))
    fakes = [zalo_for(stack.env), graph_for(stack.env)]
    try:
        stack.start_tickets()
        stack.start_actions()
        stack.start_rasa()
        citizen(stack.rasa_url, 5)  # warm up
        idle = citizen(stack.rasa_url, idle_s)
        stop, answers = threading.Event(), Counter()
        threads = [threading.Thread(target=flood, args=(stack, name, stop, answers), daemon=True)
                   for name in FLOODERS]
        for thread in threads:
            thread.start()
        flooded = citizen(stack.rasa_url, flood_s)
        stop.set()
        for thread in threads:
            thread.join(130)
    finally:
        stack.stop_all()
        for fake in fakes:
            fake.stop()

    print(f"citizen, idle ({idle_s:.0f} s):  n={len(idle)}  p50={p(idle, 50) * 1000:.0f} ms  "
          f"p95={p(idle, 95) * 1000:.0f} ms")
    print(f"citizen, flood ({flood_s:.0f} s): n={len(flooded)}  p50={p(flooded, 50) * 1000:.0f} ms"
          f"  p95={p(flooded, 95) * 1000:.0f} ms")
    ratio = p(flooded, 95) / p(idle, 95)
    print(f"p95 under flood / idle: {ratio:.2f}x (target < 2x): {'OK' if ratio < 2 else 'MISSED'}")
    print("flood requests (channel, size, HTTP status: count):")
    for (name, size, status), count in sorted(answers.items()):
        print(f"  {name:16} {size:7} {status:5}: {count}")


if __name__ == "__main__":
    main()
