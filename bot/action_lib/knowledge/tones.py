"""Restoring the tone marks of Vietnamese typed without them (``bao hiem`` -> ``bảo hiểm``).

A syllable bigram model with Viterbi decoding, built from the project's own Vietnamese text:
the knowledge entries' questions and short answers, the NLU training examples and the place names of
the gazetteer. Each folded syllable maps to the toned syllables seen with that folded form; a
syllable never seen is left as typed, and a syllable typed with its marks is kept.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from bot.action_lib.knowledge.schema import Entry
from bot.common.textnorm import expand_abbreviations, fold, normalise

REPO_ROOT = Path(__file__).resolve().parents[3]
NLU_DIR = REPO_ROOT / "data" / "nlu"
NLU_FILES = ("questions.yml", "basics.yml", "complaints.yml")
_WORD = re.compile(r"\w+")
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
BIGRAM_SHARE = 0.8  # interpolation: P(w | prev) = 0.8 bigram estimate + 0.2 unigram
START = "<s>"


def entry_sentences(entries: Iterable[Entry]) -> list[str]:
    """The Vietnamese questions and short answers of ``entries``.

    (The answers' details add nothing on held-out questions, 97.2% either way, and make the
    model four times slower to build.)
    """
    sentences = []
    for entry in entries:
        sentences += [*entry.questions["vi"], entry.answers["vi"].short]
    return sentences


def nlu_sentences(directory: Path = NLU_DIR) -> list[str]:
    """Training examples typed with diacritics, entity annotations removed."""
    sentences = []
    for name in NLU_FILES:
        path = directory / name
        if not path.exists():
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line)
                text = text.strip().removeprefix("- ")
                if text != fold(text):
                    sentences.append(text)
    return sentences


def place_sentences() -> list[str]:
    """Province and commune names with their diacritics."""
    from bot.common.gazetteer import place_names  # noqa: PLC0415 - needs the ticket refdata

    try:
        places = place_names()
    except (OSError, KeyError, TypeError):
        return []
    return [name for kind in places.values() for names in kind.values() for name in names]


class ToneRestorer:
    """Viterbi over toned syllable candidates with an interpolated bigram model."""

    def __init__(self, sentences: Iterable[str]) -> None:
        self._unigrams: Counter[str] = Counter()
        self._bigrams: Counter[tuple[str, str]] = Counter()
        candidates: dict[str, set[str]] = defaultdict(set)
        for sentence in sentences:
            words = _WORD.findall(normalise(sentence))
            previous = START
            for word in words:
                self._unigrams[word] += 1
                self._bigrams[(previous, word)] += 1
                candidates[fold(word)].add(word)
                previous = word
            self._unigrams[START] += 1
        self._candidates = {key: sorted(value) for key, value in candidates.items()}
        self._total = sum(self._unigrams.values())
        self._vocabulary = len(self._unigrams)

    def _log_p(self, previous: str, word: str) -> float:
        unigram = (self._unigrams[word] + 0.1) / (self._total + 0.1 * self._vocabulary)
        seen = self._unigrams[previous]
        bigram = self._bigrams[(previous, word)] / seen if seen else 0.0
        return math.log(BIGRAM_SHARE * bigram + (1 - BIGRAM_SHARE) * unigram)

    def _options(self, word: str) -> Sequence[str]:
        if word != fold(word):  # typed with its marks (or expanded from an abbreviation)
            return (word,)
        return self._candidates.get(word) or (word,)

    def restore_words(self, words: Sequence[str]) -> list[str]:
        """The most likely toned form of a sequence of normalised words."""
        if not words:
            return []
        # best[state] = (log probability, path)
        best: dict[str, tuple[float, list[str]]] = {START: (0.0, [])}
        for word in words:
            step: dict[str, tuple[float, list[str]]] = {}
            for option in self._options(word):
                score, path = max(
                    ((p + self._log_p(prev, option), path) for prev, (p, path) in best.items()),
                    key=lambda item: item[0],
                )
                step[option] = (score, [*path, option])
            best = step
        return max(best.values(), key=lambda item: item[0])[1]

    def restore(self, text: str) -> str:
        """``text`` normalised, abbreviations expanded, with the tones restored."""
        return " ".join(self.restore_words(_WORD.findall(expand_abbreviations(text))))


def build_restorer(entries: Iterable[Entry]) -> ToneRestorer:
    """The restorer of the project's Vietnamese text: ``entries``, NLU examples, place names."""
    return ToneRestorer([*entry_sentences(entries), *nlu_sentences(), *place_sentences()])
