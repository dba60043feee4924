"""'Answered by <section>': a question added to a section's example questions in the file itself."""

from __future__ import annotations

import pytest

from api.knowledge.examples import ExampleError, example_wording, with_example

FILE = "---\ntitle: T\n---\n# T\n\n## A\n\nText a.\n\n<!-- questions\n- first?\n-->\n\n## B\n\nText b.\n"


def test_the_question_joins_the_sections_questions_block():
    out = with_example(FILE, 6, 14, "second?")
    assert "<!-- questions\n- first?\n- second?\n-->\n\n## B" in out


def test_a_section_without_a_block_gets_one_after_its_text():
    out = with_example(FILE, 14, None, "b question?")
    assert out.endswith("Text b.\n\n<!-- questions\n- b question?\n-->\n")


def test_a_question_already_listed_is_not_added_twice():
    assert with_example(FILE, 6, 14, "First") == FILE


@pytest.mark.parametrize(
    ("question", "why"),
    [("   ", "empty"), ("x" * 201, "at most 200"), ("what --> next", "comment marker")],
)
def test_a_wording_that_cannot_be_an_example_says_why(question, why):
    with pytest.raises(ExampleError, match=why):
        example_wording(question)
