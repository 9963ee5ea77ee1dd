"""Fake Zalo and Graph API servers, and channel harness processes pointed at them."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.stack import BOT_PY, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
ZALO_APP_ID = "4318003561281546071"
ZALO_APP_SECRET = "test-zalo-app-secret"
ZALO_OA_SECRET = "test-zalo-oa-secret-key"
FB_APP_SECRET = "test-facebook-app-secret"
FB_VERIFY_TOKEN = "test-facebook-verify-token"
FB_PAGE_TOKEN = "test-facebook-page-token"


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
    server = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, "access-0", "refresh-0").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fake_graph() -> Iterator[FakeGraph]:
    server = FakeGraph(FB_PAGE_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def channel_env(fake_zalo: FakeZalo, fake_graph: FakeGraph,
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    state = tmp_path_factory.mktemp("channels")
    return {
        **os.environ,
        "APP_ENV": "test",
        "CHANNELS_STATE_DB": str(state / "channels.db"),
        "ZALO_APP_ID": ZALO_APP_ID,
        "ZALO_APP_SECRET": ZALO_APP_SECRET,
        "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "ZALO_ACCESS_TOKEN": "access-0",
        "ZALO_REFRESH_TOKEN": "refresh-0",
        "ZALO_API_BASE": fake_zalo.url,
        "ZALO_OAUTH_BASE": fake_zalo.url,
        "FACEBOOK_APP_SECRET": FB_APP_SECRET,
        "FACEBOOK_VERIFY_TOKEN": FB_VERIFY_TOKEN,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FB_PAGE_TOKEN,
        "GRAPH_API_BASE": fake_graph.url,
        "GRAPH_API_VERSION": "v23.0",
    }


@pytest.fixture(scope="module")
def harness(channel_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[Harness]:
    running = Harness(channel_env, tmp_path_factory.mktemp("harness") / "harness.log")
    yield running
    running.stop()
