"""Health checks, Prometheus metrics and JSON logs of the action server and ``deliver``, as
real processes beside the real ticket service (issue #18). Rasa's: tests/e2e/test_observability.py.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.common.metrics import scrape as metrics_scrape
from bot.common.settings import Settings
from tests.stack import TICKETS_TOKEN, Stack
from tests.trackers import FORM_SLOTS_FILLED, call

METRICS_TOKEN = secrets.token_urlsafe(24)  # made per run
CONVERSATION = "rest:observed-1"
PERSONAL = ("0912345678", "001099012345")  # the citizen's phone and CCCD in FORM_SLOTS_FILLED


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = requests.get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return samples(answer.text)


def json_lines(log: Path) -> list[dict]:
    """The log's lines, each one JSON object (fails on any other line)."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The ticket service and the action server, with JSON logs and a metrics token; no Rasa
    (its port closed)."""
    running = Stack.configure(tmp_path_factory.mktemp("observed"))
    running.env.update(LOG_FORMAT="json", METRICS_TOKEN=METRICS_TOKEN)
    try:
        running.start_tickets()
        running.start_actions()
        yield running
    finally:
        running.stop_all()


def actions_token(stack: Stack) -> str:
    return Settings.from_env(stack.env).actions_token


def post_action(stack: Stack, body: dict) -> requests.Response:
    return requests.post(f"{stack.actions_url}/webhook", json=body, timeout=60,
                         headers={"Authorization": f"Bearer {actions_token(stack)}"})


def test_action_server_health_metrics_and_json_logs(stack: Stack) -> None:
    url = stack.actions_url
    assert requests.get(f"{url}/health", timeout=10).status_code == 200
    assert requests.get(f"{url}/health/ready", timeout=10).json() == {"status": "ok",
                                                                      "tickets": "ok"}
    assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
    assert requests.post(f"{url}/webhook", json={}, timeout=10).status_code == 401

    question = call("action_answer_question", CONVERSATION, "rút bảo hiểm xã hội một lần", {})
    assert post_action(stack, question).json()["responses"]
    submit = call("action_submit_ticket", CONVERSATION, "/affirm", FORM_SLOTS_FILLED)
    assert post_action(stack, submit).status_code == 200
    assert post_action(stack, call("action_none_such", CONVERSATION, "x", {})).status_code == 404

    found = scrape(f"{url}/metrics")
    for action in ("action_answer_question", "action_submit_ticket"):
        assert found[("vss_actions_runs_total", (("action", action),))] == 1
        assert found[("vss_action_seconds_count", (("action", action),))] == 1
    assert found[("vss_actions_errors_total", (("action", "unknown"),))] == 1
    assert sum(v for (name, _), v in found.items()
               if name == "vss_knowledge_decisions_total") == 1

    lines = json_lines(Path(stack.workdir) / "actions.log")
    assert {"time", "level", "logger", "message"} <= set(lines[-1])
    text = (Path(stack.workdir) / "actions.log").read_text()
    assert not any(number in text for number in PERSONAL)


def test_action_server_stays_ready_and_says_the_ticket_service_is_down(stack: Stack) -> None:
    """Knowledge answers need no ticket service: its outage is reported, the server stays in."""
    ready = requests.get(f"{stack.actions_url}/health/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["tickets"] == "ok"
    stack.stop("tickets")
    try:
        ready = requests.get(f"{stack.actions_url}/health/ready", timeout=10)
        assert ready.status_code == 200
        assert "ticket service unreachable" in ready.json()["tickets"]
        assert requests.get(f"{stack.actions_url}/health", timeout=10).status_code == 200
    finally:
        stack.start_tickets()


def test_deliver_health_metrics_and_json_logs(stack: Stack) -> None:
    """A notification for a REST conversation that cannot be delivered (Rasa is not running)
    is counted as failed; the outbox was read, so ``deliver`` is ready."""
    created = requests.post(f"{stack.tickets_url}/api/v1/tickets", timeout=30, json={
        "kind": "complaint", "topic": "pension", "description": "Lương hưu tháng 2 chưa nhận.",
        "channel": "rest", "conversation_id": CONVERSATION, "language": "vi",
        "citizen": {"name": "Nguyễn Văn A", "phone": PERSONAL[0], "cccd": PERSONAL[1],
                    "bhxh_code": None},
        "province": "Hà Nội", "commune": None, "consent": True,
    }, headers={"Authorization": f"Bearer {TICKETS_TOKEN}"})
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    officer = stack.staff_session("bhxh.ha-noi", "officer.metrics", "Mat-khau-metrics-2026")
    accepted = officer.post(f"{stack.tickets_url}/api/v1/tickets/{code}/accept", timeout=30)
    assert accepted.status_code == 200, accepted.text

    deliver = stack.start_delivery()
    deadline = time.monotonic() + 60
    while True:
        try:
            found = scrape(f"{deliver}/metrics")
            if found.get(("vss_deliver_notifications_total",
                          (("channel", "rest"), ("outcome", "failed")))):
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.5)
    assert ("vss_deliver_notifications_total",
            (("channel", "rest"), ("outcome", "delivered"))) not in found
    assert found[("vss_deliver_loop_lag_seconds", ())] >= 0
    assert requests.get(f"{deliver}/health/live", timeout=10).status_code == 200
    assert requests.get(f"{deliver}/health/ready", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{deliver}/metrics", timeout=10).status_code == 401

    lines = json_lines(Path(stack.workdir) / "deliver.log")
    failed = [e for e in lines if "not delivered" in e["message"]]
    assert failed and failed[0]["ticket_code"] == code and failed[0]["level"] == "WARNING"
    text = (Path(stack.workdir) / "deliver.log").read_text()
    assert not any(number in text for number in PERSONAL)


def test_the_metrics_rule() -> None:
    """bot/common/metrics.py: the token when set; without one open outside production, off in it."""
    token = METRICS_TOKEN
    assert metrics_scrape(None, "", production=False).status == 200
    assert metrics_scrape(None, "", production=True).status == 404
    assert metrics_scrape(None, token, production=True).status == 401
    assert metrics_scrape(f"Bearer {token}x", token, production=False).status == 401
    answer = metrics_scrape(f"Bearer {token}", token, production=True)
    assert answer.status == 200 and b"process_" in answer.body
