"""The coverage model: P(uncovered) from a question's vector (api/knowledge/coverage.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.knowledge import coverage
from api.knowledge.coverage import (
    CoverageModel,
    Ngrams,
    _beside,
    char_grams,
    covered_examples,
    fitted,
    labelled_questions,
    nlu_examples,
    set_paths,
    train,
    word_grams,
)
from api.knowledge.search import Params, Passage, decide

NLU = """version: "3.1"
nlu:
- intent: ask_hiring
  examples: |
    - how long is the [work style](assessment) assessment
    - what does a bar raiser do
- intent: out_of_scope
  examples: |
    - what is the salary
- intent: greet
  examples: |
    - hi
"""


def test_the_examples_of_an_intent_are_read_without_their_annotations(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text(NLU)
    assert nlu_examples(path, "ask_hiring") == ["how long is the work style assessment", "what does a bar raiser do"]
    assert nlu_examples(path, "out_of_scope") == ["what is the salary"]
    assert nlu_examples(tmp_path / "missing.yml", "ask_hiring") == []


def fake_encode(texts):
    """Two clear directions: questions about pay point one way, the rest another (unit vectors)."""
    out = []
    for t in texts:
        v = np.array([1.0, 0.1, 0.0]) if "pay" in t or "salary" in t else np.array([0.1, 1.0, 0.0])
        out.append(v / np.linalg.norm(v))
    return np.vstack(out)


def test_the_model_learns_what_uncovered_questions_ask_about_and_caches_their_vectors(tmp_path):
    covered = ["how long is the assessment", "what is a bar raiser", "when do I hear back"]
    uncovered = ["what is the salary", "how much do you pay", "pay range for SDE"]
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return fake_encode(texts)

    model = train(covered, uncovered, counting, tmp_path, "fake")
    assert model is not None and model.examples == 6
    for question, expected in (("what's the pay?", True), ("how long is the loop?", False)):
        assert (model.uncovered(fake_encode([question]), question) > 0.7) is expected, question
    train(covered, [*uncovered, "salary for interns"], counting, tmp_path, "fake")
    assert calls == [6, 1]  # the second fit embeds only the new question
    assert train(covered, [], fake_encode) is None


def test_the_words_of_a_question_count_where_its_vector_does_not_tell():
    # Every vector the same: only how the questions are worded tells covered from uncovered.
    same = lambda texts: np.tile(np.array([[0.6, 0.8, 0.0]]), (len(texts), 1))  # noqa: E731
    covered = ["how long is the phone interview", "how long is the assessment", "how long is the loop"]
    uncovered = ["can I move my phone interview", "can I move the assessment", "can I move my loop"]
    model = train(covered, uncovered, same)
    assert model is not None and model.ngrams is not None
    vec = same(["x"])
    assert (
        model.uncovered(vec, "can I move my interview") > 0.6 > 0.4 > model.uncovered(vec, "how long is my interview")
    )
    without = train(covered, uncovered, same, ngrams=False)
    assert without is not None and without.ngrams is None
    assert abs(without.uncovered(vec, "can I move my interview") - without.uncovered(vec, "how long is it")) < 1e-9


def test_the_n_gram_weights_score_a_question_as_the_fitted_matrix_does():
    texts = ["how long is the phone interview", "can I move my loop", "what's the pay for an SDE intern?"]
    grams = Ngrams.fit(texts * 2)  # every character n-gram seen twice, so none is dropped by min_df
    coef = np.random.default_rng(7).normal(size=grams.features(texts).shape[1])
    weights = grams.weighted(coef)
    for text in [*texts, "how LONG is my onsite??", "", "zzz"]:
        assert weights.score(text) == pytest.approx(float((grams.features([text]) @ coef)[0]), abs=1e-9), text


def test_the_n_grams_are_those_sklearn_analyses():
    # Serving uses these functions without sklearn; the fitted vocabularies came from its analyzers.
    from sklearn.feature_extraction.text import CountVectorizer

    words = CountVectorizer(ngram_range=(1, 2)).build_analyzer()
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    texts = [
        "how long is the phone interview?",
        "",
        "x",
        "I'm  a\tstudent\n\nhere 👋 can i apply??",
        "¿Cuánto PAGAN? über-cool e-mail a.b.c",
        "ÉCOLE İstanbul ß",
        "ok",
        *nlu_examples(Path(__file__).resolve().parents[3] / "bot" / "data" / "nlu.yml", "ask_hiring")[:300],
    ]
    for text in texts:
        assert word_grams(text) == words(text), text
        assert char_grams(text) == chars(text), text


def test_the_n_gram_matrix_is_the_one_sklearn_fits():
    # Fitted without sklearn (its import stayed in the server: 48 MB), the same vocabularies and matrix.
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    texts = [
        "how long is the phone interview?",
        "",
        "zzz",
        "how LONG is my onsite??",
        "¿Cuánto PAGAN? über-cool",
        *nlu_examples(Path(__file__).resolve().parents[3] / "bot" / "data" / "nlu.yml", "ask_hiring")[:300],
    ]
    words = CountVectorizer(analyzer=word_grams, binary=True)
    chars = CountVectorizer(analyzer=char_grams, min_df=2, binary=True)
    expected = hstack([normalize(words.fit_transform(texts)), normalize(chars.fit_transform(texts))]).tocsr()
    grams, matrix = Ngrams.fitted(texts)
    assert grams.words == words.vocabulary_ and grams.chars == chars.vocabulary_
    assert matrix.shape == expected.shape and abs(matrix - expected).max() < 1e-12
    others = ["is the loop on site", "", "qqqq zzz"]
    assert (
        abs(
            grams.features(others) - hstack([normalize(words.transform(others)), normalize(chars.transform(others))])
        ).max()
        < 1e-12
    )


@pytest.fixture
def no_models_in_memory(monkeypatch):
    """As in a new process: only what is kept on disk is known."""
    monkeypatch.setattr(coverage, "_FITTED", type(coverage._FITTED)())


def test_a_kept_model_is_taken_for_the_same_data_and_only_for_it(tmp_path, monkeypatch, no_models_in_memory):
    covered = ["how long is the assessment", "what is a bar raiser", "when do I hear back"]
    uncovered = ["what is the salary", "how much do you pay", "pay range for SDE"]
    store = tmp_path / "coverage-model.npz"
    model = train(covered, uncovered, fake_encode, store=store)
    assert model is not None and store.exists()
    monkeypatch.setattr(coverage, "_FITTED", type(coverage._FITTED)())

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again")

    monkeypatch.setattr(coverage, "fit_balanced", no_fit)
    kept = train(covered, uncovered, fake_encode, store=store)
    assert kept is not None and kept.examples == model.examples and kept.ngrams is not None
    for question in ("what's the pay?", "how long is the loop?", ""):
        vec = fake_encode([question])
        assert kept.uncovered(vec, question) == pytest.approx(model.uncovered(vec, question), abs=1e-12)
    assert fitted(covered, uncovered, fake_encode, store=store) is kept
    # Other data (one more question) or an unreadable file: no model, so a fit.
    assert fitted(covered, [*uncovered, "do you pay interns"], fake_encode, store=store) is None
    store.write_bytes(b"not a model")
    monkeypatch.setattr(coverage, "_FITTED", type(coverage._FITTED)())
    assert fitted(covered, uncovered, fake_encode, store=store) is None


def test_a_model_without_n_grams_is_kept_without_them(tmp_path, no_models_in_memory):
    covered, uncovered = ["how long is the assessment", "what is a bar raiser"], ["what is the salary", "pay?"]
    store = tmp_path / "m.npz"
    model = train(covered, uncovered, fake_encode, ngrams=False, store=store)
    assert model is not None
    kept = CoverageModel.load(store, coverage._key(covered + uncovered, 2, fake_encode(covered + uncovered), False))
    assert kept is not None and kept.ngrams is None and kept.bias == model.bias
    assert CoverageModel.load(tmp_path / "missing.npz", "x") is None


def test_the_vectors_beside_the_n_grams_are_the_matrix_scipy_would_stack():
    from scipy.sparse import csr_matrix, hstack

    grams = Ngrams.fit(["how long is the phone interview", "how long is my loop", "", "zzz"] * 2)
    matrix = grams.features(["how long is the phone interview", "", "is my loop long", "zzz"])
    assert matrix[1].nnz == 0  # a row without n-grams keeps its place
    vectors = np.random.default_rng(3).normal(size=(4, 5))
    ours = _beside(vectors, matrix)
    assert ours.shape == (4, 5 + matrix.shape[1])
    assert abs(ours - hstack([csr_matrix(vectors), matrix])).max() == 0


def test_an_extreme_score_is_a_probability_not_an_overflow():
    model = CoverageModel(np.array([1e6, 0.0, 0.0]), 0.0)
    assert model.uncovered(np.array([1.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert model.uncovered(np.array([-1.0, 0.0, 0.0])) == pytest.approx(0.0)


def passage(score: float) -> Passage:
    return Passage("a#s", "knowledge/a.md", "A", "S", "text", None, score, score)


def test_the_decision_refuses_above_the_calibrated_levels():
    p = Params(0.02, 0.3, 0.15, 0.01, 0.55, uncovered_override=0.48, refuse_above=0.7, refuse_above_when_flagged=0.4)
    ranked = [passage(0.9)]
    assert decide(ranked, p, uncovered=0.69).kind == "answer"
    assert decide(ranked, p, uncovered=0.7).kind == "fallback"
    assert decide(ranked, p, likely_uncovered=True, uncovered=0.39).kind == "answer"
    assert decide(ranked, p, likely_uncovered=True, uncovered=0.4).kind == "fallback"
    assert decide(ranked, p, uncovered=None).kind == "answer"  # no model: as before
    assert decide(ranked, p, uncovered=0.75).uncovered == 0.75


def test_a_word_nothing_here_uses_lowers_the_refusal_level_to_its_own():
    p = Params(0.02, 0.3, 0.15, 0.01, 0.55, refuse_above=0.7, refuse_above_with_unknown_word=0.6)
    ranked = [passage(0.9)]
    assert decide(ranked, p, uncovered=0.65).kind == "answer"
    refused = decide(ranked, p, uncovered=0.65, unknown=("spanish",))
    assert refused.kind == "fallback" and refused.unknown == ("spanish",)
    assert decide(ranked, p, uncovered=0.59, unknown=("spanish",)).kind == "answer"


def test_a_weak_match_lowers_the_refusal_level_to_its_own():
    p = Params(0.02, 0.3, 0.15, 0.01, 0.55, refuse_above=0.7, weak_match_below=0.5, refuse_above_when_weak=0.55)
    # "do new hires get a mac or windows laptop?": nothing close, and doubtful coverage.
    assert decide([passage(0.35)], p, uncovered=0.6).kind == "fallback"
    assert decide([passage(0.35)], p, uncovered=0.5).kind == "answer"
    assert decide([passage(0.8)], p, uncovered=0.6).kind == "answer"  # a close match: the usual level


def test_the_covered_examples_are_every_intent_but_the_uncovered_ones(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text(NLU)
    assert covered_examples(path) == ["how long is the work style assessment", "what does a bar raiser do", "hi"]
    assert covered_examples(tmp_path / "missing.yml") == []


SINGLES = """
- id: d-01
  ask: "how long is the work style thing?"
  kind: answer
  must_mention: [["10"]]
- id: d-02
  ask: "whats the salary for an SDE"
  kind: out_of_scope
- id: d-03
  ask: "cuanto pagan?"
  kind: out_of_scope
  lang: es
- id: d-04
  ask: "where's my application at"
  kind: status_request
"""
CONVERSATIONS = """
- id: c-01
  turns:
    - ask: "what does a bar raiser do"
      kind: answer
    - ask: "can they veto me?"
      kind: out_of_scope
"""


def test_the_questions_of_labelled_sets_are_read_by_the_kind_each_expects(tmp_path):
    (tmp_path / "dev-1.yaml").write_text(SINGLES)
    (tmp_path / "conversations-dev-1.yaml").write_text(CONVERSATIONS)
    (tmp_path / "broken.yaml").write_text("- [unclosed")
    paths = set_paths("dev-*.yaml conversations-dev*.yaml broken.yaml missing-*.yaml", tmp_path)
    assert [p.name for p in paths] == ["dev-1.yaml", "conversations-dev-1.yaml", "broken.yaml"]
    covered, uncovered, look_ups = labelled_questions(paths)
    # A conversation's follow-up leans on it: only its first turn; other languages are no examples of
    # anything here; a broken file is skipped, not fatal.
    assert covered == ["how long is the work style thing?", "what does a bar raiser do"]
    assert uncovered == ["whats the salary for an SDE"]
    assert look_ups == ["where's my application at"]
    assert set_paths(str(tmp_path / "dev-*.yaml"), tmp_path / "elsewhere") == [tmp_path / "dev-1.yaml"]


def test_a_fit_does_not_import_sklearn():
    # Its import stayed in a server that fitted the models at its first start: 48 MB (docs/performance.md).
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from api.knowledge.coverage import train\n"
        "enc = lambda ts: np.array([[1.0, 0.0] if 'pay' in t else [0.0, 1.0] for t in ts])\n"
        "m = train(['how long is the loop', 'what is a bar raiser'], ['what is the pay', 'pay for interns'], enc)\n"
        "assert m is not None and m.ngrams is not None\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'sklearn'))\n"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
