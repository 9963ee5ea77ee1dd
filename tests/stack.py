"""Start the real processes (ticket service, action server, Rasa, deliver) for tests.

Each process gets a free port on 127.0.0.1, its own temporary databases and a log
file; ``Stack.logs()`` returns the logs for a failing test's report. All of them read one
clock file (bot/common/clock.py): the stack starts at the suite's instant (real time, or
``VSS_CLOCK_START``) and a test moves every process at once with ``set_clock``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests

from bot.common import clock
from bot.common.settings import ROOT
from tests.channels.credentials import channel_env

BOT_PY = ROOT / ".venv" / "bin" / "python"
TICKETS_PY = ROOT / "backend" / ".venv" / "bin" / "python"
RASA_TOKEN = "e2e-test-rasa-token"
TICKETS_TOKEN = "e2e-test-tickets-token"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail early if the process died.

    The limits are generous: loading the Rasa model (TensorFlow tracing DIET) takes about
    45 s on an idle 2-core machine and several minutes when the cores are saturated.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f}s")


@dataclass
class Stack:
    """The running processes, their URLs and environment."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Where each ``deliver`` serves its health checks and metrics, by process name.
    deliver_urls: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def tickets_url(self) -> str:
        return self.env["TICKETS_URL"]

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTIONS_PORT']}"

    @classmethod
    def configure(cls, workdir: Path) -> Stack:
        tickets_port = free_port()
        zalo_url, graph_url = (f"http://127.0.0.1:{free_port()}" for _ in range(2))
        env = {
            **os.environ,
            "APP_ENV": "test",
            "RASA_PORT": str(free_port()),
            "RASA_TOKEN": RASA_TOKEN,
            "ACTIONS_PORT": str(free_port()),
            "TICKETS_PORT": str(tickets_port),
            "TICKETS_URL": f"http://127.0.0.1:{tickets_port}",
            "TICKETS_SERVICE_TOKEN": TICKETS_TOKEN,
            "TICKETS_DATABASE_URL": f"sqlite:///{workdir / 'tickets.db'}",
            "TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "KNOWLEDGE_FEEDBACK_DB": str(workdir / "feedback.db"),
            "OUTBOX_POLL_SECONDS": "0.5",
            clock.CLOCK_FILE: str(workdir / "clock"),
            # Zalo and Messenger talk to local fakes there (tests/channels/fake_*.py).
            **channel_env(zalo_url, graph_url, str(workdir / "channels.db")),
        }
        stack = cls(workdir=workdir, env=env)
        stack.set_clock(None)
        return stack

    def spawn(
        self, name: str, command: list[str], cwd: Path = ROOT, **env: str
    ) -> subprocess.Popen:
        """Start ``command`` as process ``name`` with the stack's environment plus ``env``."""
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=cwd, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def timestamp(self) -> float:
        """Unix time by the stack's clock (what a platform signing events now would send)."""
        return clock.timestamp(Path(self.env[clock.CLOCK_FILE]))

    def set_clock(self, moment: datetime | None) -> None:
        """Every process's clock at ``moment`` from now on (None: back to the suite's clock,
        which is this test process's own)."""
        suite = clock.now() if os.environ.get(clock.CLOCK_FILE) else None
        clock.write_clock_file(Path(self.env[clock.CLOCK_FILE]), moment or suite)

    def start_tickets(self) -> None:
        """The real `cli serve`."""
        backend = ROOT / "backend"
        subprocess.run(
            [str(TICKETS_PY), "-m", "vss_tickets.cli", "init-db"],
            cwd=backend, env=self.env, check=True, capture_output=True,
        )
        serve = [str(TICKETS_PY), "-m", "vss_tickets.cli", "serve"]
        process = self.spawn("tickets", serve, backend)
        wait_until_healthy(f"{self.tickets_url}/health", process, 180)

    def staff_session(self, unit: str, username: str, password: str) -> requests.Session:
        """An officer of ``unit`` created with the service's CLI, logged in over HTTP."""
        subprocess.run(
            [str(TICKETS_PY), "-m", "vss_tickets.cli", "create-staff", "--unit", unit,
             "--role", "officer", "--username", username],
            cwd=ROOT / "backend", env={**self.env, "TICKETS_STAFF_PASSWORD": password},
            check=True, capture_output=True,
        )
        login = requests.post(f"{self.tickets_url}/api/v1/auth/login", timeout=30,
                              json={"username": username, "password": password})
        login.raise_for_status()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {login.json()['token']}"
        return session

    def start_actions(self) -> None:
        process = self.spawn("actions", [str(BOT_PY), "-m", "bot.cli", "actions"], ROOT)
        wait_until_healthy(f"{self.actions_url}/health", process, 180)

    def start_rasa(self) -> None:
        """Rasa with JSON logs (tests/e2e/test_observability.py reads them)."""
        process = self.spawn("rasa", [str(BOT_PY), "-m", "bot.cli", "rasa"], ROOT,
                             LOG_FORMAT="json")
        wait_until_healthy(f"{self.rasa_url}/webhooks/health/", process, 600)

    def start_delivery(self, name: str = "deliver") -> str:
        """An outbox delivery loop; any number may run under different names. Returns the
        address of its health and metrics port."""
        port = free_port()
        self.spawn(name, [str(BOT_PY), "-m", "bot.cli", "deliver"], ROOT,
                   DELIVER_METRICS_PORT=str(port))
        self.deliver_urls[name] = f"http://127.0.0.1:{port}"
        return self.deliver_urls[name]

    def start(self) -> None:
        self.start_tickets()
        self.start_actions()
        self.start_rasa()
        self.start_delivery()

    def stop(self, name: str) -> None:
        """Stop one process (SIGTERM, then SIGKILL after 20 s)."""
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def kill(self, name: str) -> None:
        """Kill one process at once (SIGKILL), as a crash would."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def logs(self) -> str:
        return "\n".join(
            f"===== {p.name} =====\n{p.read_text(errors='replace')[-5000:]}"
            for p in sorted(self.workdir.glob("*.log"))
        )
