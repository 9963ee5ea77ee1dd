"""Production checks of the assistant (issue #16, item 9).

Before: ``RASA_TOKEN=a`` and one-character channel secrets passed the production check, there
was no action server token, and ``deliver`` started in production without any check. Now every
secret must be a real one (bot/common/settings.py ``secret_problem``) and every long-running command
refuses a production configuration that fails the check."""

from __future__ import annotations

import os
import subprocess

import pytest

from bot.common.settings import CHANNEL_SECRETS, ROOT, Settings, secret_problem
from tests.stack import BOT_PY

# Real-looking values: 32 URL-safe characters, a Zalo secret of 20, a Facebook one of 32 hex.
GOOD = "q8Xv2LkP9sRt4WmZ7bNc1YdF6hJg3TaE"
ZALO_SECRET = "4GWZIBC8RB7pWeRlWeIO"
FACEBOOK_SECRET = "d101ed0003b6f9683169f474932834ea"


def production(**secrets: str) -> dict[str, str]:
    """A production configuration that passes, with ``secrets`` changed."""
    return {
        "APP_ENV": "production",
        "TRACKER_DB_URL": "postgresql://rasa@db:5432/rasa",
        "RASA_TOKEN": GOOD, "ACTIONS_TOKEN": GOOD[::-1], "TICKETS_SERVICE_TOKEN": GOOD.lower(),
        **{name: GOOD for name in CHANNEL_SECRETS},
        "ZALO_APP_SECRET": ZALO_SECRET, "ZALO_OA_SECRET_KEY": ZALO_SECRET[::-1],
        "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
        **secrets,
    }


def test_real_secrets_pass() -> None:
    assert Settings.from_env(production()).problems() == []


@pytest.mark.parametrize("name", ["RASA_TOKEN", "ACTIONS_TOKEN", "TICKETS_SERVICE_TOKEN",
                                  *CHANNEL_SECRETS])
@pytest.mark.parametrize("value", ["a", "x" * 40, "changeme-changeme-change", GOOD[:19],
                                   f"{GOOD[:12]} {GOOD[12:]}", f"{GOOD}$HOME", "dev-only-" + GOOD])
def test_short_or_fake_secrets_are_refused(name: str, value: str) -> None:
    problems = Settings.from_env(production(**{name: value})).problems()
    assert len(problems) == 1 and problems[0].startswith(f"{name} "), problems


def test_platform_secrets_are_held_to_the_length_the_platform_issues() -> None:
    assert secret_problem("ZALO_APP_SECRET", ZALO_SECRET) is None
    assert secret_problem("RASA_TOKEN", ZALO_SECRET) == "RASA_TOKEN is shorter than 24 characters"
    assert secret_problem("FACEBOOK_APP_SECRET", FACEBOOK_SECRET[:24]) == (
        "FACEBOOK_APP_SECRET is shorter than 32 characters")


def test_the_development_defaults_are_refused_each() -> None:
    problems = Settings.from_env({"APP_ENV": "production"}).problems()
    for name in ("RASA_TOKEN", "ACTIONS_TOKEN", "TICKETS_SERVICE_TOKEN"):
        assert f"{name} still has its development default" in problems


@pytest.mark.parametrize("command", ["deliver", "actions", "rasa", "purge-conversations"])
def test_every_long_running_command_refuses_a_bad_production_configuration(command: str) -> None:
    env = {**os.environ, **production(RASA_TOKEN="a")}
    env.pop("VSS_CLOCK_FILE", None)
    done = subprocess.run([str(BOT_PY), "-m", "bot.cli", command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Refusing to start in production:\n  - RASA_TOKEN is shorter than 24" in done.stderr
