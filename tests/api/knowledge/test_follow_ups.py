"""The follow-up model: does the answering section answer a follow-up (api/knowledge/follow_ups.py)."""

from __future__ import annotations

import math

import numpy as np

from api.knowledge.follow_ups import (
    WEIGHTS,
    FollowUpModel,
    best_threshold,
    features,
    fit,
    held_out_probabilities,
)


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_one_follow_up_is_scored_as_its_training_row_is():
    rng = np.random.default_rng(3)
    q, s = unit(rng.normal(size=8)), unit(rng.normal(size=8))
    model = FollowUpModel(rng.normal(size=18), -0.4, 0.9)
    row = features(q[None, :], s[None, :], np.array([0.3]))[0]
    expected = 1.0 / (1.0 + math.exp(-(row @ model.weights + model.bias)))
    assert math.isclose(model.uncovered(q, s, 0.3), expected, rel_tol=1e-12)
    assert math.isclose(float(model.probabilities(row[None, :])[0]), expected, rel_tol=1e-12)
    # The coverage model's certainty counts as log-odds, clipped: P = 1 is no infinite feature.
    assert np.isfinite(features(q[None, :], s[None, :], np.array([1.0]))).all()


def test_the_model_learns_which_pairs_the_section_does_not_answer_and_is_saved_as_fitted(tmp_path):
    # Follow-ups pointing one way (dimension 0) are answered by their sections; those pointing the other
    # way (dimension 1) are not, whatever the section.
    rng = np.random.default_rng(5)
    rows, labels = [], []
    for i in range(60):
        refuse = i % 3 == 0
        q = unit([0.2, 1.0, rng.normal(0, 0.2)] if refuse else [1.0, 0.2, rng.normal(0, 0.2)])
        s = unit([1.0, 0.1, rng.normal(0, 0.2)])
        rows.append((q, s, 0.5))
        labels.append(int(refuse))
    x = features(np.vstack([r[0] for r in rows]), np.vstack([r[1] for r in rows]), np.array([r[2] for r in rows]))
    model = fit(x, np.array(labels), 0.8)
    assert model.uncovered(unit([0.2, 1.0, 0.0]), unit([1.0, 0.1, 0.0]), 0.5) > 0.8
    assert model.uncovered(unit([1.0, 0.2, 0.0]), unit([1.0, 0.1, 0.0]), 0.5) < 0.2
    model.save(tmp_path / "m.npz")
    again = FollowUpModel.load(tmp_path / "m.npz")
    assert again.threshold == 0.8 and again.bias == model.bias and np.array_equal(again.weights, model.weights)
    # Left out file by file, every row still gets a probability from a model that never saw it.
    p = held_out_probabilities(x, np.array(labels), [f"f{i % 4}" for i in range(60)])
    assert p.shape == (60,) and (p[np.array(labels) == 1] > 0.5).all()


def test_the_level_refuses_most_wrong_answers_for_the_fewest_right_ones_and_prefers_the_higher():
    p = np.array([0.99, 0.95, 0.91, 0.85, 0.85, 0.2])
    expects_refusal = np.array([1, 1, 0, 1, 0, 0])
    right = np.array([False, False, True, False, True, True])
    # 0.9: 2 refusals for 1 right answer lost (net 1, as at 0.93: 2 for 0); 0.8: 3 for 2.
    assert best_threshold(p, expects_refusal, right, [0.8, 0.9, 0.93]) == (0.93, 2, 0)


def test_the_fitted_file_is_the_project_s_and_loads():
    model = FollowUpModel.load(WEIGHTS)
    assert model.weights.shape == (2 * 384 + 2,) and 0.5 <= model.threshold < 1.0
