"""Syllable accuracy of the tone restorer on held-out sentences.

The restorer is built as in production (entries, NLU examples, place names) except that every
entry's odd-numbered Vietnamese question variants are left out; those held-out variants are
then folded (no diacritics) and restored. ``--no-nlu`` builds from the entries and place names
only (in case NLU examples repeat an entry's variant).

Usage: .venv/bin/python bench/knowledge_tones.py [--no-nlu]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.action_lib.knowledge.store import DEFAULT_DIR, load_entries  # noqa: E402
from bot.action_lib.knowledge.tones import (  # noqa: E402
    ToneRestorer,
    entry_sentences,
    nlu_sentences,
    place_sentences,
)
from bot.common.textnorm import fold, normalise  # noqa: E402

_WORD = re.compile(r"\w+")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-nlu", action="store_true")
    args = parser.parse_args()
    kept, held = [], []
    for entry in load_entries(DEFAULT_DIR):
        variants = entry.questions["vi"]
        held += variants[1::2]
        kept.append(replace(entry, questions={**entry.questions, "vi": variants[::2]}))
    held_words = {normalise(sentence) for sentence in held}
    nlu = [s for s in nlu_sentences() if normalise(s) not in held_words] if not args.no_nlu else []
    restorer = ToneRestorer([*entry_sentences(kept), *nlu, *place_sentences()])
    syllables = right = sentences = 0
    for sentence in held:
        gold = _WORD.findall(normalise(sentence))
        restored = restorer.restore_words([fold(word) for word in gold])
        syllables += len(gold)
        right += sum(a == b for a, b in zip(gold, restored, strict=True))
        sentences += gold == restored
    print(f"held-out sentences: {len(held)}  syllables: {syllables}")
    print(f"syllable accuracy: {right / syllables:.1%}  whole sentence right: "
          f"{sentences / len(held):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
