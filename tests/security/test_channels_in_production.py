"""Zalo and Messenger off in production unless their real secrets are set (finding 9).

Before: both channels were always on, with development secrets by default; in production a
deployment without Zalo or Messenger could not start at all (their development defaults failed
the check) unless it invented secrets for platforms it does not use. Now a channel whose secrets
are all unset is off in production (every route 404 ``channel_disabled``) and its secrets are not
asked for; once one of its secrets is set, all of them are held to the rules of
``bot/common/settings.py`` (``secret_problem``: ``MIN_SECRET_LENGTH`` or the length the platform
issues).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bot.common.settings import CHANNEL_SECRET_NAMES, CHANNEL_SECRETS, Settings
from tests.channels.conftest import Harness
from tests.security.test_production_checks import GOOD, production


def without_channels() -> dict[str, str]:
    env = production()
    for name in CHANNEL_SECRETS:
        env.pop(name)
    return env


def test_production_needs_no_secrets_of_channels_it_does_not_use() -> None:
    settings = Settings.from_env(without_channels())
    assert settings.problems() == []
    assert not settings.channel_enabled("zalo") and not settings.channel_enabled("facebook")
    assert settings.channel_enabled("socketio")


@pytest.mark.parametrize("channel", sorted(CHANNEL_SECRET_NAMES))
def test_one_secret_set_turns_the_channel_on_and_checks_all_of_its_secrets(channel: str) -> None:
    first, *others = CHANNEL_SECRET_NAMES[channel]
    settings = Settings.from_env({**without_channels(), first: GOOD})
    assert settings.channel_enabled(channel)
    assert sorted(settings.problems()) == sorted(
        f"{name} still has its development default" for name in others)


def test_the_webhooks_are_off_in_production_without_their_secrets(tmp_path: Path) -> None:
    env = {**os.environ, **without_channels(), "CHANNELS_STATE_DB": str(tmp_path / "state.db")}
    for name in CHANNEL_SECRETS:
        env.pop(name, None)
    harness = Harness(env, tmp_path / "harness.log")
    try:
        for method, path in (("post", "/webhooks/zalo/webhook"), ("get", "/webhooks/zalo/"),
                             ("post", "/webhooks/facebook/webhook"),
                             ("get", "/webhooks/facebook/webhook")):
            answer = requests.request(method, harness.url + path, json={}, timeout=10)
            assert answer.status_code == 404, (path, answer.text)
            assert answer.json()["error"] == "channel_disabled"
    finally:
        harness.stop()
