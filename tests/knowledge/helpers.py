"""Test helpers: knowledge entries written from Python data, and rasa-sdk trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker


def make_entry(entry_id: str, vi: list[str], en: list[str], **extra: Any) -> dict[str, Any]:
    """A valid entry mapping with the given questions; ``extra`` overrides fields."""
    entry: dict[str, Any] = {
        "id": entry_id,
        "questions": {"vi": vi, "en": en},
        "answer": {
            "vi": {"short": f"Trả lời {entry_id}. {vi[0]}", "details": f"Chi tiết {entry_id}."},
            "en": {"short": f"Answer {entry_id}. {en[0]}", "details": f"Details {entry_id}."},
        },
        "legal_basis": [{"document": "Luật 41/2024/QH15", "article": "Điều 70"}],
        "source": ["https://vss.gov.vn"],
        "valid_from": "2025-07-01",
        "valid_to": None,
        "last_reviewed": "2026-11-01",
        "related": [],
    }
    entry.update(extra)
    return entry


SAMPLE = [
    make_entry(
        "hotline",
        ["Số tổng đài BHXH là gì?", "Số điện thoại đường dây nóng bảo hiểm xã hội"],
        ["What is the VSS hotline number?", "Social insurance phone number"],
    ),
    make_entry(
        "one_time",
        ["Rút bảo hiểm xã hội một lần cần điều kiện gì?", "Khi nào được nhận BHXH một lần?"],
        ["Can I withdraw my social insurance as a lump sum?"],
    ),
    make_entry(
        "maternity",
        ["Chế độ thai sản khi sinh con được hưởng bao nhiêu?", "Nghỉ sinh con mấy tháng?"],
        ["How much maternity benefit do I get?", "How long is maternity leave?"],
    ),
]


def write_topic(directory: Path, topic: str, entries: list[dict[str, Any]]) -> Path:
    """Write one topic file and return its path."""
    path = directory / f"{topic}.yml"
    path.write_text(
        yaml.safe_dump({"topic": topic, "entries": entries}, allow_unicode=True), encoding="utf-8"
    )
    return path


def make_tracker(
    text: str,
    *,
    channel: str = "rest",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    history: list[str] = (),  # type: ignore[assignment]
) -> Tracker:
    """A rasa-sdk Tracker whose latest user message is ``text``, typed on ``channel``."""
    latest = {"text": text, "intent": {"name": "ask_question"}, "entities": entities or []}
    events = [{"event": "user", "text": old, "input_channel": channel} for old in history]
    events.append({"event": "user", "text": text, "input_channel": channel, "parse_data": latest})
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )
