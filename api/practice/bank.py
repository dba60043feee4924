"""The practice questions writers keep in practice/*.md: one `## Leadership Principle` section each,
a description in our own words marked `<!-- general -->`, the words that suggest the principle in an
answer (`<!-- words: ... -->`) and the questions as a `- ` list. Problems are reported as
file:line: message, like the knowledge's; a file with problems is not loaded.

practice/ is not knowledge: it is never indexed or searched as an answer to a hiring question.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from api.knowledge.documents import GENERAL_MARK, Problem, slugify

log = logging.getLogger(__name__)

# The sixteen Amazon Leadership Principles, by their public names.
LEADERSHIP_PRINCIPLES = (
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right, A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
    "Strive to be Earth's Best Employer",
    "Success and Scale Bring Broad Responsibility",
)
MAX_QUESTION_CHARS = 300
_WORDS = re.compile(r"<!--\s*words:(.*?)-->", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Question:
    id: str  # "customer-obsession-1": the principle's slug and the question's place under it
    text: str
    principle: str


@dataclass(frozen=True)
class Principle:
    name: str
    description: str  # our own words (marked general in the file)
    words: tuple[str, ...]  # words in an answer that suggest this principle
    questions: tuple[Question, ...]


@dataclass
class Bank:
    principles: list[Principle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def questions(self) -> list[Question]:
        return [q for p in self.principles for q in p.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def principle(self, name: str) -> Principle | None:
        wanted = name.casefold().strip()
        return next((p for p in self.principles if p.name.casefold() == wanted or slugify(p.name) == wanted), None)


def parse(raw: str, rel_path: str) -> tuple[list[Principle], list[Problem]]:
    """The principles of one file, or the problems that keep it out."""
    problems: list[Problem] = []
    lines = raw.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # optional front matter (title, updated) for writers
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            return [], [Problem(rel_path, 1, "front matter is not closed with '---'")]
        start = end + 1
    heads = [i for i in range(start, len(lines)) if lines[i].startswith("## ")]
    if not heads:
        return [], [Problem(rel_path, start + 1, "no '## Leadership Principle' sections")]
    for i in range(start, heads[0]):
        if lines[i].strip() and not lines[i].startswith("# "):
            problems.append(Problem(rel_path, i + 1, "text before the first '## ' section; move it into a section"))
            break
    known = {p.casefold(): p for p in LEADERSHIP_PRINCIPLES}
    principles: list[Principle] = []
    seen_questions: dict[str, int] = {}
    for n, head in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        name = lines[head][3:].strip()
        canonical = known.get(name.casefold())
        if canonical is None:
            problems.append(
                Problem(
                    rel_path,
                    head + 1,
                    f"'{name}' is not a Leadership Principle name; use one of: " + ", ".join(LEADERSHIP_PRINCIPLES),
                )
            )
            continue
        principle, found = _section(lines, head, end, rel_path, canonical, seen_questions)
        problems.extend(found)
        principles.append(principle)
    return principles, problems


def _section(
    lines: list[str], head: int, end: int, rel_path: str, canonical: str, seen_questions: dict[str, int]
) -> tuple[Principle, list[Problem]]:
    """One `## principle` section: its description, words and questions (lines head+1 .. end-1)."""
    problems: list[Problem] = []
    body = "\n".join(lines[head + 1 : end])
    words_found = [w.strip().lower() for m in _WORDS.finditer(body) for w in m.group(1).split(",") if w.strip()]
    questions: list[Question] = []
    description: list[str] = []
    general_next = False
    paragraph: list[tuple[int, str]] = []

    def close_paragraph() -> None:
        nonlocal general_next
        if paragraph:
            text = " ".join(t for _, t in paragraph)
            if general_next:
                description.append(text)
            else:
                problems.append(
                    Problem(
                        rel_path,
                        paragraph[0][0],
                        "a description must be in our own words and marked "
                        "'<!-- general: our own words, not from the AWS hiring page -->' on the line before it",
                    )
                )
            paragraph.clear()
        general_next = False

    in_comment = False
    for i in range(head + 1, end):
        text = lines[i].strip()
        if in_comment:
            in_comment = "-->" not in text
            continue
        if text.startswith("<!--"):
            close_paragraph()
            general_next = bool(GENERAL_MARK.match(text))
            in_comment = "-->" not in text
            continue
        if not text:
            if paragraph:
                close_paragraph()
            continue
        if text.startswith("- "):
            close_paragraph()
            q = text[2:].strip()
            key = " ".join(re.findall(r"[a-z0-9]+", q.lower()))
            if not q.endswith(("?", ".")):
                problems.append(Problem(rel_path, i + 1, "a question ends with '?' or '.'"))
            elif len(q) > MAX_QUESTION_CHARS:
                problems.append(Problem(rel_path, i + 1, f"question over {MAX_QUESTION_CHARS} characters"))
            elif key in seen_questions:
                problems.append(
                    Problem(rel_path, i + 1, f"question listed twice (first on line {seen_questions[key]})")
                )
            else:
                seen_questions[key] = i + 1
                questions.append(Question(f"{slugify(canonical)}-{len(questions) + 1}", q, canonical))
            continue
        paragraph.append((i + 1, _COMMENT.sub("", text).strip()))
    close_paragraph()
    if not questions:
        problems.append(Problem(rel_path, head + 1, f"'{canonical}' has no questions: list them as '- question?'"))
    if not words_found:
        problems.append(
            Problem(rel_path, head + 1, f"'{canonical}' needs '<!-- words: a, b, c -->', the words that suggest it")
        )
    principle = Principle(canonical, " ".join(description), tuple(dict.fromkeys(words_found)), tuple(questions))
    return principle, problems


def load_bank(practice_dir: Path) -> Bank:
    """Every *.md under practice_dir (README.md and hidden files excepted)."""
    bank = Bank()
    seen: dict[str, str] = {}
    if not practice_dir.is_dir():
        bank.problems.append(Problem(str(practice_dir), 1, "no practice folder"))
        return bank
    for path in sorted(practice_dir.glob("*.md")):
        if path.name == "README.md" or path.name.startswith("."):
            continue
        rel = f"{practice_dir.name}/{path.name}"
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            bank.problems.append(Problem(rel, 1, "text is not UTF-8; save the file as UTF-8"))
            continue
        principles, problems = parse(raw, rel)
        bank.problems.extend(problems)
        if problems:
            continue
        for p in principles:
            if p.name in seen:
                bank.problems.append(Problem(rel, 1, f"'{p.name}' is also a section of {seen[p.name]}"))
                continue
            seen[p.name] = rel
            bank.principles.append(p)
    if not bank.principles:
        bank.problems.append(Problem(str(practice_dir), 1, "no practice questions loaded"))
    return bank


class LiveBank:
    """The bank, read again when a file under practice/ changes (checked at most once a second, by
    modification times), so writers' edits go live without a restart; a bad edit keeps the last
    good bank serving."""

    CHECK_EVERY = 1.0

    def __init__(self, practice_dir: Path) -> None:
        self.practice_dir = practice_dir
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[str, float, int], ...] = ()
        self._checked = 0.0
        self._bank = Bank()

    def _files(self) -> tuple[tuple[str, float, int], ...]:
        try:
            return tuple((p.name, p.stat().st_mtime, p.stat().st_size) for p in sorted(self.practice_dir.glob("*.md")))
        except OSError:
            return ()

    def get(self, now: float) -> Bank:
        with self._lock:
            if now - self._checked < self.CHECK_EVERY and self._bank.principles:
                return self._bank
            self._checked = now
            stamp = self._files()
            if stamp != self._stamp or not self._bank.principles:
                bank = load_bank(self.practice_dir)
                for problem in bank.problems:
                    log.warning("practice problem: %s", problem)
                if bank.principles or not self._bank.principles:
                    self._bank = bank
                self._stamp = stamp
            return self._bank
