"""Content checks beyond the schema: links, dates, duplicate questions, Unicode form."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence

from bot.action_lib.knowledge.schema import LANGUAGES, Entry
from bot.common.textnorm import expand_abbreviations, fold

MIN_VARIANTS = 2  # question variants required per language


def _texts(entry: Entry) -> Iterable[str]:
    for lang in LANGUAGES:
        yield from entry.questions[lang]
        yield entry.answers[lang].short
        yield entry.answers[lang].details


def _question_key(question: str) -> str:
    return " ".join(
        "".join(c if c.isalnum() else " " for c in fold(expand_abbreviations(question))).split()
    )


def content_problems(entries: Sequence[Entry], today: dt.date) -> list[str]:
    """Every problem found, as readable lines (empty when the content is sound)."""
    problems: list[str] = []
    ids = {entry.id for entry in entries}
    claimed: dict[str, str] = {}
    for entry in entries:
        where = f"{entry.file}: {entry.id}"
        problems += [
            f"{where}: related id {r!r} does not exist" for r in entry.related if r not in ids
        ]
        if entry.last_reviewed > today:
            problems.append(f"{where}: last_reviewed {entry.last_reviewed} is in the future")
        for lang in LANGUAGES:
            if len(entry.questions[lang]) < MIN_VARIANTS:
                problems.append(f"{where}: fewer than {MIN_VARIANTS} {lang} question variants")
        if any(unicodedata.normalize("NFC", text) != text for text in _texts(entry)):
            problems.append(f"{where}: text is not in Unicode NFC form")
        for lang in LANGUAGES:
            for question in entry.questions[lang]:
                key = _question_key(question)
                owner = claimed.setdefault(key, entry.id)
                if owner != entry.id:
                    problems.append(f"{where}: question {question!r} is also claimed by {owner}")
    return problems
