from __future__ import annotations

from pathlib import Path

import pytest

from api.knowledge.documents import load_documents, parse_document

ROOT = Path(__file__).resolve().parents[3]

GOOD = """---
title: Phone interview
updated: 2026-11-26
url: https://aws.amazon.com/careers/how-we-hire/
---

## When you hear back

AWS aims to reply within two business days.

## What it covers

Your past experience.
"""


def test_each_h2_section_becomes_one_answer_with_its_line(write_doc):
    write_doc("phone.md", GOOD)
    docs, problems = load_documents(write_doc.dir)
    assert problems == []
    [doc] = docs
    assert [s.heading for s in doc.sections] == ["When you hear back", "What it covers"]
    first = doc.sections[0]
    assert first.id == "phone#when-you-hear-back"
    assert first.doc == "knowledge/phone.md"
    assert first.text == "AWS aims to reply within two business days."
    assert first.line == 7
    assert first.embed_text.startswith("Phone interview — When you hear back — ")


def test_readme_is_not_a_knowledge_document(write_doc):
    write_doc("README.md", "# For writers\n\n## Rules\n\nSome rules.\n")
    docs, problems = load_documents(write_doc.dir)
    assert docs == [] and problems == []


def test_hidden_files_and_folders_are_skipped_as_in_a_mounted_configmap(write_doc):
    """Kubernetes mounts a ConfigMap as links to a hidden `..<timestamp>/` folder holding the files."""
    write_doc("phone.md", GOOD)
    hidden = write_doc.dir / "..2026_11_26_09_00_00.123" / "phone.md"
    hidden.parent.mkdir()
    hidden.write_text(GOOD)
    (write_doc.dir / ".phone.md.swp.md").write_text(GOOD)
    docs, problems = load_documents(write_doc.dir)
    assert [d.path for d in docs] == ["knowledge/phone.md"] and problems == []


def test_missing_front_matter_is_reported_on_line_1(write_doc):
    write_doc("bad.md", "## Heading\n\ntext\n")
    docs, problems = load_documents(write_doc.dir)
    assert docs == []
    assert [str(p) for p in problems] == [
        "knowledge/bad.md:1: missing front matter: start the file with a '---' block holding title and updated"
    ]


def test_malformed_front_matter_names_the_line(write_doc):
    write_doc("bad.md", "---\ntitle: x\nupdated: [2026\n---\n\n## H\n\ntext\n")
    _, problems = load_documents(write_doc.dir)
    assert len(problems) == 1
    assert problems[0].message.startswith("malformed front matter")
    assert problems[0].line >= 2


def test_missing_title_and_bad_date_are_both_reported(write_doc):
    write_doc("bad.md", "---\nupdated: yesterday\n---\n\n## H\n\ntext\n")
    _, problems = load_documents(write_doc.dir)
    messages = [p.message for p in problems]
    assert "front matter needs a 'title'" in messages
    assert any("updated" in m for m in messages)


def test_empty_section_is_reported_with_its_line(write_doc):
    write_doc("empty.md", "---\ntitle: T\nupdated: 2026-01-01\n---\n\n## Full\n\ntext\n\n## Empty\n\n")
    docs, problems = load_documents(write_doc.dir)
    assert docs == []
    assert str(problems[0]) == "knowledge/empty.md:10: section 'Empty' is empty"


def test_non_utf8_file_is_reported_not_crashed_on():
    doc, problems = parse_document(Path("x.md"), "---\ntitle: é\n".encode("latin-1"), "knowledge/x.md")
    assert doc is None
    assert problems[0].line == 2 and "UTF-8" in problems[0].message


def test_duplicate_titles_are_reported(write_doc):
    write_doc("a.md", GOOD)
    write_doc("b.md", GOOD)
    _, problems = load_documents(write_doc.dir)
    assert any("is also the title of knowledge/a.md" in p.message for p in problems)


def test_project_knowledge_has_no_problems():
    docs, problems = load_documents(ROOT / "knowledge")
    assert problems == []
    assert len(docs) >= 10


def test_broken_relative_link_is_reported_with_its_line(write_doc):
    write_doc(
        "a.md",
        GOOD.replace("Your past experience.", "See [the phone page](phone.md) and [EEOC](https://www.eeoc.gov/)."),
    )
    _, problems = load_documents(write_doc.dir)
    assert [str(p) for p in problems] == ["knowledge/a.md:13: broken link to 'phone.md': no such file next to this one"]
    write_doc("phone.md", GOOD.replace("Phone interview", "Phone"))
    assert load_documents(write_doc.dir)[1] == []


QUESTIONS_DOC = """---
title: Phone interview
updated: 2026-11-26
---

## What the phone interview covers

The phone interview is a conversation about your experience.

<!-- questions
- what's the phone screen like?
- what do they ask on the phone call?
-->
"""


def test_example_questions_are_read_and_never_shown_as_text(write_doc):
    write_doc("phone.md", QUESTIONS_DOC)
    docs, problems = load_documents(write_doc.dir)
    assert problems == []
    (section,) = docs[0].sections
    assert section.questions == ("what's the phone screen like?", "what do they ask on the phone call?")
    assert "questions" not in section.text and "<!--" not in section.text


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("<!-- questions\n-->", "empty questions block"),
        ("<!-- questions\nwhat is it?\n-->", "every line is '- question'"),
        ("<!-- questions\n- what is it?\n- What is it\n-->", "listed twice"),
        ("<!-- questions\n- " + "x" * 201 + "\n-->", "over 200 characters"),
    ],
)
def test_malformed_example_questions_are_reported_with_their_line(write_doc, block, message):
    write_doc("phone.md", QUESTIONS_DOC.split("<!--")[0] + block + "\n")
    _, problems = load_documents(write_doc.dir)
    # The block opens on line 10; its first item is line 11, the second 12.
    line = {"empty questions block": 10, "listed twice": 12}.get(message, 11)
    assert any(message in p.message and p.line == line for p in problems), problems


def test_an_example_question_under_two_sections_is_reported(write_doc):
    write_doc("phone.md", QUESTIONS_DOC)
    write_doc("other.md", QUESTIONS_DOC.replace("Phone interview", "Other").replace("phone call?", "other call?"))
    _, problems = load_documents(write_doc.dir)
    assert any("also listed under" in p.message for p in problems), problems


LINKED = """---
title: {title}
updated: 2026-11-26
{links}
---

## Section

Text.
"""


def test_next_and_lists_name_documents_and_an_unknown_one_is_reported_at_its_line(write_doc):
    write_doc("phone.md", LINKED.format(title="Phone", links="next: loop\nlists: [loop]"))
    write_doc("loop.md", LINKED.format(title="Loop", links="next: on-site\nlists: [phone, nowhere]"))
    docs, problems = load_documents(write_doc.dir)
    phone = next(d for d in docs if d.id == "phone")
    assert phone.next == "loop" and phone.lists == ["loop"]
    assert [str(p) for p in problems] == [
        "knowledge/loop.md:4: 'next' names 'on-site': no such document",
        "knowledge/loop.md:5: 'lists' names 'nowhere': no such document",
    ]


def test_a_malformed_next_keeps_the_document_out(write_doc):
    write_doc("phone.md", LINKED.format(title="Phone", links="next: [a, b]"))
    docs, problems = load_documents(write_doc.dir)
    assert docs == [] and "'next' must be one document id" in str(problems[0])


def test_audience_first_is_read_and_needs_an_audience(write_doc):
    write_doc("gov.md", LINKED.format(title="Gov", links="audience: [government]\naudience_first: true"))
    write_doc("devs.md", LINKED.format(title="Developers", links="audience: [sde]"))
    write_doc("bad.md", LINKED.format(title="Bad", links="audience_first: true"))
    write_doc("worse.md", LINKED.format(title="Worse", links="audience: [student]\naudience_first: often"))
    docs, problems = load_documents(write_doc.dir)
    assert [(d.id, d.audience_first) for d in docs] == [("devs", False), ("gov", True)]
    assert [p.path for p in problems] == ["knowledge/bad.md", "knowledge/worse.md"]
    assert all("'audience_first' must be true or false, and needs an 'audience' list" in p.message for p in problems)


def test_in_order_is_read_and_must_be_true_or_false(write_doc):
    write_doc("apply.md", LINKED.format(title="Apply", links="in_order: true"))
    write_doc("phone.md", LINKED.format(title="Phone", links=""))
    write_doc("bad.md", LINKED.format(title="Bad", links="in_order: sometimes"))
    docs, problems = load_documents(write_doc.dir)
    assert [(d.id, d.in_order) for d in docs] == [("apply", True), ("phone", False)]
    assert [str(p) for p in problems] == ["knowledge/bad.md:4: 'in_order' must be true or false"]


def test_audience_words_are_read_lowercased_and_a_malformed_audience_keeps_the_document_out(write_doc):
    write_doc("devs.md", LINKED.format(title="Developers", links="audience: [Software, SDE]"))
    write_doc("bad.md", LINKED.format(title="Bad", links="audience: students"))
    docs, problems = load_documents(write_doc.dir)
    assert [(d.id, d.audience) for d in docs] == [("devs", ["software", "sde"])]
    assert [str(p) for p in problems] == [
        "knowledge/bad.md:4: 'audience' must be a list of the words its readers use, e.g. audience: [student, graduate]"
    ]
