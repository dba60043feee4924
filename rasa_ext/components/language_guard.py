"""Rasa NLU component that re-labels, after intent classification, non-English messages, non-questions,
and questions about where candidates check a status (the FAQ, not a look-up of the candidate's own)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.components.message_checks import asks_where_to_check_status, is_non_english, is_not_a_question

# Button payloads ("/request_human") are already intents; they are never re-labelled.
_PAYLOAD_PREFIX = "/"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith(_PAYLOAD_PREFIX):
                continue
            if is_non_english(text):
                self._relabel(message, "non_english")
            elif is_not_a_question(text):
                self._relabel(message, "not_a_question")
            elif (message.get(INTENT) or {}).get("name") == "check_my_status" and asks_where_to_check_status(text):
                self._relabel(message, "ask_hiring")
        return messages

    @staticmethod
    def _relabel(message: Message, intent: str) -> None:
        label = {"name": intent, "confidence": 1.0}
        message.set(INTENT, label, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [label], add_to_output=True)
