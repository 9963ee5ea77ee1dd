"""Question retrieval robust to missing diacritics, abbreviations and English.

Texts are prepared by ``bot.action_lib.knowledge.prepare``. Each entry is scored with TF-IDF
(character 2-4-grams for typos and missing tones, word 1-2-grams for word order and Vietnamese
compound words, and toned word 1-2-grams when the question was typed with diacritics) against
several views of it: its best-matching question variant, all its variants together, its short answer
and its whole answer. The best candidates are then re-ranked by the query words that tell them apart
and by the question's glossary terms in the other language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.action_lib.knowledge.glossary import translate
from bot.action_lib.knowledge.prepare import guess_language, has_diacritics, prepare
from bot.action_lib.knowledge.schema import LANGUAGES, Entry
from bot.action_lib.knowledge.semantic import SemanticIndex
from bot.action_lib.knowledge.tones import build_restorer
from bot.common.textnorm import expand_abbreviations

CHAR_WEIGHT = 0.5  # share of character n-grams in a similarity; word n-grams get the rest
TONED_WEIGHT = 0.5  # of the word share, given to toned words when the question has diacritics
VIEW_WEIGHTS = (0.2, 0.2, 0.2, 0.4)  # best variant, all variants, short answer, whole answer
# Re-ranking of the best RERANK_CANDIDATES entries by the query words that tell them apart.
RERANK_CANDIDATES = 8
RERANK_WEIGHT = 0.7  # a candidate covering none of those words loses this share of its score
RERANK_VIEWS = (0.4, 0.3, 0.3)  # where a word counts: any variant, short answer, whole answer
# A candidate scoring zero for the question's glossary terms in the other language loses this
# share of its score; the best-scoring candidate loses nothing.
CROSS_WEIGHT = 0.5
# Semantic matching (bot/action_lib/knowledge/semantic.py): its share of the fused score, and the
# cosine at and below which it counts nothing (e5 cosines of unrelated texts are rarely below 0.7).
SEMANTIC_WEIGHT = 0.3
SEMANTIC_FLOOR = 0.8
# Entries compared semantically: the best this many by lexical score (all of them in a smaller
# base); the others get no semantic share. Cuts the vectors read per question from 47 MB to
# about 3 MB at 5,000 entries (docs/knowledge.md, Scale).
SEMANTIC_CANDIDATES = 300
_ENCODING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-encoder")


@dataclass(frozen=True)
class Hit:
    """A candidate entry for a query."""

    entry_id: str
    score: float
    language: str  # language of the best-matching question variant
    agreed: bool = False  # the lexical and the semantic scores each rank this entry first


class SearchIndex:
    """An immutable TF-IDF index over the question variants and answers of ``entries``."""

    def __init__(self, entries: Sequence[Entry], semantic: SemanticIndex | None = None) -> None:
        self.semantic = semantic
        self.semantic_candidates: int | None = SEMANTIC_CANDIDATES  # None: every entry
        self.restorer = build_restorer(entries) if semantic is not None else None
        owners = [
            number
            for number, entry in enumerate(entries)
            for lang in LANGUAGES
            for _ in entry.questions[lang]
        ]
        self._languages = [
            lang for entry in entries for lang in LANGUAGES for _ in entry.questions[lang]
        ]
        self._ids = [entry.id for entry in entries]
        self._starts = np.flatnonzero(np.diff(np.asarray(owners), prepend=-1))
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
        )
        self._word = _word_vectorizer()
        self._toned = _word_vectorizer()
        documents = _documents(entries, prepare)
        chars = self._char.fit_transform(documents)
        words = self._word.fit_transform(documents).tocsr()
        toned = self._toned.fit_transform(_documents(entries, _toned))
        # One matrix, features x documents, so a query multiplies only the rows of its n-grams.
        self._documents = sparse.hstack([chars, words, toned], format="csr").T.tocsr()
        self._presence = self._word_presence(words, np.asarray(owners), len(entries))

    @staticmethod
    def _word_presence(
        words: sparse.csr_matrix, owners: np.ndarray, count: int
    ) -> sparse.csr_matrix:
        """Word n-grams x entries: RERANK_VIEWS-weighted presence in an entry's views."""
        found = (words > 0).astype(np.float32)
        n_variants = len(owners)
        by_owner = sparse.csr_matrix(
            (np.ones(n_variants, dtype=np.float32), (owners, np.arange(n_variants))),
            shape=(count, n_variants),
        )
        in_variants = ((by_owner @ found[:n_variants]) > 0).astype(np.float32)
        shorts = found[n_variants + count : n_variants + 2 * count]
        answers = found[n_variants + 2 * count :]
        weights = RERANK_VIEWS
        presence = weights[0] * in_variants + weights[1] * shorts + weights[2] * answers
        return sparse.csr_matrix(presence.T)

    def _queries(
        self, text: str, toned: str, translated: str
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Query rows for the question and its translated glossary terms, and its word vector.

        The rows are weighted so that a dot product with a document mixes the cosines; the
        toned words count only when ``toned`` (the question as typed with diacritics) is given.
        """
        tone_weight = (1.0 - CHAR_WEIGHT) * TONED_WEIGHT if toned else 0.0
        words = self._word.transform([text, translated]).tocsr()
        word_weights = sparse.diags(
            [1.0 - CHAR_WEIGHT - tone_weight, 1.0 - CHAR_WEIGHT], dtype=np.float32
        )
        if toned:
            tones = self._toned.transform([toned, ""]) * tone_weight
        else:
            tones = sparse.csr_matrix((2, len(self._toned.vocabulary_)), dtype=np.float32)
        parts = [
            self._char.transform([text, translated]) * CHAR_WEIGHT,
            word_weights @ words,
            tones,
        ]
        return sparse.hstack(parts, format="csr"), words[0]

    def _scores(self, queries: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(entry scores, question-variant similarities), one row per query row."""
        similarity = (queries @ self._documents).toarray()
        by_variant = similarity[:, : len(self._languages)]
        by_view = similarity[:, len(self._languages) :].reshape(len(similarity), 3, -1)
        best_variant = np.maximum.reduceat(by_variant, self._starts, axis=1)
        weights = VIEW_WEIGHTS
        scores = (
            weights[0] * best_variant
            + weights[1] * by_view[:, 0]
            + weights[2] * by_view[:, 1]
            + weights[3] * by_view[:, 2]
        )
        return scores, by_variant

    def _rerank(self, words: sparse.csr_matrix, scores: np.ndarray) -> np.ndarray:
        """Scores of the best candidates, lowered for those missing the words that differ.

        Among the best RERANK_CANDIDATES entries a query word found in all of them says nothing
        about which one is meant; one found in few of them does. Each word gets its query weight
        times a local IDF over the candidates, and a candidate loses up to RERANK_WEIGHT of its
        score by how much less of that weight it covers than the best-covering candidate. Scores
        only go down, so an off-topic question does not gain confidence.
        """
        candidates = _candidates(scores)
        if len(candidates) < 2 or words.nnz == 0:
            return scores
        presence = self._presence[words.indices][:, candidates].toarray()
        local_df = (presence > 0).sum(axis=1)
        weights = words.data * np.log((len(candidates) + 1) / (local_df + 1))
        if weights.sum() <= 0:
            return scores
        coverage = weights @ presence / weights.sum()
        reranked = scores.copy()
        reranked[candidates] *= 1.0 - RERANK_WEIGHT * (coverage.max() - coverage)
        return reranked

    @staticmethod
    def _cross_rerank(cross: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Scores of the best candidates, lowered by the evidence of the other language.

        ``cross`` holds the entries' scores for the question's glossary terms in the other
        language; a candidate loses up to CROSS_WEIGHT of its score by how far its score for them
        is behind the best candidate's. Scores only go down.
        """
        candidates = _candidates(scores)
        best = cross[candidates].max()
        if len(candidates) < 2 or best <= 0:
            return scores
        reranked = scores.copy()
        reranked[candidates] *= 1.0 - CROSS_WEIGHT * (1.0 - cross[candidates] / best)
        return reranked

    def lexical(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(entry scores, question-variant similarities) of the lexical engine, or None."""
        language = guess_language(expand_abbreviations(query))
        text = prepare(query, language)
        if not text or not self._ids:
            return None
        # Toned words only when the user typed the marks (expanded abbreviations carry them too).
        toned = prepare(query, language, toned=True) if has_diacritics(query) else ""
        translated = translate(toned or text, language, toned=bool(toned))
        queries, words = self._queries(text, toned, translated)
        (scores, cross), (by_variant, _) = self._scores(queries)
        return self._cross_rerank(cross, self._rerank(words, scores)), by_variant

    def _shortlist(self, scores: np.ndarray) -> np.ndarray | None:
        """The ``semantic_candidates`` best lexical entries, or None (all of them)."""
        limit = self.semantic_candidates
        if limit is None or len(scores) <= limit:
            return None
        return np.argpartition(-scores, limit - 1)[:limit]

    def semantic_text(self, query: str) -> str:
        """The question for the encoder: Vietnamese typed without marks gets its tones back."""
        if self.restorer is None or has_diacritics(query):
            return query
        if guess_language(expand_abbreviations(query)) != "vi":
            return query
        return self.restorer.restore(query)

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The ``k`` best entries for ``query`` with a score above zero, best first."""
        # The encoder runs in C without the GIL, so it overlaps the lexical scoring.
        pending = (
            _ENCODING.submit(self.semantic.vector, self.semantic_text(query))
            if self.semantic is not None
            else None
        )
        lexical = self.lexical(query)
        vector = pending.result() if pending is not None else None
        if lexical is None:
            return []
        scores, by_variant = lexical
        agreed = -1  # the entry both engines rank first, if any
        if self.semantic is not None and vector is not None:
            semantic = self.semantic.scores(vector, self._shortlist(scores))
            if int(np.argmax(scores)) == int(np.argmax(semantic)):
                agreed = int(np.argmax(scores))
            scores = fuse(scores, semantic)
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
            language = self._languages[variant]
            hits.append(Hit(self._ids[number], float(scores[number]), language, number == agreed))
        return hits


def fuse(lexical: np.ndarray, semantic: np.ndarray) -> np.ndarray:
    """Lexical scores blended with cosines rescaled from [SEMANTIC_FLOOR, 1] to [0, 1]."""
    rescaled = np.clip((semantic - SEMANTIC_FLOOR) / (1.0 - SEMANTIC_FLOOR), 0.0, 1.0)
    return (1.0 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * rescaled


def _candidates(scores: np.ndarray) -> np.ndarray:
    """Positions of the RERANK_CANDIDATES best scores, in no particular order."""
    top = min(RERANK_CANDIDATES, len(scores))
    return np.argpartition(-scores, top - 1)[:top]


def _toned(text: str, language: str) -> str:
    return prepare(text, language, toned=True)


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b\w+\b",
        sublinear_tf=True,
        dtype=np.float32,
    )


def _documents(entries: Sequence[Entry], prepared: Callable[[str, str], str]) -> list[str]:
    """Prepared texts: every question variant, then per entry all variants, short, whole answer."""
    variants = [
        prepared(question, lang)
        for entry in entries
        for lang in LANGUAGES
        for question in entry.questions[lang]
    ]
    profiles = [
        " ".join(prepared(q, lang) for lang in LANGUAGES for q in entry.questions[lang])
        for entry in entries
    ]
    shorts = [
        " ".join(prepared(entry.answers[lang].short, lang) for lang in LANGUAGES)
        for entry in entries
    ]
    answers = [
        " ".join(
            prepared(f"{entry.answers[lang].short} {entry.answers[lang].details}", lang)
            for lang in LANGUAGES
        )
        for entry in entries
    ]
    return variants + profiles + shorts + answers
