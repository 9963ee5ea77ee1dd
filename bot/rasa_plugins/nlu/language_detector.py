"""Rasa component that tags each message with the language it is written in."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_plugins.nlu.language import detect_language

ENTITY = "language"
METADATA = "metadata"
LANGUAGES = ("vi", "en")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Adds a ``language`` entity ("vi" or "en") from the channel or the text.

    A ``language`` in the message's metadata (set by a channel that knows it) wins;
    otherwise the text decides, without the spans of the entities found before this
    component (places, codes, numbers, insurance terms say nothing about the language),
    so it runs after the entity extractors. The ``language`` slot is filled from this
    entity, so the bot answers in the language the citizen writes in; ambiguous
    messages leave the slot alone.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Create the component; it has no state."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Append the detected language to each message's entities."""
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES, [])
            metadata = message.get(METADATA) or {}
            language = metadata.get("language") if isinstance(metadata, dict) else None
            if language not in LANGUAGES:
                spans = [(e["start"], e["end"]) for e in entities
                         if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
                language = detect_language(text, ignore=spans)
            if language is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*entities, entity], add_to_output=True)
        return messages
