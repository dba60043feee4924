"""FastLogisticRegressionClassifier gives exactly the rows and probabilities of Rasa's
LogisticRegressionClassifier, on the trained model."""

from __future__ import annotations

import asyncio

from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

from rasa_ext.components.classifier import FastLogisticRegressionClassifier
from tests.rasa_ext.model_walk import MESSAGES, components_of, outcomes


def test_the_classifier_gets_the_same_rows_and_gives_the_same_intents_with_direct_assembly(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage

    (classifier,) = components_of(agent, LogisticRegressionClassifier)
    assert type(classifier) is FastLogisticRegressionClassifier  # what config.yml names, trained and loaded
    ours = FastLogisticRegressionClassifier._create_X
    seen: list[list] = []

    def capture(self, messages):
        seen.append(list(messages))
        return ours(self, messages)

    monkeypatch.setattr(FastLogisticRegressionClassifier, "_create_X", capture)
    for text in MESSAGES:
        asyncio.run(agent.processor.parse_message(UserMessage(text)))
    monkeypatch.setattr(FastLogisticRegressionClassifier, "_create_X", LogisticRegressionClassifier._create_X)
    rasas_outcomes = outcomes(agent)
    monkeypatch.setattr(FastLogisticRegressionClassifier, "_create_X", ours)
    assert len(seen) >= len(MESSAGES)
    for messages in seen:
        expected, got = LogisticRegressionClassifier._create_X(classifier, messages), classifier._create_X(messages)
        assert got.shape == expected.shape and got.dtype == expected.dtype and got.format == "csr"
        assert (got != expected).nnz == 0
    # Several messages at once (as in training) give the rows of each, stacked.
    many = [m for messages in seen for m in messages]
    assert (classifier._create_X(many) != LogisticRegressionClassifier._create_X(classifier, many)).nnz == 0
    assert outcomes(agent) == rasas_outcomes


def test_the_classifier_gives_exactly_scikit_learns_probabilities_without_its_input_checks(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage

    (component,) = components_of(agent, LogisticRegressionClassifier)
    model_class = type(component.clf)
    sklearns_own = model_class.predict_proba
    rows: list = []
    create_x = FastLogisticRegressionClassifier._create_X

    def capture(self, messages):
        rows.append(create_x(self, messages))
        return rows[-1]

    monkeypatch.setattr(FastLogisticRegressionClassifier, "_create_X", capture)
    checked: list = []
    monkeypatch.setattr(model_class, "predict_proba", lambda self, x: checked.append(x) or sklearns_own(self, x))
    # (Messages the guard after the classifier re-labels, non-English or markup, are left out, and its
    # merging of a thanks / goodbye tie is off here: this compares the classifier's own output.)
    from rasa_ext.components.language_guard import MessageGuard

    monkeypatch.setattr(MessageGuard, "_merge_closing", staticmethod(lambda message: None))
    for text in [m for m in MESSAGES if m.isascii() and "<" not in m]:
        parsed = asyncio.run(agent.processor.parse_message(UserMessage(text)))
        expected = dict(zip(component.clf.classes_, sklearns_own(component.clf, rows[-1])[0], strict=True))
        ranking = {i["name"]: i["confidence"] for i in parsed["intent_ranking"] if i["name"] in expected}
        assert ranking and all(ranking[name] == expected[name] for name in ranking), text  # exactly equal
    assert checked == []  # scikit-learn's checks were not run for our usual rows
    assert "predict_proba" not in vars(component.clf)  # nothing left on the model
