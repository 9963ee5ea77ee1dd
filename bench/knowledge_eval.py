"""Top-1 / top-3 accuracy of knowledge retrieval on the citizen question set, per form.

Usage: .venv/bin/python bench/knowledge_eval.py [--misses] [--heldout] [--questions PATH]
       [--knowledge DIR]

Besides top-1 / top-3 it reports what the answer action would do with each question (the
decision of bot/action_lib/knowledge/policy.py): answer directly (and how many of those are right),
offer "did you mean" (and whether the right entry is among the buttons), or say it does not know.

--heldout also reports a generalisation check that does not use the evaluation set: the
odd-numbered question variants of every entry are asked against an index built without them.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dataclasses import replace  # noqa: E402

from bot.action_lib.knowledge.policy import CANDIDATES, decide_hits, thresholds  # noqa: E402
from bot.action_lib.knowledge.schema import LANGUAGES  # noqa: E402
from bot.action_lib.knowledge.search import SearchIndex  # noqa: E402
from bot.action_lib.knowledge.store import DEFAULT_DIR, KnowledgeBase, load_entries  # noqa: E402

DEFAULT_QUESTIONS = REPO / "tests" / "knowledge" / "eval_questions.yml"
FORMS = ("vi", "vi_nodiac", "en")


def load_questions(path: Path) -> list[tuple[str, str, str]]:
    """(form, question, expected entry id) triples from the evaluation file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (form, question, entry_id)
        for entry_id, forms in raw.items()
        for form in FORMS
        for question in forms.get(form, [])
    ]


def evaluate(kb: KnowledgeBase, questions: list[tuple[str, str, str]]) -> dict[str, dict]:
    """Per form: number of questions, top-1 and top-3 hits, and the misses."""
    snapshot = kb.snapshot()
    unknown = sorted({entry_id for _, _, entry_id in questions} - set(snapshot.entries))
    if unknown:
        raise SystemExit(f"expected ids missing from the knowledge base: {unknown}")
    results: dict[str, dict] = defaultdict(lambda: {
        "n": 0, "top1": 0, "top3": 0, "misses": [], "answered": 0, "answered_right": 0,
        "suggested": 0, "suggested_right": 0, "unknown": 0})
    for form, question, expected in questions:
        hits = snapshot.index.search(question, k=CANDIDATES)
        ranked = [hit.entry_id for hit in hits[:3]]
        decision = decide_hits(hits, snapshot.entries, None, thresholds(snapshot.index))
        row = results[form]
        row["n"] += 1
        row["top1"] += ranked[:1] == [expected]
        row["top3"] += expected in ranked
        if decision.kind == "answer":
            row["answered"] += 1
            row["answered_right"] += decision.entry_id == expected
        elif decision.kind == "choose":
            row["suggested"] += 1
            row["suggested_right"] += expected in decision.options
        else:
            row["unknown"] += 1
        if ranked[:1] != [expected]:
            row["misses"].append((question, expected, ranked))
    return results


def heldout(directory: Path) -> tuple[int, float, float]:
    """(questions, top-1, top-3) for odd variants against an index of the even ones."""
    kept, asked = [], []
    for entry in load_entries(directory):
        questions = {lang: entry.questions[lang][::2] for lang in LANGUAGES}
        asked += [(q, entry.id) for lang in LANGUAGES for q in entry.questions[lang][1::2]]
        kept.append(replace(entry, questions=questions))
    index = SearchIndex(kept)
    ranked = [([h.entry_id for h in index.search(q)], expected) for q, expected in asked]
    top1 = sum(r[:1] == [e] for r, e in ranked) / len(ranked)
    top3 = sum(e in r for r, e in ranked) / len(ranked)
    return len(ranked), top1, top3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--misses", action="store_true", help="list the questions not ranked first")
    parser.add_argument("--heldout", action="store_true", help="add the held-out variant check")
    args = parser.parse_args()
    kb = KnowledgeBase(args.knowledge)
    results = evaluate(kb, load_questions(args.questions))
    print(f"knowledge entries: {len(kb.snapshot().entries)}")
    print(f"{'form':<10} {'n':>4} {'top-1':>7} {'top-3':>7}")
    for form in FORMS:
        row = results[form]
        n = row["n"] or 1
        print(f"{form:<10} {row['n']:>4} {row['top1'] / n:>7.1%} {row['top3'] / n:>7.1%}")
    print(f"{'form':<10} {'answered (right)':>17} {'did you mean (right among)':>27} "
          f"{'unknown':>8}")
    for form in FORMS:
        row = results[form]
        print(f"{form:<10} {row['answered']:>9} ({row['answered_right']:>3}) "
              f"{row['suggested']:>19} ({row['suggested_right']:>3}) {row['unknown']:>8}")
    if args.heldout:
        n, top1, top3 = heldout(args.knowledge)
        print(f"{'held-out':<10} {n:>4} {top1:>7.1%} {top3:>7.1%}  (odd variants vs even ones)")
    if args.misses:
        for form in FORMS:
            for question, expected, ranked in results[form]["misses"]:
                print(f"[{form}] {question!r}: expected {expected}, got {ranked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
