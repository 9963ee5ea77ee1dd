"""Fake Zalo and Graph API servers, and channel harness processes pointed at them."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.channels.credentials import (
    FB_PAGE_TOKEN,
    ZALO_ACCESS_TOKEN,
    ZALO_APP_ID,
    ZALO_APP_SECRET,
    ZALO_REFRESH_TOKEN,
    channel_env,
)
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.stack import BOT_PY, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


class Harness:
    """One ``tests.channels.harness`` process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [str(BOT_PY), "-m", "tests.channels.harness", str(self.port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        wait_until_healthy(f"{self.url}/health", self.process, 90)

    def received(self) -> list[dict]:
        return requests.get(f"{self.url}/received", timeout=5).json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)


def wait_for(condition: Callable[[], object], timeout: float = 10) -> None:
    """Poll until ``condition()`` is truthy (background turns finish after the 200)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def fake_zalo() -> Iterator[FakeZalo]:
    server = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fake_graph() -> Iterator[FakeGraph]:
    server = FakeGraph(FB_PAGE_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def harness_env(fake_zalo: FakeZalo, fake_graph: FakeGraph,
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    state = tmp_path_factory.mktemp("channels") / "channels.db"
    return {**os.environ, "APP_ENV": "test",
            **channel_env(fake_zalo.url, fake_graph.url, str(state))}


@pytest.fixture(scope="module")
def harness(harness_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[Harness]:
    running = Harness(harness_env, tmp_path_factory.mktemp("harness") / "harness.log")
    yield running
    running.stop()
