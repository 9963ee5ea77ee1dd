"""Blind-set scores through the answer action's own decision
(``bot.action_lib.knowledge.policy.decide``).

Usage: .venv/bin/python bench/knowledge_blind.py SET LABELS [--misses]

Per form (vi, vi_nodiac, en): of the covered questions, answered directly and right (the
expected entry or an accepted other), right entry among what is shown (the answer, its related
buttons, or the did-you-mean buttons); of all questions, answered directly and wrong (a wrong
entry, or any answer to a question the base does not cover), did-you-mean rate; of the
not-covered questions, how many got "I don't know". Off-topic: refused ("I don't know" or "I
cannot"). Aggregates only; ``--misses`` lists the misses of the development sets (``DEVELOPMENT``,
whose misses have been read) and is refused for any other set.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.action_lib.knowledge.policy import decide  # noqa: E402
from bot.action_lib.knowledge.store import KnowledgeBase  # noqa: E402

FORMS = ("vi", "vi_nodiac", "en")
REFUSED = ("unknown", "capability")
# Sets whose misses have been read (docs/knowledge.md); the misses of any other set are refused.
DEVELOPMENT = ("kb_blind1", "kb_blind2_final")


def load(set_path: Path, labels_path: Path) -> list[dict]:
    """The questions of a set joined with their labels."""
    questions = yaml.safe_load(set_path.read_text(encoding="utf-8"))["questions"]
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))["labels"]
    return [{**question, **labels[question["id"]]} for question in questions]


def tally(
    counts: dict[str, Counter], question: dict, kind: str, entry_id: str | None, shown: set[str]
) -> bool:
    """Count one reply (``kind``: answer / choose / unknown / capability) in ``counts``.

    Returns whether it is a miss (a wrong answer, or a covered question not answered right).
    """
    expected = question["expected"]
    accepted = {expected, *(question.get("also") or [])}
    row = counts.setdefault(question["form"], Counter())
    row["n"] += 1
    row["choose"] += kind == "choose"
    if expected == "offtopic":
        row["refused"] += kind in REFUSED
        return kind not in REFUSED
    if expected == "not_covered":
        row["not_covered"] += 1
        row["not_covered_refused"] += kind in REFUSED
        row["wrong"] += kind == "answer"
        return kind == "answer"
    answered = kind == "answer"
    row["covered"] += 1
    row["right"] += answered and entry_id in accepted
    row["wrong"] += answered and entry_id not in accepted
    row["shown"] += bool(accepted & shown)
    return not (answered and entry_id in accepted)


def score(kb: KnowledgeBase, questions: list[dict]) -> tuple[dict[str, Counter], list[str]]:
    """Counters per form and the misses (as printable lines)."""
    snapshot = kb.snapshot()
    counts: dict[str, Counter] = {}
    misses = []
    for question in questions:
        decision = decide(question["text"], snapshot.index, snapshot.entries)
        shown = {decision.entry_id, *decision.options} - {None}
        if tally(counts, question, decision.kind, decision.entry_id, shown):
            misses.append(
                f"[{question['id']}] {question['text']!r}: expected {question['expected']}, got "
                f"{decision.kind} {decision.entry_id or ''} {list(decision.options)}"
            )
    return counts, misses


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report(counts: dict[str, Counter]) -> None:
    """Print the aggregate figures."""
    print(
        f"{'form':<10} {'n':>4} {'covered':>7} {'right':>7} {'wrong':>7} {'shown':>7} "
        f"{'did-you-mean':>12} {'not covered refused':>20}"
    )
    for form in FORMS:
        row = counts.get(form, Counter())
        print(
            f"{form:<10} {row['n']:>4} {row['covered']:>7} "
            f"{_share(row['right'], row['covered']):>7} {_share(row['wrong'], row['n']):>7} "
            f"{_share(row['shown'], row['covered']):>7} {_share(row['choose'], row['n']):>12} "
            f"{row['not_covered_refused']:>9} of {row['not_covered']:<4}"
        )
    off = counts.get("offtopic", Counter())
    print(f"off-topic  {off['n']:>4} refused {_share(off['refused'], off['n'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--misses", action="store_true", help="development sets only")
    args = parser.parse_args()
    if args.misses and args.set.stem not in DEVELOPMENT:
        raise SystemExit("the misses of a final set are never printed")
    kb = KnowledgeBase()
    counts, misses = score(kb, load(args.set, args.labels))
    semantic = kb.snapshot().index.semantic is not None
    print(f"entries: {len(kb.snapshot().entries)}  semantic: {'on' if semantic else 'off'}")
    report(counts)
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
