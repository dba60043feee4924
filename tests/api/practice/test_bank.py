"""The practice questions writers keep in practice/*.md: checked like the knowledge, re-read live."""

from __future__ import annotations

from pathlib import Path

from api.config import ROOT
from api.knowledge.documents import load_documents
from api.practice.bank import LEADERSHIP_PRINCIPLES, LiveBank, load_bank, parse

GOOD = """---
title: Practice questions
updated: 2026-12-03
---

## Customer Obsession

<!-- general: our own words, not from the AWS hiring page -->
In our own words: start from the customer.

<!-- words: customer, client -->

- Tell me about a time you helped a customer.
- Tell me about a difficult client.
"""


def test_the_projects_practice_questions_load_without_problems_and_cover_all_sixteen_principles():
    bank = load_bank(ROOT / "practice")
    assert bank.problems == []
    assert [p.name for p in bank.principles] == list(LEADERSHIP_PRINCIPLES)
    assert all(p.questions and p.words and p.description.startswith("In our own words") for p in bank.principles)
    assert bank.question("customer-obsession-1").principle == "Customer Obsession"


def test_practice_questions_are_not_knowledge():
    docs, _ = load_documents(ROOT / "knowledge")
    assert not any("practice" in d.path for d in docs)
    assert not any("Tell me about a time" in s.text for d in docs for s in d.sections)


def test_a_good_file_gives_its_principle_words_and_questions_with_ids():
    principles, problems = parse(GOOD, "practice/q.md")
    assert problems == []
    (p,) = principles
    assert p.words == ("customer", "client")
    assert [q.id for q in p.questions] == ["customer-obsession-1", "customer-obsession-2"]


def test_an_unknown_principle_is_reported_with_the_names_to_use():
    _, problems = parse(GOOD.replace("## Customer Obsession", "## Customer Love"), "practice/q.md")
    assert len(problems) == 1 and problems[0].line == 6
    assert "'Customer Love' is not a Leadership Principle name" in problems[0].message
    assert "Customer Obsession" in problems[0].message


def test_a_description_not_marked_as_our_own_words_is_reported_at_its_line():
    raw = GOOD.replace("<!-- general: our own words, not from the AWS hiring page -->\n", "")
    _, problems = parse(raw, "practice/q.md")
    assert [(p.line, "marked" in p.message) for p in problems] == [(8, True)]


def test_a_question_twice_a_question_without_an_end_and_missing_words_are_reported():
    raw = GOOD.replace(
        "- Tell me about a difficult client.", "- Tell me about a time you helped a customer?\n- Describe a client"
    )
    raw = raw.replace("<!-- words: customer, client -->", "")
    _, problems = parse(raw, "practice/q.md")
    messages = " | ".join(p.message for p in problems)
    assert "listed twice" in messages and "ends with '?' or '.'" in messages and "<!-- words:" in messages


def test_an_edit_goes_live_and_a_broken_edit_keeps_the_last_good_bank(tmp_path: Path):
    (tmp_path / "q.md").write_text(GOOD, encoding="utf-8")
    live = LiveBank(tmp_path)
    assert len(live.get(0.0).questions) == 2
    (tmp_path / "q.md").write_text(GOOD + "- Tell me about a loyal customer.\n", encoding="utf-8")
    assert len(live.get(0.5).questions) == 2  # checked at most once a second
    assert len(live.get(2.0).questions) == 3
    (tmp_path / "q.md").write_text(GOOD.replace("## Customer Obsession", "## Nonsense"), encoding="utf-8")
    assert len(live.get(4.0).questions) == 3
