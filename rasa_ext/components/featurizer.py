"""Rasa's count-vectors featurizer, making only the features the loaded model's graph reads.

Named in config.yml (`rasa_ext.components.featurizer.SentenceCountVectorsFeaturizer`); trained as
Rasa's own. Each CountVectorsFeaturizer turns a message into per-token (sequence) features and
sentence features: two scikit-learn transforms, and the sequence one is as costly as the other.
When nothing in the loaded model's prediction graph reads sequence features (every node is of a
class listed in `READ_NO_SEQUENCE_FEATURES`: the logistic regression reads the sentence row, the
guard and the fallback classifier read the intents), only the sentence features of the message
text are made: the same matrix as before. A model with any other component keeps Rasa's way.
tests/rasa_ext/components/test_featurizer.py compares both on the trained model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT


def _classes_reading_no_sequence_features() -> set[type]:
    from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.graph_components.converters.nlu_message_converter import NLUMessageConverter
    from rasa.graph_components.providers.domain_provider import DomainProvider
    from rasa.graph_components.providers.rule_only_provider import RuleOnlyDataProvider
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

    from rasa_ext.components.classifier import FastLogisticRegressionClassifier
    from rasa_ext.components.language_guard import MessageGuard
    from rasa_ext.components.tokenizer import PlaceholderWhitespaceTokenizer
    from rasa_ext.policies import RecentStatesRulePolicy

    return {
        NLUMessageConverter,
        WhitespaceTokenizer,
        PlaceholderWhitespaceTokenizer,
        CountVectorsFeaturizer,
        SentenceCountVectorsFeaturizer,
        LogisticRegressionClassifier,  # reads the sentence row only (_create_X)
        FastLogisticRegressionClassifier,
        MessageGuard,  # reads the text and the intent
        FallbackClassifier,  # reads the intent ranking
        RegexMessageHandler,
        DomainProvider,
        RuleOnlyDataProvider,
        RulePolicy,  # reads intents, slots and actions, not NLU features
        RecentStatesRulePolicy,
        DefaultPolicyPredictionEnsemble,
    }


def reads_no_sequence_features(graph: GraphSchema) -> bool:
    """Whether no node of the graph can read per-token features (every one is of a known class)."""
    known = _classes_reading_no_sequence_features()
    return bool(graph.nodes) and all(node.uses in known for node in graph.nodes.values())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer that, in a model whose graph reads no per-token features, makes only
    the sentence features of the message text."""

    # Training (and a model with other components) makes both kinds, as Rasa does.
    sentence_features_only = False

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CountVectorsFeaturizer:
        featurizer = super().load(config, model_storage, resource, execution_context, **kwargs)
        # The graph Rasa loads this featurizer in: the trained model's prediction graph.
        featurizer.sentence_features_only = reads_no_sequence_features(execution_context.graph_schema)
        return featurizer

    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[list[Any], list[Any]]:
        if not self.sentence_features_only or attribute != TEXT or not self.vectorizers.get(attribute):
            return super()._create_features(attribute, all_tokens)
        sentences = []
        for tokens in all_tokens:
            vector = None
            if tokens:  # as in Rasa's _create_features, without the per-token transform
                vector = self.vectorizers[attribute].transform([" ".join(tokens)])
                vector.sort_indices()
                vector = vector.tocoo()
            sentences.append(vector)
        return [None] * len(all_tokens), sentences
