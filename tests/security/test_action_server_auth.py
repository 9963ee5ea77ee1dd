"""The action server answers only Rasa (issue #16, item 9).

Before: the action server accepted any POST, and a crafted call created a ticket under a
victim's Zalo id; the Rasa API token was on Rasa's command line, readable by every user with
``ps``. Now every request but ``GET /health``, ``/health/ready`` and ``/metrics`` needs
``Authorization: Bearer <ACTIONS_TOKEN>`` (endpoints.yml sends it), and the token travels by the
environment only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.common.settings import Settings
from tests.e2e.conftest import Chat
from tests.fake_tickets import FakeTicketService
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack
from tests.trackers import FORM_SLOTS_FILLED, action_call

TOKEN = "test-only-actions-token-3f9c2a7d41b8"
VICTIM = "2512523625412515"  # a Zalo user id


def crafted_call(action: str = "action_submit_ticket") -> dict:
    """What an attacker POSTs: a filled, confirmed form under the victim's conversation."""
    return action_call(action, VICTIM, {**FORM_SLOTS_FILLED, "language": "vi"}, text="/affirm",
                       intent="affirm", channel="zalo", latest_action="intake_form")


@pytest.fixture(scope="module")
def service() -> Iterator[FakeTicketService]:
    fake = FakeTicketService().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def action_server(service: FakeTicketService, tmp_path_factory: pytest.TempPathFactory,
                  start_action_server: Any) -> Iterator[str]:
    """The real `python -m bot.cli actions` on a free port; its URL."""
    log = Path(tmp_path_factory.mktemp("actions")) / "actions.log"
    with start_action_server(service.url, TOKEN, log) as url:
        yield url


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Bearer {TOKEN[:-1]}",
                                    TOKEN, f"Bearer {TOKEN} "])
def test_a_call_without_the_token_is_refused_and_files_nothing(
    action_server: str, service: FakeTicketService, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = requests.post(f"{action_server}/webhook", json=crafted_call(), headers=headers,
                           timeout=30)
    assert answer.status_code == 401 and answer.json() == {"error": "unauthorized"}
    assert service.creates() == []


def test_only_the_health_checks_and_metrics_are_open(action_server: str) -> None:
    assert requests.get(f"{action_server}/health", timeout=10).status_code == 200
    # /health/ready asks the ticket service (the fake answers 404: not ready) and says so while
    # staying ready; /metrics checks METRICS_TOKEN itself (none here, outside production: open);
    # neither runs an action.
    ready = requests.get(f"{action_server}/health/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["tickets"] != "ok"
    assert requests.get(f"{action_server}/metrics", timeout=10).status_code == 200
    assert requests.post(f"{action_server}/metrics", json=crafted_call("action_submit_ticket"),
                         timeout=10).status_code == 401
    assert requests.get(f"{action_server}/actions", timeout=10).status_code == 401
    listed = requests.get(f"{action_server}/actions", timeout=10,
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert {"name": "action_submit_ticket"} in listed.json()


def test_rasa_s_call_with_the_token_is_answered(action_server: str) -> None:
    answer = requests.post(f"{action_server}/webhook", json=crafted_call("action_cancel_intake"),
                           headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert answer.status_code == 200
    assert {"event": "slot", "timestamp": None, "name": "phone", "value": None} in (
        answer.json()["events"])


# --- through the running processes ------------------------------------------------------------


def process_group(leader: int) -> list[int]:
    """The processes of the group ``leader`` started (the stack starts each in its own)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == leader:  # fields after the name: state, ppid, pgrp
            members.append(int(stat.parent.name))
    return members


@pytest.mark.e2e
def test_rasa_calls_its_actions_with_the_token_and_no_secret_is_on_a_command_line(
    stack: Stack, stack_logs_on_failure: None
) -> None:
    actions = Settings.from_env(stack.env)
    chat = Chat(stack)
    assert "mô tả" in chat.say_text("toi muon khieu nai ve luong huu").lower()  # actions ran
    refused = requests.post(f"{stack.actions_url}/webhook", json=crafted_call(), timeout=30)
    assert refused.status_code == 401

    secrets = [RASA_TOKEN, TICKETS_TOKEN, actions.actions_token]
    pids = [pid for process in stack.processes.values() for pid in process_group(process.pid)]
    assert len(pids) >= len(stack.processes)
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        assert not any(secret in command for secret in secrets), command
