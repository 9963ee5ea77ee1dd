"""Question retrieval robust to missing diacritics, abbreviations and English.

Text is normalised, abbreviations are expanded, diacritics folded, filler words dropped and
English suffixes trimmed. Each entry is then scored with TF-IDF (character 2-4-grams for
typos and missing tones, word 1-2-grams for word order) against three views of it:
its best-matching question variant, all its variants together, and its answer text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge.schema import LANGUAGES, Entry
from bot.textnorm import expand_abbreviations, fold

CHAR_WEIGHT = 0.5  # share of character n-grams in a similarity; word n-grams get the rest
VIEW_WEIGHTS = (0.2, 0.2, 0.6)  # best variant, all variants, answer text
# Folded filler words in either language. Words that are also Vietnamese content once folded
# ("the" = thẻ, "to" = tố/tờ, "an" = ăn/án, "dau" = đâu/đau, "hoi" = hội, "ma" = mã,
# "vay" = vay vốn) are deliberately kept.
STOPWORDS = frozenset(
    "toi minh em cho xin a nhe oi thi la cua va voi nhung cac nay roi phai "
    "i me my you your we our is are was were be been do does did can could would should "
    "will what how which of in on for and or there please".split()
)
# English words with the same meaning here, mapped to one form (after stemming). None of them
# is a folded Vietnamese syllable (so "cap" = cấp and "long" = lòng are left out).
SYNONYMS = {
    word: group[0]
    for group in (
        ("document", "paper", "paperwork", "form", "dossier", "file"),
        ("withdraw", "cash", "lump", "payout", "takeout"),
        ("emigrat", "abroad", "overseas", "settl"),
        ("ceil", "maximum", "max", "limit", "highest"),
        ("minimum", "lowest", "least", "cheapest"),
        ("salary", "wage", "pay", "income", "earn"),
        ("state", "government", "subsidy", "subsidi"),
        ("baby", "child", "newborn", "birth", "childbirth"),
        ("elderly", "old", "older", "senior"),
        ("apply", "claim", "request", "submit"),
        ("job", "work", "employment"),
        ("quit", "leav", "left", "resign", "stop"),
        ("retir", "retirement", "pension"),
        ("sick", "sickness", "ill", "illness"),
        ("complaint", "complain", "appeal"),
        ("report", "denunciation", "denounce", "whistleblow"),
        ("card", "cards"),
        ("digital", "electronic", "online", "phone", "app"),
        ("amount", "much", "money"),
    )
    for word in group
}
_SUFFIXES = (("ies", "y"), ("ment", ""), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_TOKEN = re.compile(r"\w+")


def _stem(token: str) -> str:
    """Trim common English suffixes; folded Vietnamese syllables never end in them."""
    if len(token) <= 4 or not token.isascii():
        return token
    for suffix, replacement in _SUFFIXES:
        if token.endswith(suffix) and not token.endswith("ss"):
            return token[: -len(suffix)] + replacement
    return token


def prepare(text: str) -> str:
    """The comparable form of a text: expanded, folded, without fillers, stemmed."""
    tokens = _TOKEN.findall(fold(expand_abbreviations(text)))
    stems = (_stem(token) for token in tokens if token not in STOPWORDS)
    return " ".join(SYNONYMS.get(stem, stem) for stem in stems)


@dataclass(frozen=True)
class Hit:
    """A candidate entry for a query."""

    entry_id: str
    score: float
    language: str  # language of the best-matching question variant


class SearchIndex:
    """An immutable TF-IDF index over the question variants and answers of ``entries``."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        variants: list[str] = []
        owners: list[int] = []
        self._languages: list[str] = []
        for number, entry in enumerate(entries):
            for lang in LANGUAGES:
                for question in entry.questions[lang]:
                    variants.append(prepare(question))
                    owners.append(number)
                    self._languages.append(lang)
        profiles = [
            " ".join(prepare(q) for lang in LANGUAGES for q in entry.questions[lang])
            for entry in entries
        ]
        answers = [
            " ".join(
                prepare(f"{entry.answers[lang].short} {entry.answers[lang].details}")
                for lang in LANGUAGES
            )
            for entry in entries
        ]
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
        chars = self._char.fit_transform(variants + profiles + answers)
        words = self._word.fit_transform(variants + profiles + answers)
        # One matrix, features x documents, so a query multiplies only the rows of its n-grams.
        self._documents = self._combine(chars, words).T.tocsr()

    @staticmethod
    def _combine(chars: sparse.spmatrix, words: sparse.spmatrix) -> sparse.csr_matrix:
        # Scaled so a dot product is CHAR_WEIGHT * cos(chars) + (1 - CHAR_WEIGHT) * cos(words).
        return sparse.hstack(
            [chars * np.sqrt(CHAR_WEIGHT), words * np.sqrt(1.0 - CHAR_WEIGHT)], format="csr"
        )

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The ``k`` best entries for ``query`` with a score above zero, best first."""
        text = prepare(query)
        if not text or not self._ids:
            return []
        query = self._combine(self._char.transform([text]), self._word.transform([text]))
        similarity = (query @ self._documents).toarray().ravel()
        by_variant = similarity[: len(self._languages)]
        by_view = similarity[len(self._languages) :].reshape(2, -1)
        best_variant = np.maximum.reduceat(by_variant, self._starts)
        weights = VIEW_WEIGHTS
        scores = weights[0] * best_variant + weights[1] * by_view[0] + weights[2] * by_view[1]
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        hits = []
        for number in best:
            if scores[number] <= 0.0:
                break
            start = self._starts[number]
            end = self._starts[number + 1] if number + 1 < len(self._starts) else len(by_variant)
            variant = start + int(np.argmax(by_variant[start:end]))
            hits.append(Hit(self._ids[number], float(scores[number]), self._languages[variant]))
        return hits
