"""Checks used to choose the search weights, without the evaluation set.

Usage: .venv/bin/python bench/knowledge_tune.py [--knowledge DIR]

Reports the held-out split in both directions (odd question variants asked against an index of
the even ones, and the reverse), overall and per form (Vietnamese variants as written, the same
typed without diacritics, English; the folded form is not part of the overall figure), and the
best score of a list of off-topic questions against the full index, which must stay below the
"did you mean" threshold as far as possible.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.action_lib.knowledge.policy import LEXICAL  # noqa: E402
from bot.action_lib.knowledge.schema import LANGUAGES  # noqa: E402
from bot.action_lib.knowledge.search import SearchIndex  # noqa: E402
from bot.action_lib.knowledge.store import DEFAULT_DIR, load_entries  # noqa: E402
from bot.common.textnorm import fold  # noqa: E402

OFF_TOPIC = (
    "thời tiết hôm nay thế nào",
    "gia vang hom nay",
    "bitcoin price",
    "ai vô địch world cup 2022",
    "cach nau pho bo",
    "what is the weather in hanoi tomorrow",
    "giá xăng hôm nay bao nhiêu",
    "best phone to buy 2026",
    "tỷ giá đô la hôm nay",
    "how to learn python",
    "lich chieu phim cuoi tuan",
    "who won the football match last night",
    "cong thuc lam banh mi",
    "recommend a good restaurant in saigon",
    "xổ số miền bắc hôm nay",
    "how tall is mount everest",
)


def split(directory: Path, kept_parity: int) -> dict[str, tuple[float, float, int]]:
    """Per form (and ``"all"``): top-1, top-3, n for the other parity against these variants."""
    kept, asked = [], []
    for entry in load_entries(directory):
        questions = {lang: entry.questions[lang][kept_parity::2] for lang in LANGUAGES}
        for lang in LANGUAGES:
            asked += [(q, entry.id, lang) for q in entry.questions[lang][1 - kept_parity :: 2]]
        kept.append(replace(entry, questions=questions))
    asked += [(fold(q), expected, "vi folded") for q, expected, lang in asked if lang == "vi"]
    index = SearchIndex(kept)
    ranked = [([h.entry_id for h in index.search(q)], e, form) for q, e, form in asked]
    results = {}
    for form in ("all", *LANGUAGES, "vi folded"):
        rows = [(r, e) for r, e, f in ranked if f == form or (form == "all" and f in LANGUAGES)]
        top1 = sum(r[:1] == [e] for r, e in rows) / len(rows)
        top3 = sum(e in r for r, e in rows) / len(rows)
        results[form] = (top1, top3, len(rows))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    for parity, name in ((0, "odd vs even"), (1, "even vs odd")):
        forms = split(args.knowledge, parity)
        print(
            f"held-out {name}: "
            + "; ".join(f"{form} n={n} {t1:.1%} / {t3:.1%}" for form, (t1, t3, n) in forms.items())
        )
    index = SearchIndex(load_entries(args.knowledge))
    scores = []
    for question in OFF_TOPIC:
        hits = index.search(question, k=1)
        scores.append((hits[0].score if hits else 0.0, question))
    best, question = max(scores)
    above = sum(score >= LEXICAL.suggest for score, _ in scores)
    print(
        f"off-topic: max score {best:.3f} ({question!r}); {above}/{len(scores)} reach did-you-mean"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
