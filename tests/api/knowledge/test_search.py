"""The answer / clarify / fallback decision, on hand-made rankings (no model needed)."""

from __future__ import annotations

import dataclasses

import pytest

from api.knowledge.documents import Section
from api.knowledge.search import Params, Passage, decide, excluded_words, looks_like_follow_up

P = Params(
    bm25_weight=0.0,
    answer_threshold=0.3,
    combine_margin=0.15,
    clarify_margin=0.01,
    clarify_ceiling=0.55,
    whole_doc_chars=0,
    uncovered_override=0.55,
)


def passage(pid: str, doc: str, score: float) -> Passage:
    return Passage(pid, f"knowledge/{doc}.md", doc.title(), pid, f"text of {pid}", None, score, score)


def test_nothing_close_enough_falls_back():
    assert decide([passage("a", "x", 0.29)], P).kind == "fallback"


def test_clear_winner_is_answered_alone():
    d = decide([passage("a", "x", 0.7), passage("b", "y", 0.4)], P)
    assert d.kind == "answer" and [p.id for p in d.passages] == ["a"]


def test_close_neighbour_from_the_same_document_is_added():
    d = decide([passage("a", "x", 0.7), passage("b", "x", 0.6), passage("c", "y", 0.59)], P)
    assert [p.id for p in d.passages] == ["a", "b"]


def test_near_tie_between_documents_asks_which_was_meant():
    d = decide([passage("a", "x", 0.45), passage("b", "y", 0.445)], P)
    assert d.kind == "clarify" and [p.id for p in d.passages] == ["a", "b"]


def test_near_tie_on_a_question_that_looks_uncovered_is_refused_not_offered():
    tie = [passage("a", "x", 0.45), passage("b", "y", 0.445)]
    p = dataclasses.replace(P, clarify_refuse_above=0.5)
    assert decide(tie, p, uncovered=0.74).kind == "fallback"
    # Below the level, or with no coverage model, the two topics are offered as before.
    assert decide(tie, p, uncovered=0.3).kind == "clarify"
    assert decide(tie, p).kind == "clarify"


def test_a_tie_the_tie_break_settles_is_answered_with_the_topic_it_names():
    tie = [passage("a", "x", 0.45), passage("b", "y", 0.445), passage("c", "y", 0.40)]
    d = decide(tie, P, tie_break=lambda best, runner: runner)
    assert d.kind == "answer" and [p.id for p in d.passages] == ["b", "c"]  # with its document's neighbour
    assert decide(tie, P, tie_break=lambda best, runner: best).passages[0].id == "a"
    assert decide(tie, P, tie_break=lambda best, runner: None).kind == "clarify"


def test_near_tie_above_the_ceiling_is_answered():
    d = decide([passage("a", "x", 0.8), passage("b", "y", 0.795)], P)
    assert d.kind == "answer"


def test_short_document_is_answered_whole_in_document_order():
    sections = [Section(f"x#{n}", "knowledge/x.md", "X", n, "short", None, i) for i, n in enumerate("abc")]
    params = Params(0.0, 0.3, 0.15, 0.01, 0.55, whole_doc_chars=100)
    d = decide([passage("x#b", "x", 0.7), passage("y#a", "y", 0.3)], params, {"knowledge/x.md": sections})
    assert [p.id for p in d.passages] == ["x#b", "x#a", "x#c"]


def test_question_nlu_calls_uncovered_needs_a_near_restatement():
    ranked = [passage("a", "x", 0.5)]
    assert decide(ranked, P, likely_uncovered=True).kind == "fallback"
    assert decide([passage("a", "x", 0.6)], P, likely_uncovered=True).kind == "answer"


def test_short_questions_with_pronouns_are_follow_ups():
    assert looks_like_follow_up("how long does that take?")
    assert looks_like_follow_up("and the phone one?")
    assert not looks_like_follow_up("how long is the work style assessment?")
    assert not looks_like_follow_up("Is there somewhere online I can track all of the applications I sent in?")


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Besides the work style one, what's the other common assessment?", {"work", "style"}),
        ("Other than the phone interview, what steps are there?", {"phone", "interview"}),
        ("what else should I read apart from STAR?", {"star"}),
        ("Is there an assessment other than the work sample simulation?", {"work", "sample", "simulation"}),
        ("How long is the work style assessment?", set()),
        ("What's the other assessment?", set()),
    ],
)
def test_the_thing_a_question_sets_aside_is_recognised(question, words):
    assert excluded_words(question) == words


def test_nlu_s_out_of_scope_is_set_aside_when_the_coverage_model_is_sure_the_page_covers_it():
    ranked = [passage("a", "x", 0.45)]  # below the score a flagged question needs (0.55 here)
    p = dataclasses.replace(P, flag_overruled_below=0.2)
    assert decide(ranked, p, likely_uncovered=True, uncovered=0.12).kind == "answer"
    assert decide(ranked, p, likely_uncovered=True, uncovered=0.3).kind == "fallback"
    assert decide(ranked, p, likely_uncovered=True).kind == "fallback"  # no coverage model: NLU decides
    assert decide(ranked, P, likely_uncovered=True, uncovered=0.12).kind == "fallback"  # 0: never
