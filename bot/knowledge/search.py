"""Question retrieval robust to missing diacritics, abbreviations and English.

Every question variant of every entry is indexed after abbreviation expansion and diacritic
folding, with TF-IDF over character n-grams (typos, missing tones) and word 1-2-grams
(word order). An entry scores the best cosine similarity among its variants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge.schema import LANGUAGES, Entry
from bot.textnorm import expand_abbreviations, fold

CHAR_WEIGHT = 0.6  # share of the character n-gram similarity in the score; words get the rest


def prepare(text: str) -> str:
    """The comparable form of a question: normalised, abbreviations expanded, folded."""
    return fold(expand_abbreviations(text))


@dataclass(frozen=True)
class Hit:
    """A candidate entry for a query."""

    entry_id: str
    score: float
    language: str  # language of the best-matching question variant


class SearchIndex:
    """An immutable TF-IDF index over the question variants of ``entries``."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        docs: list[str] = []
        owners: list[int] = []
        self._languages: list[str] = []
        for number, entry in enumerate(entries):
            for lang in LANGUAGES:
                for question in entry.questions[lang]:
                    docs.append(prepare(question))
                    owners.append(number)
                    self._languages.append(lang)
        self._ids = [entry.id for entry in entries]
        self._starts = np.flatnonzero(np.diff(np.asarray(owners), prepend=-1))
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
        )
        self._word = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            token_pattern=r"(?u)\b\w+\b",
            sublinear_tf=True,
            dtype=np.float32,
        )
        self._matrix = self._combine(self._char.fit_transform(docs), self._word.fit_transform(docs))

    @staticmethod
    def _combine(chars: sparse.spmatrix, words: sparse.spmatrix) -> sparse.csr_matrix:
        # Scaled so the dot product is CHAR_WEIGHT * cos(chars) + (1 - CHAR_WEIGHT) * cos(words).
        return sparse.hstack(
            [chars * np.sqrt(CHAR_WEIGHT), words * np.sqrt(1.0 - CHAR_WEIGHT)], format="csr"
        )

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The ``k`` best entries for ``query`` with a score above zero, best first."""
        text = prepare(query)
        if not text.strip() or not self._ids:
            return []
        vector = self._combine(self._char.transform([text]), self._word.transform([text]))
        scores = (self._matrix @ vector.T).toarray().ravel()
        per_entry = np.maximum.reduceat(scores, self._starts)
        k = min(k, len(per_entry))
        best = np.argpartition(-per_entry, k - 1)[:k]
        best = best[np.argsort(-per_entry[best], kind="stable")]
        hits = []
        for number in best:
            if per_entry[number] <= 0.0:
                break
            start = self._starts[number]
            end = self._starts[number + 1] if number + 1 < len(self._starts) else len(scores)
            variant = start + int(np.argmax(scores[start:end]))
            hits.append(Hit(self._ids[number], float(per_entry[number]), self._languages[variant]))
        return hits
