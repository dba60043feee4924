"""Writing a candidate's wording into the knowledge: "answered by <section>" on the writers' page
adds the question as an example question of that section (its `<!-- questions -->` block, made when
missing), so that the next candidate who asks it that way is answered."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from api.knowledge.documents import MAX_QUESTION_CHARS, Section

_CLOSE = re.compile(r"^\s*-->\s*$")
_OPEN = re.compile(r"^\s*<!--\s*questions\b", re.IGNORECASE)


class ExampleError(Exception):
    """The wording cannot become an example question (`detail` says why, for a 4xx)."""


def example_wording(question: str) -> str:
    """The question as one line of a questions block, or ExampleError."""
    words = " ".join(question.split())
    if not words:
        raise ExampleError("the question is empty")
    if len(words) > MAX_QUESTION_CHARS:
        raise ExampleError(
            f"the question is {len(words)} characters; an example question is at most {MAX_QUESTION_CHARS}"
        )
    if "-->" in words or "<!--" in words:
        raise ExampleError("the question holds an HTML comment marker, which would break the file")
    return words


def with_example(text: str, start_line: int, end_line: int | None, question: str) -> str:
    """`text` (a knowledge file) with `question` added to the questions block of the section whose
    heading is on `start_line` (1-based) and which ends before `end_line` (the next section's
    heading; None: the end of the file). Unchanged when the section already lists it."""
    lines = text.split("\n")
    end = (end_line - 1) if end_line else len(lines)
    section = range(start_line - 1, end)
    wanted = " ".join(re.findall(r"[a-z0-9]+", question.lower()))
    if any(" ".join(re.findall(r"[a-z0-9]+", lines[i].lstrip("- ").lower())) == wanted for i in section):
        return text
    opened = close = None
    for i in section:
        if _OPEN.match(lines[i]):
            opened = i
        elif opened is not None and _CLOSE.match(lines[i]):
            close = i  # the last block of the section gets the question, before its "-->"
    if close is not None:
        lines.insert(close, f"- {question}")
    else:
        at = end
        while at - 1 > start_line - 1 and not lines[at - 1].strip():
            at -= 1  # after the section's last line of text
        lines[at:at] = ["", "<!-- questions", f"- {question}", "-->"]
    return "\n".join(lines)


def add_example(knowledge_dir: Path, section: Section, next_section: Section | None, question: str) -> Path:
    """Write the question into the section's file (atomically); return the file."""
    wording = example_wording(question)
    path = knowledge_dir / Path(section.doc).relative_to("knowledge")
    text = path.read_text(encoding="utf-8")
    new = with_example(text, section.line, next_section.line if next_section else None, wording)
    if new != text:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".example-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(new)
        os.replace(tmp, path)
    return path
