"""Rasa's REST channel behind a token, off in production without one (issue #16, finding 1).

Before: credentials.yml enabled Rasa's own ``rest`` channel, open to anyone in every
environment, taking any sender and any ``input_channel``. Now ``bot/rasa_plugins/channels/rest.py``
(``CheckedRestInput``) requires ``Authorization: Bearer $REST_CHANNEL_TOKEN`` when it is set and
serves nothing in production without it. The channel runs in the harness
(``tests/channels/harness.py``): the real blueprints in a real Sanic server, a scripted bot.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.common.settings import Settings
from tests.channels.conftest import Harness
from tests.channels.credentials import channel_env
from tests.security.test_production_checks import GOOD, production

TOKEN = secrets.token_urlsafe(24)  # made per run, never a fixed secret


def start(tmp: Path, **env: str) -> Harness:
    base = {**os.environ, "APP_ENV": "test",
            **channel_env("http://127.0.0.1:9", "http://127.0.0.1:9", str(tmp / "state.db"))}
    base.pop("REST_CHANNEL_TOKEN", None)
    return Harness({**base, **env}, tmp / "harness.log")


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    harness = start(tmp_path_factory.mktemp("rest-token"), REST_CHANNEL_TOKEN=TOKEN)
    yield harness
    harness.stop()


def say(harness: Harness, body: dict, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{harness.url}/webhooks/rest/webhook", json=body, headers=headers,
                         timeout=30)


def test_with_a_token_set_only_its_bearer_may_speak(with_token: Harness) -> None:
    body = {"sender": "citizen-1", "message": "xin chào"}
    for wrong in (None, "x", TOKEN[:-1]):
        refused = say(with_token, body, wrong)
        assert refused.status_code == 401 and refused.json()["error"] == "bad_token"
    assert not with_token.received()
    answer = say(with_token, body, TOKEN)
    assert answer.status_code == 200 and answer.json()[0]["text"] == "Bạn nói: xin chào"


def test_production_without_a_token_serves_nothing(tmp_path: Path) -> None:
    env = production()
    harness = start(tmp_path, **{k: v for k, v in env.items() if k != "TRACKER_DB_URL"})
    try:
        for method, path in (("post", "/webhooks/rest/webhook"), ("get", "/webhooks/rest/")):
            answer = requests.request(method, harness.url + path, timeout=10,
                                      json={"sender": "a", "message": "xin chào"})
            assert answer.status_code == 404 and answer.json()["error"] == "channel_disabled"
        assert not harness.received()
    finally:
        harness.stop()


def test_a_production_rest_token_is_held_to_the_secret_rules() -> None:
    assert Settings.from_env(production(REST_CHANNEL_TOKEN=TOKEN)).problems() == []
    assert Settings.from_env(production(REST_CHANNEL_TOKEN="a")).problems() == [
        "REST_CHANNEL_TOKEN is shorter than 24 characters"]
    assert Settings.from_env(production(REST_CHANNEL_TOKEN=GOOD)).channel_enabled("rest")
    assert not Settings.from_env(production()).channel_enabled("rest")
