"""The one decision of the answer action: answer, ask which of a few, don't know, or can't.

- **answer** the best entry when it is clearly best (a high score with a lead over the
  runner-up, or a lower one when the lexical and the semantic scores both rank it first); up to
  two related entries go under it as buttons;
- **choose** ("did you mean") only when two or more entries are genuinely close, never one;
- **unknown** for what the base does not cover (a human and a ticket are offered);
- **cannot** for what the product cannot do (``bot/knowledge/capabilities.py``).

Thresholds were chosen on the development set ``bench/sets/kb_blind1.yml`` only (see
``docs/knowledge.md``); the final set was never used for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.capabilities import missing_capability
from bot.knowledge.prepare import guess_language
from bot.knowledge.schema import Entry
from bot.knowledge.search import Hit, SearchIndex
from bot.textnorm import expand_abbreviations

ANSWER_SCORE = 0.35  # answer at or above this score ...
ANSWER_LEAD = 0.08  # ... with at least this lead over the runner-up
AGREED_SCORE = 0.4  # both engines rank it first: answer from this score ...
AGREED_LEAD = 0.04  # ... with this smaller lead
SUGGEST_SCORE = 0.25  # below: not worth showing
CLOSE = 0.1  # entries within this of the best one are "genuinely close"
MAX_CHOICES = 3
MAX_RELATED = 2
CANDIDATES = 5

Kind = Literal["answer", "choose", "unknown", "cannot"]


@dataclass(frozen=True)
class Decision:
    """What to tell the citizen; ``options`` are related entries or the ones to choose from."""

    kind: Kind
    language: str
    entry_id: str | None = None
    options: tuple[str, ...] = ()
    capability: str | None = None


def _clearly_best(hits: Sequence[Hit]) -> bool:
    best = hits[0]
    lead = best.score - (hits[1].score if len(hits) > 1 else 0.0)
    if best.score >= ANSWER_SCORE and lead >= ANSWER_LEAD:
        return True
    return best.agreed and best.score >= AGREED_SCORE and lead >= AGREED_LEAD


def _related(entry: Entry, hits: Sequence[Hit], entries: dict[str, Entry]) -> tuple[str, ...]:
    """Up to MAX_RELATED entries: runners-up worth showing, then the entry's own ``related``."""
    close = [hit.entry_id for hit in hits[1:] if hit.score >= SUGGEST_SCORE]
    own = [name for name in entry.related if name in entries]
    chosen = [name for name in dict.fromkeys(close + own) if name != entry.id]
    return tuple(chosen[:MAX_RELATED])


def suggestions(hits: Sequence[Hit]) -> list[Hit]:
    """The hits worth showing as buttons (at most MAX_CHOICES)."""
    return [hit for hit in hits[:MAX_CHOICES] if hit.score >= SUGGEST_SCORE]


def decide_hits(
    hits: Sequence[Hit], entries: dict[str, Entry], language: str | None
) -> Decision:
    """The decision for search ``hits`` (best first); ``language`` is the conversation's."""
    if not hits:
        return Decision("unknown", language or "vi")
    language = language or hits[0].language
    if _clearly_best(hits):
        entry = entries[hits[0].entry_id]
        return Decision("answer", language, entry.id, _related(entry, hits, entries))
    floor = max(SUGGEST_SCORE, hits[0].score - CLOSE)
    close = tuple(hit.entry_id for hit in hits[:MAX_CHOICES] if hit.score >= floor)
    if len(close) >= 2:
        return Decision("choose", language, options=close)
    return Decision("unknown", language)


def decide(
    question: str, index: SearchIndex, entries: dict[str, Entry], language: str | None = None
) -> Decision:
    """The answer action's decision for a typed ``question``."""
    capability = missing_capability(question)
    if capability:
        language = language or guess_language(expand_abbreviations(question))
        return Decision("cannot", language, capability=capability)
    return decide_hits(index.search(question, k=CANDIDATES), entries, language)
