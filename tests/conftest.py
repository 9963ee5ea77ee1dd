"""Fixtures shared by the suites that talk to the running processes (e2e and browser).

One session-wide stack serves both suites, so Rasa loads its model once per run.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.common.clock import CLOCK_FILE, write_clock_file
from bot.common.settings import ROOT
from bot.model import model_path
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.channels.stack_fakes import graph_for, zalo_for
from tests.stack import BOT_PY, Stack, free_port, wait_until_healthy


def pytest_configure() -> None:
    """`VSS_CLOCK_START=<ISO 8601 instant>` runs the suite from that instant: this process and
    every process it starts read the clock file written here (bot/common/clock.py). Tests of rules
    that depend on time state their own instant whatever it says."""
    start = os.environ.get("VSS_CLOCK_START")
    if start:
        path = Path(tempfile.mkdtemp(prefix="vss-clock-")) / "clock"
        write_clock_file(path, datetime.fromisoformat(start))
        os.environ[CLOCK_FILE] = str(path)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Ticket service, action server and Rasa on free ports with temporary databases."""
    if not model_path().exists():
        pytest.fail(f"no trained model {model_path().name}: run `make train` first")
    running = Stack.configure(tmp_path_factory.mktemp("stack"))
    try:
        running.start()
    except Exception:
        running.stop_all()
        print(running.logs())
        raise
    yield running
    running.stop_all()


@pytest.fixture(scope="session")
def agent() -> Any:
    """The trained model (a Rasa ``Agent``), loaded once per run."""
    from rasa.core.agent import Agent  # Rasa loads slowly: only for the tests that use it

    path = model_path()
    if not path.exists():
        pytest.fail(f"no trained model {path.name}: run `make train` first")
    return Agent.load(str(path))


@pytest.fixture(scope="session")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Only the real ticket service, on a free port with its own SQLite database: one for the
    whole run, shared by the contract tests (each uses conversations and tickets of its own)."""
    running = Stack.configure(tmp_path_factory.mktemp("tickets"))
    running.env.pop("TICKETS_OFFICE_HOURS", None)  # the default hours (test_handoff_actions)
    try:
        running.start_tickets()
    except Exception:
        print(running.logs())
        running.stop_all()
        raise
    yield running
    running.stop_all()


@pytest.fixture
def at(stack: Stack) -> Iterator[Callable[[datetime], None]]:
    """``at(instant)`` moves every process of the stack to ``instant`` for this test; the
    suite's clock comes back after it."""
    yield stack.set_clock
    stack.set_clock(None)


@pytest.fixture
def stack_logs_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    """Print the processes' logs after a failing test."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# The fakes live as long as the stack, as Zalo and Meta outlive a conversation: Rasa keeps the
# Zalo tokens it rotated (CHANNELS_STATE_DB), which a fresh fake would not know.
# One of each per run: a second fake on the stack's port could not bind.
@pytest.fixture(scope="session")
def stack_fake_zalo(stack: Stack) -> Iterator[FakeZalo]:
    server = zalo_for(stack.env)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack_fake_graph(stack: Stack) -> Iterator[FakeGraph]:
    server = graph_for(stack.env)
    yield server
    server.stop()


@contextmanager
def _action_server(tickets_url: str, token: str, log: Path) -> Iterator[str]:
    """The real `python -m bot.cli actions` on a free port, talking to ``tickets_url`` and
    answering only ``token``; its URL. Its log's tail is printed when it stops."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "test", "ACTIONS_PORT": str(port), "ACTIONS_TOKEN": token,
           "TICKETS_URL": tickets_url}
    with log.open("wb") as out:
        process = subprocess.Popen([str(BOT_PY), "-m", "bot.cli", "actions"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(f"{url}/health", process, 180)
        yield url
    finally:
        process.terminate()
        process.wait(30)
        print(log.read_text(errors="replace")[-3000:])


@pytest.fixture(scope="session")
def start_action_server() -> Callable[[str, str, Path], AbstractContextManager[str]]:
    """``with start_action_server(tickets_url, token, log) as url``: a real action server."""
    return _action_server
