"""Knowledge entries: the data model and its validation from YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("vi", "en")
ENTRY_KEYS = frozenset(
    {"id", "topic", "questions", "answer", "legal_basis", "source", "valid_from", "valid_to"}
    | {"last_reviewed", "related", "notes"}
)


class KnowledgeError(ValueError):
    """A knowledge file or entry does not follow the schema."""


@dataclass(frozen=True)
class Answer:
    """An answer in one language: a short sentence first, details after."""

    short: str
    details: str


@dataclass(frozen=True)
class LegalRef:
    """A legal document, optionally narrowed to an article."""

    document: str
    article: str | None = None

    def label(self) -> str:
        """``"Luật 41/2024/QH15, Điều 70"``-style label."""
        return f"{self.document}, {self.article}" if self.article else self.document


@dataclass(frozen=True)
class Entry:
    """One question/answer unit of the knowledge base."""

    id: str
    topic: str
    questions: dict[str, tuple[str, ...]]
    answers: dict[str, Answer]
    legal_basis: tuple[LegalRef, ...]
    source: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    last_reviewed: dt.date
    related: tuple[str, ...] = ()
    notes: str = ""
    file: str = field(default="", compare=False)

    def in_force(self, today: dt.date) -> bool:
        """True when the rule applies on ``today``."""
        return self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: expected a non-empty text")
    return value.strip()


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise KnowledgeError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: expected a mapping")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise KnowledgeError(f"{where}: expected a non-empty list")
    return tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value))


def _questions(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    raw = _mapping(raw, where)
    return {lang: _texts(raw.get(lang), f"{where}.{lang}") for lang in LANGUAGES}


def _answers(raw: Any, where: str) -> dict[str, Answer]:
    raw = _mapping(raw, where)
    answers = {}
    for lang in LANGUAGES:
        part = _mapping(raw.get(lang), f"{where}.{lang}")
        answers[lang] = Answer(
            short=_text(part.get("short"), f"{where}.{lang}.short"),
            details=_text(part.get("details"), f"{where}.{lang}.details"),
        )
    return answers


def _legal_basis(raw: Any, where: str) -> tuple[LegalRef, ...]:
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(f"{where}: at least one legal document is required")
    refs = []
    for i, item in enumerate(raw):
        item = _mapping(item, f"{where}[{i}]")
        article = item.get("article")
        refs.append(
            LegalRef(
                document=_text(item.get("document"), f"{where}[{i}].document"),
                article=None if article is None else _text(article, f"{where}[{i}].article"),
            )
        )
    return tuple(refs)


def parse_entry(raw: Any, topic: str, file: str = "") -> Entry:
    """Build an :class:`Entry` from one YAML mapping, raising :class:`KnowledgeError` if invalid."""
    raw = _mapping(raw, file or "entry")
    entry_id = _text(raw.get("id"), f"{file}: id")
    where = f"{file}: {entry_id}"
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise KnowledgeError(f"{where}: unknown field(s) {sorted(unknown)}")
    if raw.get("topic", topic) != topic:
        raise KnowledgeError(
            f"{where}: topic {raw.get('topic')!r} differs from the file's {topic!r}"
        )
    valid_to = raw.get("valid_to")
    entry = Entry(
        id=entry_id,
        topic=topic,
        questions=_questions(raw.get("questions"), f"{where}.questions"),
        answers=_answers(raw.get("answer"), f"{where}.answer"),
        legal_basis=_legal_basis(raw.get("legal_basis"), f"{where}.legal_basis"),
        source=_texts(raw.get("source"), f"{where}.source"),
        valid_from=_date(raw.get("valid_from"), f"{where}.valid_from"),
        valid_to=None if valid_to is None else _date(valid_to, f"{where}.valid_to"),
        last_reviewed=_date(raw.get("last_reviewed"), f"{where}.last_reviewed"),
        related=tuple(raw.get("related") or ()),
        notes=str(raw.get("notes") or "").strip(),
        file=file,
    )
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        raise KnowledgeError(f"{where}: valid_to is before valid_from")
    return entry


def parse_file(raw: Any, file: str) -> list[Entry]:
    """Parse one topic file (``topic:`` + ``entries:``)."""
    raw = _mapping(raw, file)
    topic = _text(raw.get("topic"), f"{file}: topic")
    entries = raw.get("entries")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{file}: 'entries' must be a non-empty list")
    return [parse_entry(item, topic, file) for item in entries]
