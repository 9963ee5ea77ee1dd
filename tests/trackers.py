"""Tracker helpers of the action tests: rasa-sdk trackers and the calls Rasa POSTs to the
action server, built one way."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

# A filled, confirmed complaint form.
FORM_SLOTS_FILLED = {
    "ticket_kind": "complaint",
    "topic": "one_time_withdrawal",
    "description": "Hồ sơ hưởng BHXH một lần nộp từ tháng 8 vẫn chưa được giải quyết.",
    "province": "Hà Nội",
    "commune": "Phường Hoàn Kiếm",
    "full_name": "Nguyễn Văn An",
    "phone": "0912345678",
    "id_number": "001099012345",
    "consent": True,
    "confirmed": True,
}

T0 = 1772416800.0  # Monday 2 March 2026, 02:00 UTC


def chat(*turns: tuple[str, str | None], start: float = T0) -> list[dict[str, Any]]:
    """Rasa events of a conversation: ("user" | "bot" | another event, text), a second apart."""
    events = []
    for i, (kind, words) in enumerate(turns):
        event: dict[str, Any] = {"event": kind, "timestamp": start + i}
        if kind in ("user", "bot"):
            event["text"] = words
        if kind == "user":
            event["input_channel"] = "socketio"
        events.append(event)
    return events


def tracker(
    slots: dict[str, Any],
    *,
    sender: str = "conv-1",
    text: str = "…",
    intent: str = "inform",
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    latest_action: str | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` with ``intent``, in ``active_loop``."""
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": []},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action,
    )


def make_tracker(
    slots: dict[str, Any], language: str = "vi", intent: str = "inform", text: str = "…"
) -> Tracker:
    """A tracker inside the intake form, after one message typed on the web chat."""
    return tracker(
        {"language": language, "failed_attempts": 0, **slots},
        text=text,
        intent=intent,
        events=[{"event": "user", "text": text, "input_channel": "socketio"}],
        active_loop="intake_form",
        latest_action="intake_form",
    )


def action_call(
    action: str,
    sender: str,
    slots: dict[str, Any],
    *,
    text: str,
    intent: str,
    channel: str,
    latest_action: str,
) -> dict[str, Any]:
    """What Rasa POSTs to the action server to run ``action`` in conversation ``sender``."""
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
            "events": [{"event": "user", "text": text, "input_channel": channel}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": latest_action,
        },
    }


def call(action: str, sender: str, text: str, slots: dict) -> dict:
    """What Rasa POSTs to the action server for ``action`` in conversation ``sender``."""
    return action_call(action, sender, {"language": "vi", **slots}, text=text,
                       intent="ask_question", channel="rest", latest_action="action_listen")
