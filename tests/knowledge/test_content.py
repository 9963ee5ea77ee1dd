"""Content check of the shipped knowledge: schema, languages, legal basis, dates, duplicates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.action_lib.knowledge.check import content_problems
from bot.action_lib.knowledge.schema import Entry
from bot.action_lib.knowledge.store import DEFAULT_DIR, load_entries
from bot.common import clock
from tests.knowledge.helpers import make_entry, write_topic

MIN_ENTRIES = 120


@pytest.fixture(scope="module")
def shipped() -> list[Entry]:
    return load_entries(
        DEFAULT_DIR
    )  # the schema (both languages, legal basis, dates) is enforced here


def test_shipped_content_has_no_problems(shipped: list[Entry]) -> None:
    assert content_problems(shipped, clock.today()) == []  # the run's today (bot/common/clock.py)


def test_shipped_content_is_large_enough(shipped: list[Entry]) -> None:
    assert len(shipped) >= MIN_ENTRIES


def test_every_topic_file_declares_its_topic(shipped: list[Entry]) -> None:
    for entry in shipped:
        assert Path(entry.file).stem == entry.topic, entry.id


def _problems(tmp_path: Path, *entries: dict) -> list[str]:
    write_topic(tmp_path, "t", list(entries))
    return content_problems(load_entries(tmp_path), dt.date(2026, 11, 23))


def test_detects_a_question_claimed_by_two_entries(tmp_path: Path) -> None:
    first = make_entry("a", ["Rút BHXH một lần?", "Câu khác"], ["One", "Other"])
    second = make_entry("b", ["rut bao hiem xa hoi mot lan", "Câu nữa"], ["Two", "More"])
    assert _problems(tmp_path, first, second) == [
        "t.yml: b: question 'rut bao hiem xa hoi mot lan' is also claimed by a"
    ]


def test_detects_missing_related_future_review_and_few_variants(tmp_path: Path) -> None:
    entry = make_entry("a", ["Chỉ một câu"], ["Q1", "Q2"], related=["nowhere"])
    entry["last_reviewed"] = "2030-01-01"
    assert _problems(tmp_path, entry) == [
        "t.yml: a: related id 'nowhere' does not exist",
        "t.yml: a: last_reviewed 2030-01-01 is in the future",
        "t.yml: a: fewer than 2 vi question variants",
    ]


def test_detects_decomposed_unicode(tmp_path: Path) -> None:
    import unicodedata

    entry = make_entry("a", [unicodedata.normalize("NFD", "Bảo hiểm"), "Câu hai"], ["Q1", "Q2"])
    assert _problems(tmp_path, entry) == ["t.yml: a: text is not in Unicode NFC form"]
