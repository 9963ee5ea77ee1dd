"""A ticket created but never confirmed (issue #16, item 3).

Before: when the action server (or Rasa) died after the ticket service had committed the
ticket, the citizen got an empty reply, and every later try built a new transcript, sent it under
the same Idempotency-Key and got 422 ``idempotency_key_reused`` forever. Now the request is
frozen when the citizen confirms (the ``submission`` slot, set by the form's validation before
the submit runs) and built only from what precedes the confirmation, so a retry re-sends exactly
the first body and gets the ticket already made."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ValidateIntakeForm
from tests.e2e.conftest import Chat
from tests.fault_proxy import FaultProxy, stored_codes
from tests.stack import Stack, free_port
from tests.trackers import FORM_SLOTS_FILLED, T0, chat, make_tracker


def confirm(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The form's validation of the citizen's "yes" to the summary, after ``events``."""
    slots = {**FORM_SLOTS_FILLED, "confirmed": None}
    tracker = make_tracker(slots)
    tracker.events = events
    return ValidateIntakeForm().validate_confirmed(True, CollectingDispatcher(), tracker, {})


def test_the_request_is_frozen_when_the_citizen_confirms() -> None:
    summary = chat(("user", "Tôi muốn khiếu nại"), ("bot", "Tóm tắt: ... Gửi yêu cầu này?"))
    result = confirm([*summary, *chat(("user", "đồng ý"), start=T0 + 60)])
    frozen = result["submission"]
    assert result["confirmed"] is True and frozen["key"].startswith("rasa-")
    assert frozen["payload"]["citizen"]["phone"] == FORM_SLOTS_FILLED["phone"]
    assert [t["text"] for t in frozen["payload"]["transcript"]] == [
        "Tôi muốn khiếu nại", "Tóm tắt: ... Gửi yêu cầu này?"]


def test_a_confirmation_repeated_after_a_lost_turn_builds_the_same_request() -> None:
    """Rasa stopped before storing the confirming turn: the citizen confirms again, later and in
    other words; the request (body and key) is the one the service already has."""
    summary = chat(("user", "Tôi muốn khiếu nại"), ("bot", "Tóm tắt: ... Gửi yêu cầu này?"))
    first = confirm([*summary, *chat(("user", "đồng ý"), start=T0 + 60)])
    again = confirm([*summary, *chat(("user", "vâng, gửi đi"), start=T0 + 600)])
    assert again["submission"] == first["submission"]


def test_a_frozen_request_is_not_rebuilt() -> None:
    """The form re-validates its filled slots when "try again" restarts it: the kept request
    stays, however the conversation went on."""
    kept = {"payload": {"kind": "complaint"}, "key": "rasa-kept"}
    slots = {**FORM_SLOTS_FILLED, "submission": kept}
    tracker = make_tracker(slots, text="thử lại")
    result = ValidateIntakeForm().validate_confirmed(True, CollectingDispatcher(), tracker, {})
    assert result == {"confirmed": True, "intake_end": "confirmed", "submission": kept}


# --- through the running processes ------------------------------------------------------------


@pytest.fixture(scope="module")
def crash(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FaultProxy]]:
    """Ticket service, action server and Rasa, the action server reaching the service through a
    fault proxy (tests/test_submit_faults.py)."""
    stack = Stack.configure(Path(tmp_path_factory.mktemp("crash")))
    proxy = FaultProxy(stack.tickets_url, free_port())
    try:
        stack.start_tickets()
        proxy.start()
        stack.env["TICKETS_URL"] = proxy.url
        stack.start_actions()
        stack.start_rasa()
    except Exception:
        print(stack.logs())
        stack.stop_all()
        proxy.stop()
        raise
    yield stack, proxy
    proxy.release()
    stack.stop_all()
    proxy.stop()


def kill(stack: Stack, name: str) -> None:
    """A crash: SIGKILL, no graceful shutdown."""
    process = stack.processes.pop(name)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def fill_the_form(chat: Chat) -> None:
    chat.say_text("toi muon khieu nai ve luong huu")
    for answer in ("Luong huu thang 10 cua toi chua duoc chi tra du, toi da hoi nhieu lan.",
                   "ha noi", "bo qua", "Tran Van Hung", "0988 777 666", "bo qua"):
        chat.say_text(answer)
    assert "0988777666" in chat.say_text("dong y")  # the summary


@pytest.mark.e2e
def test_the_action_server_dies_after_the_commit_and_the_retry_confirms(
    crash: tuple[Stack, FaultProxy],
) -> None:
    stack, proxy = crash
    citizen = Chat(stack)
    try:
        fill_the_form(citizen)
        proxy.plan = ["hold"]
        with ThreadPoolExecutor(1) as pool:
            reply = pool.submit(citizen.say_text, "/affirm")
            deadline = time.monotonic() + 60
            while not (proxy.creates and proxy.creates[0].upstream == 201):
                assert time.monotonic() < deadline, "the create never reached the service"
                time.sleep(0.05)
            kill(stack, "actions")  # the service has committed, nobody got its answer
            silence = reply.result(timeout=120)
        proxy.release()
        (code,) = stored_codes(stack, citizen.sender)
        assert code not in silence and "BHXH-" not in silence

        stack.start_actions()
        retry = citizen.say_text("toi muon khieu nai")
        proxy.settle()
        assert code in retry and "chưa có mã phiếu" not in retry, retry
        assert stored_codes(stack, citizen.sender) == [code]
        first, *later = proxy.creates
        assert later and {c.key for c in later} == {first.key}
        assert [c.upstream for c in later] == [200] * len(later)  # replays of the first
    except Exception:
        print(stack.logs())
        raise
