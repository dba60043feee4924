"""The role model's situation offset: kept with the weights, and applied before decoding."""

from __future__ import annotations

import numpy as np

from api.practice.roles import RoleModel


def _model() -> RoleModel:
    # No features: every sentence gets the intercepts alone, here a slight preference for S.
    return RoleModel(np.zeros((4, 0), dtype=np.float32), np.array([0.5, 0.0, 0.3, 0.0], dtype=np.float32), False)


def test_a_negative_situation_offset_asks_more_evidence_for_a_scene(monkeypatch):
    import api.practice.roles as roles

    monkeypatch.setattr(roles, "features", lambda sentences, vectors, use_words=False: np.zeros((len(sentences), 0)))
    assert _model().roles(["one", "two"], None) == ["S", "S"]
    assert _model().with_offsets(S=-1.0).roles(["one", "two"], None) == ["A", "A"]


def test_the_offsets_are_saved_with_the_weights_and_change_the_version(tmp_path):
    plain, offset = _model(), _model().with_offsets(S=-1.0)
    assert plain.version != offset.version
    offset.save(tmp_path / "roles.npz")
    loaded = RoleModel.load(tmp_path / "roles.npz")
    assert loaded.offsets is not None and loaded.offsets.tolist() == [-1.0, 0.0, 0.0, 0.0]
    assert loaded.version == offset.version


def test_the_shipped_model_carries_its_situation_offset():
    offsets = RoleModel.load().offsets
    assert offsets is not None and offsets[0] < 0


def test_an_opening_sentence_that_acts_after_a_leading_clause_is_never_the_situation(monkeypatch):
    import api.practice.roles as roles

    monkeypatch.setattr(roles, "features", lambda sentences, vectors, use_words=False: np.zeros((len(sentences), 0)))
    # The intercepts alone prefer S; "When ..., I sent ..." tells what was done (eval/practice/README.md).
    acting = ["When a customer emailed that her order was broken, I sent a replacement.", "She thanked me."]
    assert _model().roles(acting, None)[0] == "A"
    # Noticing after the leading clause still tells the scene.
    noticing = ["When I started at the call centre, I noticed calls took nine minutes.", "I made a list."]
    assert _model().roles(noticing, None)[0] == "S"


def test_an_opening_sentence_whose_main_clause_is_the_duty_is_never_the_situation(monkeypatch):
    import api.practice.roles as roles

    monkeypatch.setattr(roles, "features", lambda sentences, vectors, use_words=False: np.zeros((len(sentences), 0)))
    duty = ["My job was to make sure every resident had their medicines on time.", "I reorganised the round."]
    assert _model().roles(duty, None)[0] != "S"
    scene = ["During a flu outbreak two nurses were off sick.", "I reorganised the round."]
    assert _model().roles(scene, None)[0] == "S"


def test_an_opening_action_with_a_clause_of_trouble_is_the_scene_when_none_was_found(monkeypatch):
    import api.practice.roles as roles

    monkeypatch.setattr(roles, "features", lambda sentences, vectors, use_words=False: np.zeros((len(sentences), 0)))
    # The intercepts alone: each sentence an action (62 %) rather than a scene (38 %), never a task or result.
    model = RoleModel(np.zeros((4, 0), dtype=np.float32), np.array([0.0, -9.0, 0.5, -9.0], dtype=np.float32), False)
    assert model.roles(["I rewrote the rota.", "It worked."], None) == ["A", "A"]
    # Issue #20, eighth round: "I organised a wedding where the caterer cancelled" sets the scene (README).
    wedding = [
        "I organised a wedding where the caterer cancelled the night before because the van broke down.",
        "I rang round.",
    ]
    assert model.roles(wedding, None) == ["S", "A"]
    assert model.roles(["I pushed a change that broke the checkout page.", "I rolled it back."], None)[0] == "S"
    # Why something was done is told with the action; a duty is never the scene; less likely scenes stay actions.
    why = ["I created a shared calendar because people kept double-booking the rooms.", "It worked."]
    assert model.roles(why, None)[0] == "A"
    duty = ["I had to tell a client that a feature they were waiting for was delayed.", "I called her."]
    assert model.roles(duty, None)[0] != "S"
    monkeypatch.setattr(roles, "FIRST_SCENE_CHANCE", 0.5)
    assert model.roles(wedding, None)[0] == "A"


def test_an_opening_sentence_that_notices_with_nothing_before_it_is_never_the_situation(monkeypatch):
    import api.practice.roles as roles

    monkeypatch.setattr(roles, "features", lambda sentences, vectors, use_words=False: np.zeros((len(sentences), 0)))
    # The intercepts alone prefer S; noticing first is the first step taken (train and dev label it `A`).
    noticing = ["basically i noticed we were throwing away parts customers had paid for.", "I set up a shelf."]
    assert _model().roles(noticing, None)[0] == "A"
    assert _model().roles(["I found the old fuse board had no earth.", "I told her."], None)[0] == "A"
    # Still possibly the scene: after a leading clause, "found myself", seeing someone in trouble.
    for first in (
        "When I started at the call centre, I noticed calls took nine minutes.",
        "I found myself alone on the ward with twenty patients.",
        "I saw an elderly man struggling to reach the top shelf.",
    ):
        assert _model().roles([first, "I made a list."], None)[0] == "S"
