"""Rasa's health checks and metrics over HTTP after REST turns, ``deliver``'s after a
delivered notification, and the JSON logs of both (issue #18; the stack runs Rasa with
``LOG_FORMAT=json``, and no ``METRICS_TOKEN`` outside production: tests/test_observability.py
checks the token)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import requests

from tests.e2e.conftest import Chat
from tests.stack import TICKETS_TOKEN, Stack
from tests.test_observability import samples

TEXT_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # Rasa's coloured text format
PHONE = "0987654321"


def metrics(url: str) -> dict:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return samples(answer.text)


def increase(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def test_rasa_health_and_metrics_after_rest_turns(chat: Chat, stack: Stack) -> None:
    assert requests.get(f"{stack.rasa_url}/webhooks/health/live", timeout=10).json() == {
        "status": "ok"}
    ready = requests.get(f"{stack.rasa_url}/webhooks/health/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["model"], ready.text
    url = f"{stack.rasa_url}/webhooks/metrics/"
    before = metrics(url)
    chat.say(f"xin chào, số của tôi là {PHONE}")
    chat.say("/nlu_fallback")  # the two-stage fallback's first step
    after = metrics(url)
    assert increase(before, after, "vss_rasa_turns_total", channel="rest") == 2
    assert increase(before, after, "vss_rasa_turn_seconds_count", channel="rest") == 2
    assert increase(before, after, "vss_rasa_turn_seconds_sum", channel="rest") > 0
    assert increase(before, after, "vss_rasa_fallbacks_total",
                    action="action_two_stage_fallback") == 1
    text = requests.get(url, timeout=10).text
    assert chat.sender not in text and PHONE not in text

    log = (Path(stack.workdir) / "rasa.log").read_text()
    assert not [line for line in log.splitlines() if TEXT_LOG_LINE.match(line)]
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert {"time", "level", "logger", "message"} <= set(records[-1])
    assert PHONE not in log


def test_deliver_metrics_after_a_delivered_notification(chat: Chat, stack: Stack) -> None:
    chat.say("xin chào")
    created = requests.post(f"{stack.tickets_url}/api/v1/tickets", timeout=30, json={
        "kind": "complaint", "topic": "pension", "description": "Lương hưu tháng 2 chưa nhận.",
        "channel": "rest", "conversation_id": chat.sender, "language": "vi",
        "citizen": {"name": "Nguyễn Văn A", "phone": PHONE, "cccd": None, "bhxh_code": None},
        "province": "Hà Nội", "commune": None, "consent": True,
    }, headers={"Authorization": f"Bearer {TICKETS_TOKEN}"})
    assert created.status_code == 201, created.text
    deliver = stack.deliver_urls["deliver"]
    before = metrics(f"{deliver}/metrics")
    officer = stack.staff_session("bhxh.ha-noi", "officer.observed", "Mat-khau-observed-2026")
    code = created.json()["code"]
    assert officer.post(f"{stack.tickets_url}/api/v1/tickets/{code}/accept",
                        timeout=30).status_code == 200
    deadline = time.monotonic() + 60
    while not increase(before, metrics(f"{deliver}/metrics"), "vss_deliver_notifications_total",
                       channel="rest", outcome="delivered"):
        assert time.monotonic() < deadline, "the notification was never delivered"
        time.sleep(0.5)
    assert requests.get(f"{deliver}/health/ready", timeout=10).json() == {"status": "ok"}
    log = (Path(stack.workdir) / "deliver.log").read_text()
    assert PHONE not in log
