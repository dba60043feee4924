"""Misspelt words corrected to the knowledge's words (pure logic), and a misspelt question answered as
the one spelt right (real model)."""

from __future__ import annotations

import pytest

from api.knowledge.spelling import Speller, distance, english_words

KNOWLEDGE = [
    "The online assessments measure the key characteristics needed for a role.",
    "The phone interview covers your experience. Government employees check with their ethics official.",
    "Bar raisers are hired to keep the bar high; the interview loop is held virtually.",
]


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("interveiw", "interview", 1), ("assesments", "assessments", 1), ("goverment", "government", 1), ("ab", "ba", 1)],
)
def test_distance_counts_a_swap_of_neighbours_as_one_edit(a, b, edits):
    assert distance(a, b) == edits


def test_typos_become_the_knowledge_words_and_keep_their_capital():
    speller = Speller.of(KNOWLEDGE)
    assert speller.correct("what are the online assesments like?") == "what are the online assessments like?"
    assert (
        speller.correct("Goverment employee here, anything to check?") == "Government employee here, anything to check?"
    )
    assert (
        speller.correct("what happens at the interveiw lopo") == "what happens at the interview lopo"
    )  # 4 letters: kept
    assert speller.corrections("phoen intervew") == [("phoen", "phone"), ("intervew", "interview")]


def test_real_words_plurals_and_words_of_uncovered_questions_are_never_corrected():
    speller = Speller.of(KNOWLEDGE, ["can I reschedule?", "fired"])
    # "fired" is one edit from the knowledge's "hired": a different word, not a typo.
    assert speller.correct("I was fired, can I reschedule?") == "I was fired, can I reschedule?"
    assert speller.correct("do i need amazons principles") == "do i need amazons principles"
    assert speller.correct("measures") == "measures"  # "measure" + s
    assert speller.correct("employee") == "employee"  # the singular of "employees"


def test_two_equally_likely_corrections_leave_the_word_as_typed():
    speller = Speller.of(["cable table"])  # "xable" is one edit from both, each seen once
    assert speller.correct("xable") == "xable"
    assert Speller.of(["cable cable table"]).correct("xable") == "cable"  # the more frequent one


def test_without_knowledge_nothing_changes():
    assert Speller().correct("assesments") == "assesments"


def test_the_shipped_models_vocabulary_gives_the_common_english_words():
    words = english_words()
    assert {"fired", "salary", "interview"} <= words and "assesments" not in words


def test_a_misspelt_question_is_answered_like_the_one_spelt_right(write_doc, tmp_path, embedder):
    from tests.api.knowledge.test_service import LINKED_DOCS, service_of

    svc = service_of(LINKED_DOCS, write_doc, tmp_path, embedder)
    right = svc.ask("how long does the work sample simulation take?")
    typed = svc.ask("how long does the work sample simulaton take?")
    assert right.kind == typed.kind == "answer" and typed.passages[0].id == right.passages[0].id
    assert typed.query == "how long does the work sample simulation take?"
