"""Fixtures: a small knowledge directory and its knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.action_lib.knowledge.store import KnowledgeBase
from tests.knowledge.helpers import SAMPLE, write_topic


@pytest.fixture()
def kb_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    directory.mkdir()
    write_topic(directory, "sample", SAMPLE)
    return directory


@pytest.fixture()
def kb(kb_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(kb_dir)


@pytest.fixture(scope="session")
def embeddings_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embeddings cache for the whole session, outside the checkout's ``var/``."""
    return tmp_path_factory.mktemp("embeddings") / "knowledge_embeddings.npz"


@pytest.fixture(autouse=True)
def _embeddings_outside_var(monkeypatch: pytest.MonkeyPatch, embeddings_cache: Path) -> None:
    monkeypatch.setenv("KNOWLEDGE_EMBEDDINGS", str(embeddings_cache))
