"""The one decision of the answer action: answer, ask which of a few, don't know, or can't.

- **answer** the best entry when it is clearly best (a high score with a lead over the
  runner-up, or a lower one when the lexical and the semantic scores both rank it first); up to
  two related entries go under it as buttons;
- **choose** ("did you mean") only when two or more entries are genuinely close, never one;
- **unknown** for what the base does not cover (a human and a ticket are offered);
- **capability** for a question about what the assistant itself can or cannot do
  (``bot/action_lib/knowledge/capabilities.py``).

Thresholds were chosen on the development set ``bench/sets/kb_blind1.yml``, the English
``suggest_en`` on it and ``kb_blind2_final.yml`` (a development set since 2026-12-03; see
``docs/knowledge.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.action_lib.knowledge.capabilities import capability_asked
from bot.action_lib.knowledge.prepare import guess_language
from bot.action_lib.knowledge.schema import Entry
from bot.action_lib.knowledge.search import Hit, SearchIndex
from bot.common import clock
from bot.common.textnorm import expand_abbreviations


@dataclass(frozen=True)
class Thresholds:
    """Scores and leads of the policy; fused scores and lexical-only scores differ in scale."""

    answer: float  # answer at or above this score ...
    lead: float  # ... with at least this lead over the runner-up
    agreed: float  # both engines rank it first: answer from this score ...
    agreed_lead: float  # ... with this (smaller) lead
    suggest: float  # below: not worth showing
    close: float  # entries within this of the best one are "genuinely close"
    suggest_en: float  # ``suggest`` for a question in English (its scores run lower)


FUSED = Thresholds(
    answer=0.35, lead=0.06, agreed=0.4, agreed_lead=0.0, suggest=0.27, close=0.1, suggest_en=0.25
)
# Without the encoder: the lexical engine's thresholds of before (answer 0.30 with a 0.05 lead,
# show from 0.18), chosen on the entries' own variants and an off-topic list.
LEXICAL = Thresholds(
    answer=0.3, lead=0.05, agreed=1.0, agreed_lead=1.0, suggest=0.18, close=0.1, suggest_en=0.18
)
MAX_CHOICES = 3
MAX_RELATED = 2
CANDIDATES = 5

Kind = Literal["answer", "choose", "unknown", "capability"]


@dataclass(frozen=True)
class Decision:
    """What to tell the citizen; ``options`` are related entries or the ones to choose from."""

    kind: Kind
    language: str
    entry_id: str | None = None
    options: tuple[str, ...] = ()
    capability: str | None = None


def _clearly_best(hits: Sequence[Hit], limits: Thresholds) -> bool:
    best = hits[0]
    lead = best.score - (hits[1].score if len(hits) > 1 else 0.0)
    if best.score >= limits.answer and lead >= limits.lead:
        return True
    return best.agreed and best.score >= limits.agreed and lead >= limits.agreed_lead


def _related(
    entry: Entry, hits: Sequence[Hit], entries: dict[str, Entry], limits: Thresholds
) -> tuple[str, ...]:
    """Up to MAX_RELATED entries: runners-up worth showing, then the entry's own ``related``."""
    close = [hit.entry_id for hit in hits[1:] if hit.score >= limits.suggest]
    own = [name for name in entry.related if name in entries]
    chosen = [name for name in dict.fromkeys(close + own) if name != entry.id]
    return tuple(chosen[:MAX_RELATED])


def thresholds(index: SearchIndex) -> Thresholds:
    """The thresholds for the scores of ``index`` (fused, or lexical only)."""
    return LEXICAL if index.semantic is None else FUSED


def suggestions(hits: Sequence[Hit], limits: Thresholds = FUSED) -> list[Hit]:
    """The hits worth showing as buttons (at most MAX_CHOICES)."""
    return [hit for hit in hits[:MAX_CHOICES] if hit.score >= limits.suggest]


def in_force_first(
    hits: Sequence[Hit], entries: dict[str, Entry], limits: Thresholds
) -> list[Hit]:
    """The hits with a rule no longer in force replaced by its successor (an entry it names in
    ``related`` that is in force today, by the injected clock) when the two are close: the
    successor takes its place and score, and the ended rule leaves the list, so a question on
    "nghỉ chăm con ốm" gets today's rule (which names the earlier one) instead of a choice
    between the two versions or the rule that ended on 30/06/2025."""
    today = clock.today()
    taken: set[str] = set()
    ordered = []
    for at, hit in enumerate(hits):
        if hit.entry_id in taken:
            continue
        entry = entries[hit.entry_id]
        successor = None if entry.in_force(today) else next(
            (other.entry_id for other in hits[at + 1:]
             if other.entry_id in entry.related and entries[other.entry_id].in_force(today)
             and hit.score - other.score <= limits.close), None)
        if successor is not None:
            taken.add(successor)
        ordered.append(hit if successor is None else replace(hit, entry_id=successor))
    return ordered


def decide_hits(
    hits: Sequence[Hit],
    entries: dict[str, Entry],
    language: str | None,
    limits: Thresholds = FUSED,
) -> Decision:
    """The decision for search ``hits`` (best first); ``language`` is the conversation's."""
    if not hits:
        return Decision("unknown", language or "vi")
    hits = in_force_first(hits, entries, limits)
    language = language or hits[0].language
    if _clearly_best(hits, limits):
        entry = entries[hits[0].entry_id]
        return Decision("answer", language, entry.id, _related(entry, hits, entries, limits))
    floor = max(limits.suggest, hits[0].score - limits.close)
    close = tuple(hit.entry_id for hit in hits[:MAX_CHOICES] if hit.score >= floor)
    if len(close) >= 2:
        return Decision("choose", language, options=close)
    return Decision("unknown", language)


def chosen_answer(entry_id: str, entries: dict[str, Entry], language: str | None) -> Decision:
    """The answer to an entry the citizen picked (a button), with its own related entries."""
    entry = entries[entry_id]
    return Decision("answer", language or "vi", entry_id, _related(entry, (), entries, FUSED))


def decide(
    question: str, index: SearchIndex, entries: dict[str, Entry], language: str | None = None
) -> Decision:
    """The answer action's decision for a typed ``question``."""
    asked = guess_language(expand_abbreviations(question))
    capability = capability_asked(question)
    if capability:
        return Decision("capability", language or asked, capability=capability)
    limits = thresholds(index)
    if asked == "en":
        limits = replace(limits, suggest=limits.suggest_en)
    return decide_hits(index.search(question, k=CANDIDATES), entries, language, limits)
