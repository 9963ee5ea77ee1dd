"""Zalo events outside a freshness window are refused (issue #16, finding 9).

Before: a correctly signed Zalo event was accepted whatever its timestamp, so a captured request
could be replayed once the seen-events table had forgotten its ``msg_id``. Now an event signed
more than ``MAX_EVENT_AGE_SECONDS`` (15 minutes) before or after the channel's clock is refused
with 403 ``stale_event``; the clock is the injected one (``bot/common/clock.py``): the harness runs
at a stated instant through its own clock file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.common.clock import CLOCK_FILE, write_clock_file
from bot.rasa_plugins.channels.zalo import MAX_EVENT_AGE_SECONDS
from tests.channels.conftest import Harness, wait_for
from tests.channels.test_zalo import post, zalo_event
from tests.instants import WORKING_MORNING


@pytest.fixture(scope="module")
def at_monday(harness_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
              ) -> Iterator[Harness]:
    """A harness whose clock reads Monday morning (tests/instants.py)."""
    workdir = tmp_path_factory.mktemp("zalo-fresh")
    write_clock_file(workdir / "clock", WORKING_MORNING)
    harness = Harness({**harness_env, CLOCK_FILE: str(workdir / "clock"),
                       "CHANNELS_STATE_DB": str(workdir / "state.db")}, workdir / "h.log")
    yield harness
    harness.stop()


def test_events_signed_outside_the_window_are_refused(at_monday: Harness) -> None:
    now = WORKING_MORNING.timestamp()
    for skew in (-MAX_EVENT_AGE_SECONDS - 60, MAX_EVENT_AGE_SECONDS + 60, -86_400):
        event = zalo_event("tin cũ", at=now + skew)
        answer = post(at_monday, event)
        assert answer.status_code == 403 and answer.json()["error"] == "stale_event", skew
    # fresh by the channel's injected clock (Monday morning), whatever the real time
    fresh = zalo_event("tin mới", at=now - MAX_EVENT_AGE_SECONDS + 60)
    assert post(at_monday, fresh).status_code == 200
    wait_for(lambda: [m["text"] for m in at_monday.received()] == ["tin mới"])


def test_a_timestamp_that_is_not_milliseconds_is_refused(at_monday: Harness) -> None:
    event = zalo_event("xin chào")
    event["timestamp"] = "yesterday"
    answer = post(at_monday, event)
    assert answer.status_code == 400 and answer.json()["error"] == "bad_timestamp"
