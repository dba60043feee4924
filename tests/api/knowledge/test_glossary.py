"""Candidates' words for the knowledge's terms (knowledge/glossary.yml)."""

from __future__ import annotations

from pathlib import Path

from api.knowledge.glossary import Glossary, load_glossary
from api.knowledge.index import build_index
from api.knowledge.search import rank

TERMS = {
    "OA": "online assessment",
    "BR": "bar raiser",
    "onsite": "in-person interviews",
    "virtual onsite": "in-person interviews, held virtually",
}


def test_a_term_is_followed_by_its_meaning_once():
    g = Glossary(TERMS)
    assert g.expand("whats the point of the OA anyway") == "whats the point of the OA (online assessment) anyway"
    assert g.expand("the OA and the OA") == "the OA (online assessment) and the OA"
    assert (
        g.expand("how do I prep for the virtual onsite?")
        == "how do I prep for the virtual onsite (in-person interviews, held virtually)?"
    )
    assert g.expand("Onsite tips") == "Onsite (in-person interviews) tips"


def test_capital_terms_match_only_in_capitals_and_never_inside_words():
    g = Glossary(TERMS)
    for text in ("br oa", "broad koala", "BRoad", "the OA-style"):
        assert g.expand(text) == text
    assert g.expand("an online assessment OA") == "an online assessment OA"  # the meaning is already there


def test_a_broken_glossary_is_reported_with_its_line(tmp_path):
    (tmp_path / "glossary.yml").write_text("OA: online assessment\nBR:\noa: again\n")
    glossary, problems = load_glossary(tmp_path)
    assert glossary.terms == {"OA": "online assessment"}
    assert [(p.line, "meaning" in p.message or "twice" in p.message) for p in problems] == [(2, True), (3, True)]
    (tmp_path / "glossary.yml").write_text("OA: [unclosed\n")
    _, problems = load_glossary(tmp_path)
    assert problems and problems[0].message.startswith("not valid YAML")
    (tmp_path / "glossary.yml").unlink()
    assert load_glossary(tmp_path) == (Glossary(), [])


DOC = "---\ntitle: {title}\nupdated: 2026-11-26\n---\n\n## {heading}\n\n{body}\n"


def test_with_the_real_model_a_question_in_candidates_words_finds_the_section(write_doc, tmp_path, embedder):
    write_doc(
        "loop.md",
        DOC.format(title="Interview loop", heading="Bar raisers", body="A bar raiser is a neutral interviewer."),
    )
    write_doc(
        "sim.md",
        DOC.format(title="Assessments", heading="Work style", body="The work style assessment takes 10-20 minutes."),
    )
    without = build_index(write_doc.dir, tmp_path / "a", embedder)
    question = "what does the BR do"
    plain = rank(without, embedder, question, 0.02, sentence_weight=0.7)[0]
    (write_doc.dir / "glossary.yml").write_text("BR: bar raiser\n")
    index = build_index(write_doc.dir, tmp_path / "a", embedder)
    assert index.version != without.version
    best = rank(index, embedder, question, 0.02, sentence_weight=0.7)[0]
    assert best.id == "loop#bar-raisers" and best.score > plain.score + 0.1


def test_the_writers_glossary_reads_track_my_application_as_the_status_but_not_a_hiring_track():
    glossary, problems = load_glossary(Path(__file__).resolve().parents[3] / "knowledge")
    assert not problems
    assert "status" in glossary.expand("how do i track my application?")
    assert glossary.expand("is there a special hiring track for veterans?") == (
        "is there a special hiring track for veterans?"
    )
    assert "government" in glossary.expand("im a DoD civilian, can i interview?")


def test_meaning_replaces_a_term_with_the_knowledges_words():
    glossary = Glossary({"on-site": "in-person interviews (interview loop)", "OA": "online assessment"})
    assert glossary.meaning("is that one on-site?") == "is that one in-person interviews interview loop?"
    assert glossary.meaning("how long is the OA") == "how long is the online assessment"
    assert glossary.meaning("a loan") == "a loan" and Glossary().meaning("OA") == "OA"
