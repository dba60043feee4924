"""The typo the robustness measure puts into a question (pure logic)."""

from __future__ import annotations

import random

from scripts.eval_typos import with_typo


def test_one_typo_goes_into_the_longest_word_and_the_seed_repeats_it():
    question = "how long does the work sample simulation take?"
    first = with_typo(question, random.Random(7))
    assert first == with_typo(question, random.Random(7))
    changed = [(a, b) for a, b in zip(question.split(), first.split(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0] == "simulation" and changed[0][1] != "simulation"


def test_a_question_without_a_long_word_gets_none():
    assert with_typo("is it hard?", random.Random(7)) is None
