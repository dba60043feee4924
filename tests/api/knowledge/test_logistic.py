"""The balanced logistic regression fitted without sklearn (api/knowledge/logistic.py) gives sklearn's
coefficients: the coverage, own-status and follow-up models are the ones sklearn fitted before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.knowledge.coverage import Ngrams, _beside, nlu_examples
from api.knowledge.logistic import fit_balanced

NLU = Path(__file__).resolve().parents[3] / "bot" / "data" / "nlu.yml"


def sklearn_fit(x, y, c):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=7).fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


def test_the_coverage_model_s_kind_of_data_gets_sklearn_s_coefficients():
    # The NLU's covered and uncovered examples, as the coverage model sees them: a dense vector per
    # question (here random, of the real size) beside its word and character n-grams.
    covered, uncovered = nlu_examples(NLU, "ask_hiring")[:400], nlu_examples(NLU, "out_of_scope")[:150]
    texts = covered + uncovered
    labels = np.array([0] * len(covered) + [1] * len(uncovered))
    vectors = np.random.default_rng(5).normal(size=(len(texts), 384)) / 20
    _, matrix = Ngrams.fitted(texts)
    x = _beside(vectors, matrix)
    ours, ours_bias = fit_balanced(x, labels, c=4.0)
    theirs, their_bias = sklearn_fit(x, labels, 4.0)
    assert np.abs(ours - theirs).max() < 1e-6
    assert ours_bias == pytest.approx(their_bias, abs=1e-6)
    assert np.abs((x @ ours + ours_bias) - (x @ theirs + their_bias)).max() < 1e-5


def test_a_dense_fit_with_rare_positives_is_sklearn_s_too():
    # The follow-up model's case: dense features, one positive in about thirteen.
    rng = np.random.default_rng(11)
    x = rng.normal(size=(650, 12))
    y = (x[:, 0] + 0.5 * x[:, 3] + rng.normal(size=650) > 2.2).astype(int)
    assert 0.03 < y.mean() < 0.15
    for c in (0.1, 1.0, 4.0):
        ours, ours_bias = fit_balanced(x, y, c)
        theirs, their_bias = sklearn_fit(x, y, c)
        assert np.abs(ours - theirs).max() < 1e-6, c
        assert ours_bias == pytest.approx(their_bias, abs=1e-6), c


def test_labels_of_one_class_are_an_error_not_a_model():
    with pytest.raises(ValueError, match="labels 0 and 1"):
        fit_balanced(np.ones((3, 2)), np.array([1, 1, 1]), 1.0)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        fit_balanced(np.ones((3, 2)), np.array([0, 1, 2]), 1.0)
