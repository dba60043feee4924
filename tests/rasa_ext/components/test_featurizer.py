"""SentenceCountVectorsFeaturizer makes the same sentence features as Rasa's CountVectorsFeaturizer,
and no per-token ones only when the loaded model's graph reads none."""

from __future__ import annotations

from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.components.featurizer import SentenceCountVectorsFeaturizer, reads_no_sequence_features
from tests.rasa_ext.model_walk import MESSAGES, components_of, outcomes


def test_the_featurizers_make_the_same_sentence_features_and_intents_without_per_token_ones(agent, monkeypatch):
    (tokenizer,) = components_of(agent, WhitespaceTokenizer)
    featurizers = components_of(agent, CountVectorsFeaturizer)
    assert len(featurizers) == 2 and all(type(f) is SentenceCountVectorsFeaturizer for f in featurizers)
    # Decided from the model Rasa loaded (its prediction graph), not from a configuration file.
    assert all(f.sentence_features_only for f in featurizers)

    def features(kind: str) -> list:
        out = []
        for text in MESSAGES:
            message = Message(data={TEXT: text})
            tokenizer.process([message])
            for featurizer in featurizers:  # as the served NLU graph runs them
                featurizer.process([message])
            out.append([f.features.toarray().tolist() for f in message.features if f.type == kind])
        return out

    ours, sentences = outcomes(agent), features(FEATURE_TYPE_SENTENCE)
    assert len(sentences[0]) == 2  # word and character rows
    assert not any(features(FEATURE_TYPE_SEQUENCE))
    for featurizer in featurizers:
        monkeypatch.setattr(featurizer, "sentence_features_only", False)  # Rasa's way, restored after
    assert all(features(FEATURE_TYPE_SEQUENCE))  # Rasa's own: per-token features for every message
    assert features(FEATURE_TYPE_SENTENCE) == sentences
    assert outcomes(agent) == ours


def test_a_graph_with_another_component_keeps_rasas_features(agent):
    graph = agent.processor.model_metadata.predict_schema
    assert reads_no_sequence_features(graph)
    nodes = dict(graph.nodes)
    nodes["run_DIETClassifier9"] = SchemaNode(
        needs={}, uses=DIETClassifier, constructor_name="load", fn="process", config={}
    )
    assert not reads_no_sequence_features(GraphSchema(nodes))
    assert not reads_no_sequence_features(GraphSchema({}))
