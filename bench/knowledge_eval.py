"""Top-1 / top-3 accuracy of knowledge retrieval on the citizen question set, per form.

Usage: .venv/bin/python bench/knowledge_eval.py [--misses] [--questions PATH] [--knowledge DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.knowledge.store import DEFAULT_DIR, KnowledgeBase  # noqa: E402

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
    results: dict[str, dict] = defaultdict(lambda: {"n": 0, "top1": 0, "top3": 0, "misses": []})
    for form, question, expected in questions:
        ranked = [hit.entry_id for hit in snapshot.index.search(question, k=3)]
        row = results[form]
        row["n"] += 1
        row["top1"] += ranked[:1] == [expected]
        row["top3"] += expected in ranked
        if ranked[:1] != [expected]:
            row["misses"].append((question, expected, ranked))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--misses", action="store_true", help="list the questions not ranked first")
    args = parser.parse_args()
    kb = KnowledgeBase(args.knowledge)
    results = evaluate(kb, load_questions(args.questions))
    print(f"knowledge entries: {len(kb.snapshot().entries)}")
    print(f"{'form':<10} {'n':>4} {'top-1':>7} {'top-3':>7}")
    for form in FORMS:
        row = results[form]
        n = row["n"] or 1
        print(f"{form:<10} {row['n']:>4} {row['top1'] / n:>7.1%} {row['top3'] / n:>7.1%}")
    if args.misses:
        for form in FORMS:
            for question, expected, ranked in results[form]["misses"]:
                print(f"[{form}] {question!r}: expected {expected}, got {ranked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
