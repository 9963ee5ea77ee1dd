"""Loading the knowledge files, with a cached index that reloads when a file changes."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.action_lib.knowledge.schema import Entry, KnowledgeError, parse_file
from bot.action_lib.knowledge.search import SearchIndex
from bot.action_lib.knowledge.semantic import EmbeddingCache, Encoder, SemanticIndex, shared_encoder

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO_ROOT / "data" / "knowledge"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_entries(directory: Path) -> list[Entry]:
    """Parse every ``*.yml`` file in ``directory``; ids must be unique across files."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            try:
                raw = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a safe loader
            except yaml.YAMLError as exc:
                raise KnowledgeError(f"{path.name}: invalid YAML: {exc}") from None
        for entry in parse_file(raw, path.name):
            if entry.id in seen:
                raise KnowledgeError(f"{path.name}: id {entry.id!r} is also in {seen[entry.id]}")
            seen[entry.id] = path.name
            entries.append(entry)
    if not entries:
        raise KnowledgeError(f"{directory}: no knowledge entries found")
    return entries


@dataclass(frozen=True)
class Snapshot:
    """The entries and their index as loaded at one moment."""

    entries: dict[str, Entry]
    index: SearchIndex


class KnowledgeBase:
    """Answers from the files in ``directory``; an edited file is picked up on the next call.

    A broken edit is logged and the previous good content stays in use.
    """

    def __init__(
        self,
        directory: Path | str = DEFAULT_DIR,
        *,
        encoder: Encoder | None | bool = True,
        cache: EmbeddingCache | None = None,
        background: bool = False,
    ) -> None:
        """``encoder``: True for the shared sentence encoder if it loads, None/False for none.

        With ``background``, content whose vectors are not all cached yet is answered lexically
        while a thread embeds the new texts, then semantically (the action server: the first
        start of a new deployment is not held up by minutes of embedding).
        """
        self.directory = Path(directory)
        self._background = background
        self.embedding: threading.Thread | None = None  # the background embedding, if any
        self._encoder = shared_encoder() if encoder is True else (encoder or None)
        self._cache = cache or EmbeddingCache()
        self._lock = threading.Lock()
        self._fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self._snapshot: Snapshot | None = None

    def _current_fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        with os.scandir(self.directory) as items:
            return tuple(
                sorted(
                    (item.name, item.stat().st_mtime_ns, item.stat().st_size)
                    for item in items
                    if item.name.endswith(".yml")
                )
            )

    @staticmethod
    def _built(entries: list[Entry], semantic: SemanticIndex | None) -> SearchIndex:
        log.info(
            "knowledge base loaded: %d entries, %s",
            len(entries),
            f"semantic ({semantic.computed} texts embedded now)" if semantic else "lexical only",
        )
        return SearchIndex(entries, semantic)

    def _index(self, entries: list[Entry], fingerprint: tuple) -> SearchIndex:
        if self._encoder is None:
            return self._built(entries, None)
        texts = SemanticIndex.texts(entries)
        if self._background and self._cache.missing(self._encoder, texts, True):
            self.embedding = threading.Thread(
                target=self._embed, args=(entries, fingerprint), name="kb-embed", daemon=True
            )
            self.embedding.start()
            log.info("knowledge base: embedding new texts in the background, lexical until then")
            return self._built(entries, None)
        return self._built(entries, SemanticIndex(entries, self._encoder, self._cache))

    def _embed(self, entries: list[Entry], fingerprint: tuple) -> None:
        """Build the semantic index and use it, unless the content changed meanwhile."""
        assert self._encoder is not None
        index = self._built(entries, SemanticIndex(entries, self._encoder, self._cache))
        with self._lock:
            if self._fingerprint == fingerprint and self._snapshot is not None:
                self._snapshot = Snapshot(self._snapshot.entries, index)

    def snapshot(self) -> Snapshot:
        """The current content, reloading it first if any file changed."""
        with self._lock:
            fingerprint = self._current_fingerprint()
            if fingerprint != self._fingerprint or self._snapshot is None:
                try:
                    entries = load_entries(self.directory)
                except KnowledgeError:
                    if self._snapshot is None:
                        raise
                    log.exception("knowledge reload failed; keeping the previous content")
                else:
                    index = self._index(entries, fingerprint)
                    self._snapshot = Snapshot({e.id: e for e in entries}, index)
                self._fingerprint = fingerprint
            return self._snapshot
