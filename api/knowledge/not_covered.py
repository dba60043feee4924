"""Questions the knowledge does not answer, as the writers list them (knowledge/not-covered.md), and
the refusal of questions worded like them.

An uncovered question about hiring ("can I reschedule my phone interview?", "can I use notes in the
virtual interview?") matches a real section as well as a covered one does, so neither a similarity
threshold nor the coverage model refuses all of them (docs/quality.md). Candidates ask the same
uncovered things again and again, in their own words, so the assistant keeps labelled questions,
as FAQ tools keep negative examples, and compares a new question with them, question to question:

- not covered: the writers' list in knowledge/not-covered.md and the dialogue tier's `out_of_scope`
  examples (bot/data/nlu.yml);
- covered: the writers' example questions of every section and the dialogue tier's `ask_hiring`
  examples (the coverage model's covered questions).

A question is refused when its closest labelled question is a not-covered one at a cosine of at
least `known_uncovered_above` and closer, by `known_uncovered_margin`, than every covered one. The
margin keeps "why do they mix different kinds of interviewers in the loop?" (covered) answered beside
"why do they have so many interviews?" (not). The vectors are the coverage model's: api/knowledge/index.py
embeds every labelled question once per build, cached by text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from api.knowledge.documents import Problem

FILE = "not-covered.md"
_ITEM = re.compile(r"^\s*[-*](?:\s+(.*?))?\s*$")  # "- question"; a bare "-" too, to report it
MAX_CHARS = 300
# A listed question this close to a section's example question is said to be both covered and not:
# reported, and not used, until the writer removes one of them.
CONFLICT_ABOVE = 0.9


@dataclass(frozen=True)
class NotCovered:
    """The writers' list: each question and its line in the file."""

    questions: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def load_not_covered(knowledge_dir: Path) -> tuple[NotCovered, list[Problem]]:
    """knowledge/not-covered.md: every list item ("- question") under any heading; a missing file is
    an empty list. Items with a problem are reported and left out; the others are used."""
    path = knowledge_dir / FILE
    rel = f"knowledge/{FILE}"
    if not path.exists():
        return NotCovered(), []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return NotCovered(), [Problem(rel, 1, f"cannot be read ({type(exc).__name__}); save it as UTF-8 text")]
    questions: list[str] = []
    at: list[int] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for n, line in enumerate(lines, start=1):
        match = _ITEM.match(line)
        if match is None:
            continue
        text = match.group(1) or ""
        key = _normal(text)
        if not key:
            problems.append(Problem(rel, n, "a list item with no question: write the question after '- '"))
        elif len(text) > MAX_CHARS:
            problems.append(Problem(rel, n, f"over {MAX_CHARS} characters: write the question as a candidate asks it"))
        elif key in seen:
            problems.append(Problem(rel, n, f"listed already on line {seen[key]}"))
        else:
            seen[key] = n
            questions.append(text)
            at.append(n)
    return NotCovered(tuple(questions), tuple(at)), problems


@dataclass(frozen=True)
class KnownQuestions:
    """Labelled questions with their unit vectors (one row each)."""

    covered: np.ndarray
    uncovered: np.ndarray
    uncovered_texts: tuple[str, ...]

    def refusing(self, qvec: np.ndarray, above: float, margin: float) -> str | None:
        """The not-covered question a question is worded like (closest labelled question, at least
        `above`, closer than any covered one by `margin`), or None."""
        if not len(self.uncovered) or above > 1.0:
            return None
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        sims = self.uncovered @ q
        best = int(np.argmax(sims))
        if float(sims[best]) < above:
            return None
        covered = float(np.max(self.covered @ q)) if len(self.covered) else -1.0
        return self.uncovered_texts[best] if float(sims[best]) >= covered + margin else None


def build_known(
    covered: list[str],
    uncovered: list[str],
    listed: NotCovered,
    example_questions: set[str],
    vectors_of: Callable[[list[str]], np.ndarray],
    query_text: Callable[[str], str],
) -> tuple[KnownQuestions, list[Problem]]:
    """The labelled questions (`covered` and `uncovered` from the dialogue tier and the example
    questions, `listed` from the writers' file), and a problem for each listed question that reads
    like one of the sections' `example_questions` (that question is left out). `vectors_of` is
    called once, with every text."""
    covered = list(dict.fromkeys(covered))
    listed_set = set(listed.questions)
    others = [q for q in dict.fromkeys(uncovered) if q not in listed_set]
    texts = covered + list(listed.questions) + others
    rows = np.asarray(vectors_of([query_text(q) for q in texts]) if texts else np.zeros((0, 1)), dtype=np.float32)
    cov = rows[: len(covered)]
    mine = rows[len(covered) : len(covered) + len(listed.questions)]
    examples = [i for i, q in enumerate(covered) if q in example_questions]
    # Every listed question against every example question at once (a copy of the example rows for
    # each listed question made this a third of a rebuild).
    against = mine @ cov[examples].T if examples else None
    problems: list[Problem] = []
    keep = []
    for n, (question, line) in enumerate(zip(listed.questions, listed.lines, strict=True)):
        if against is not None:
            sims = against[n]
            best = int(np.argmax(sims))
            if float(sims[best]) >= CONFLICT_ABOVE:
                problems.append(
                    Problem(
                        f"knowledge/{FILE}",
                        line,
                        f"{question!r} reads like the example question {covered[examples[best]]!r} "
                        f"({float(sims[best]):.2f}): a question is covered or not; remove one of them",
                    )
                )
                continue
        keep.append(n)
    unc = np.vstack([mine[keep], rows[len(covered) + len(listed.questions) :]])
    names = tuple(listed.questions[n] for n in keep) + tuple(others)
    return KnownQuestions(cov, unc, names), problems
