"""Reads knowledge/*.md into sections (one `##` section = one answer) and reports problems by file and line."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from markdown_it import MarkdownIt

MAX_SECTION_CHARS = 1200
SKIPPED_FILES = {"README.md", "not-covered.md"}  # the second: api/knowledge/not_covered.py
# knowledge/sources/ holds the source documents the knowledge is checked against, not answers.
SOURCES_DIR = "sources"

_md = MarkdownIt("commonmark")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
# A sentence ends at . ! or ? followed by space and a capital, digit, quote or bracket ("e.g. the" stays whole).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")
# A section's example questions: how candidates ask what it answers, in a comment readers never see.
#   <!-- questions
#   - what's the phone screen like?
#   -->
_QUESTIONS = re.compile(r"<!--\s*questions\b(.*?)-->", re.IGNORECASE | re.DOTALL)
# `<!-- general -->` (or `<!-- general: why -->`) on the line before a paragraph: its sentences are
# general guidance or say what the source leaves out, on purpose (api/knowledge/grounding.py).
GENERAL_MARK = re.compile(r"<!--\s*general\b:?(.*?)-->", re.IGNORECASE | re.DOTALL)
MAX_QUESTION_CHARS = 200


@dataclass(frozen=True)
class Section:
    id: str
    doc: str  # path relative to the project, e.g. knowledge/phone-interview.md
    title: str
    heading: str
    text: str
    url: str | None
    line: int
    # How candidates ask what this section answers (writers' example questions), matched question to
    # question beside the passage itself.
    questions: tuple[str, ...] = ()

    @property
    def embed_text(self) -> str:
        # Title and heading carry the topic words; embedding them with the body ranks better
        # than the body alone (measured: notes/retrieval.md).
        return f"{self.title} — {self.heading} — {self.text}"

    @property
    def sentence_texts(self) -> list[str]:
        # Each sentence with the section's title and heading, embedded on its own as well: a question
        # about one detail ("golf-ball questions", "concrete numbers") is diluted in the vector of a
        # whole section but close to the sentence that states it (measured: README, "Retrieval and refusal").
        return [f"{self.title} — {self.heading} — {x}" for x in split_sentences(self.text)]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Document:
    path: str
    title: str
    content_hash: str
    sections: list[Section] = field(default_factory=list)
    # Front matter that links topics for follow-ups (see api/knowledge/context.py): `next`, the topic
    # of the process step that follows this one; `lists`, the topics this one names in order (so "the
    # second one" resolves). Both hold document ids (file names without .md), checked after loading.
    next: str | None = None
    lists: list[str] = field(default_factory=list)
    meta_lines: dict[str, int] = field(default_factory=dict)
    # `audience`: the words a question for this topic's audience uses ("student", "graduate"). A
    # question using none of them is not for that audience: the topic ranks lower (search.rank).
    audience: list[str] = field(default_factory=list)
    # `audience_first: true`: a question that names the audience is about this topic before any other
    # ("I work for the state government, anything I need to check before my phone interview?"): the
    # topic ranks higher for it. For audiences that change how the process applies to the candidate
    # (government employees, students), not for what they apply to.
    audience_first: bool = False
    # `in_order: true`: the sections are the order a candidate goes through the topic (find a job, click
    # Apply Now, complete the application): "and then?" after one is the next one, not the next topic.
    in_order: bool = False

    @property
    def id(self) -> str:
        return doc_id(self.path)


def doc_id(path: str) -> str:
    """A document's id in front matter links: its file name without .md ("phone-interview")."""
    return Path(path).stem


def _key_line(raw: str, key: str) -> int:
    """The line of a front matter key, for problems about its value."""
    for n, line in enumerate(raw.splitlines()[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            return n
    return 1


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def split_sentences(text: str) -> list[str]:
    return [x.strip() for x in _SENTENCE_END.split(text) if x.strip()]


def front_matter_lines(raw: str) -> int:
    """Number of lines the front matter block takes (0 when there is none)."""
    if not raw.startswith("---"):
        return 0
    lines = raw.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return i + 1
    return 0


def parse_document(path: Path, raw_bytes: bytes, rel_path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one file; return the document, or None with the problems that keep it out."""
    problems: list[Problem] = []
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        return None, [Problem(rel_path, line, "text is not UTF-8; save the file as UTF-8")]

    if not raw.startswith("---"):
        return None, [
            Problem(rel_path, 1, "missing front matter: start the file with a '---' block holding title and updated")
        ]
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        return None, [Problem(rel_path, line, f"malformed front matter: {getattr(exc, 'problem', exc)}")]

    meta = post.metadata
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(rel_path, 1, "front matter needs a 'title'"))
    updated = meta.get("updated")
    if isinstance(updated, str):
        try:
            dt.date.fromisoformat(updated)
        except ValueError:
            updated = None
    if not isinstance(updated, (dt.date, str)):
        problems.append(Problem(rel_path, 1, "front matter needs 'updated' as a date, e.g. updated: 2026-11-26"))
    url = meta.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        problems.append(Problem(rel_path, 1, "'url' must be a full http(s) address"))
    nxt = meta.get("next")
    if nxt is not None and not (isinstance(nxt, str) and nxt.strip()):
        problems.append(
            Problem(rel_path, _key_line(raw, "next"), "'next' must be one document id, e.g. next: phone-interview")
        )
    lists = meta.get("lists", [])
    if not (isinstance(lists, list) and all(isinstance(x, str) and x.strip() for x in lists)):
        problems.append(
            Problem(rel_path, _key_line(raw, "lists"), "'lists' must be a list of document ids, e.g. lists: [a, b]")
        )
    audience = meta.get("audience", [])
    if not (isinstance(audience, list) and audience and all(isinstance(x, str) and x.strip() for x in audience)) and (
        "audience" in meta
    ):
        problems.append(
            Problem(
                rel_path,
                _key_line(raw, "audience"),
                "'audience' must be a list of the words its readers use, e.g. audience: [student, graduate]",
            )
        )
    audience_first = meta.get("audience_first", False)
    if not isinstance(audience_first, bool) or (audience_first and not audience):
        problems.append(
            Problem(
                rel_path,
                _key_line(raw, "audience_first"),
                "'audience_first' must be true or false, and needs an 'audience' list, e.g. audience_first: true",
            )
        )
    in_order = meta.get("in_order", False)
    if not isinstance(in_order, bool):
        problems.append(Problem(rel_path, _key_line(raw, "in_order"), "'in_order' must be true or false"))
    if problems:
        return None, problems

    offset = front_matter_lines(raw)
    body_lines = post.content.splitlines()
    # python-frontmatter strips leading blank lines of the body; find where it really starts.
    raw_lines = raw.splitlines()
    first = next((ln for ln in body_lines if ln.strip()), None)
    if first is not None:
        for i in range(offset, len(raw_lines)):
            if raw_lines[i] == first:
                offset = i
                break

    tokens = _md.parse(post.content)
    headings: list[tuple[int, str]] = []  # (0-based body line, heading text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2" and tok.map:
            headings.append((tok.map[0], tokens[i + 1].content.strip()))

    if not headings:
        return None, [
            Problem(rel_path, offset + 1, "no '## ' sections: each answer must be a '## heading' with text under it")
        ]

    intro = "\n".join(body_lines[: headings[0][0]]).strip()
    if intro and not intro.startswith("#"):
        problems.append(
            Problem(rel_path, offset + 1, "text before the first '## ' section is never shown; move it into a section")
        )

    doc_title = str(title).strip()
    doc_url = url if isinstance(url, str) else None
    stem = Path(rel_path).stem
    sections: list[Section] = []
    seen: set[str] = set()
    for n, (start, heading) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(body_lines)
        raw_text = "\n".join(body_lines[start + 1 : end])
        text = raw_text.strip()
        line = offset + start + 1
        questions, found = _example_questions(raw_text, rel_path, line + 1)
        problems.extend(found)
        # Neither comment is for candidates; a blank line left where one stood is dropped.
        text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", GENERAL_MARK.sub("", _QUESTIONS.sub("", text))).strip()
        if not text:
            problems.append(Problem(rel_path, line, f"section '{heading}' is empty"))
            continue
        if len(text) > MAX_SECTION_CHARS:
            problems.append(
                Problem(
                    rel_path,
                    line,
                    f"section '{heading}' is {len(text)} characters; split it (at most {MAX_SECTION_CHARS})",
                )
            )
            continue
        sid = f"{stem}#{slugify(heading)}"
        if sid in seen:
            problems.append(Problem(rel_path, line, f"two sections are headed '{heading}'; give each its own heading"))
            continue
        seen.add(sid)
        sections.append(Section(sid, rel_path, doc_title, heading, text, doc_url, line, questions))
    for n, line_text in enumerate(raw_lines, start=1):
        for target in _LINK.findall(line_text):
            relative = not target.startswith(("http://", "https://", "mailto:", "#"))
            if relative and not (path.parent / target.split("#")[0]).exists():
                problems.append(Problem(rel_path, n, f"broken link to '{target}': no such file next to this one"))
    if problems:
        return None, problems
    digest = hashlib.sha256(raw_bytes).hexdigest()
    links = {k: _key_line(raw, k) for k in ("next", "lists")}
    nxt_id = nxt.strip() if isinstance(nxt, str) else None
    return Document(
        rel_path,
        doc_title,
        digest,
        sections,
        nxt_id,
        [str(x).strip() for x in lists] if isinstance(lists, list) else [],
        links,
        [str(x).strip().lower() for x in audience] if isinstance(audience, list) else [],
        audience_first is True,
        in_order is True,
    ), []


def _example_questions(text: str, rel_path: str, first_line: int) -> tuple[tuple[str, ...], list[Problem]]:
    """The example questions of a section's `<!-- questions -->` block(s), one `- ` item a line;
    `first_line` is the file line of the text's first line."""
    questions: list[str] = []
    problems: list[Problem] = []
    for block in _QUESTIONS.finditer(text):
        where = first_line + text[: block.start()].count("\n")  # the line of "<!-- questions"
        items = [(n, ln.strip()) for n, ln in enumerate(block.group(1).splitlines()) if ln.strip()]
        if not items:
            problems.append(
                Problem(rel_path, where, "empty questions block: list one question a line, as '- question'")
            )
        for n, item in items:
            if not item.startswith("- ") or not item[2:].strip():
                problems.append(
                    Problem(rel_path, where + n, f"in a questions block every line is '- question', not {item!r}")
                )
                continue
            question = item[2:].strip()
            if len(question) > MAX_QUESTION_CHARS:
                problems.append(Problem(rel_path, where + n, f"example question over {MAX_QUESTION_CHARS} characters"))
            elif _normal(question) in {_normal(q) for q in questions}:
                problems.append(Problem(rel_path, where + n, f"example question {question!r} is listed twice"))
            else:
                questions.append(question)
    return tuple(questions), problems


def _normal(question: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


def duplicate_questions(docs: list[Document]) -> list[Problem]:
    """An example question listed under two sections would pull both: each belongs to one."""
    first: dict[str, Section] = {}
    problems = []
    for doc in docs:
        for sec in doc.sections:
            for q in sec.questions:
                other = first.setdefault(_normal(q), sec)
                if other is not sec:
                    problems.append(
                        Problem(
                            sec.doc,
                            sec.line,
                            f"example question {q!r} is also listed under '{other.heading}' in {other.doc}; keep it in one section",
                        )
                    )
    return problems


def load_documents(knowledge_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Every *.md under knowledge_dir (README.md, sources/ and hidden files or folders excepted), sorted by path.

    Hidden entries are editors' swap files, `.git`, and the `..<timestamp>/` copy Kubernetes keeps
    beside the files of a mounted ConfigMap (deploy/): read, they would be every document twice.
    """
    docs: list[Document] = []
    problems: list[Problem] = []
    for path in sorted(knowledge_dir.rglob("*.md")):
        parts = path.relative_to(knowledge_dir).parts
        if path.name in SKIPPED_FILES or parts[0] == SOURCES_DIR or any(part.startswith(".") for part in parts):
            continue
        rel = f"knowledge/{path.relative_to(knowledge_dir).as_posix()}"
        doc, found = parse_document(path, path.read_bytes(), rel)
        problems.extend(found)
        if doc is not None:
            docs.append(doc)
    titles: dict[str, str] = {}
    for doc in docs:
        other = titles.get(doc.title.lower())
        if other:
            problems.append(Problem(doc.path, 1, f"title '{doc.title}' is also the title of {other}"))
        titles[doc.title.lower()] = doc.path
    problems.extend(link_problems(docs, knowledge_dir))
    return docs, problems + duplicate_questions(docs)


def link_problems(docs: list[Document], knowledge_dir: Path) -> list[Problem]:
    """A `next` or `lists` entry must name a document: one that is not there (a typo, a renamed file)
    would silently turn "what comes next?" into a refusal. A file that exists but has problems of its
    own is not reported again here."""
    known = {d.id for d in docs} | {p.stem for p in knowledge_dir.rglob("*.md")}
    out = []
    for doc in docs:
        if doc.next and doc.next not in known:
            out.append(Problem(doc.path, doc.meta_lines.get("next", 1), f"'next' names '{doc.next}': no such document"))
        for item in doc.lists:
            if item not in known:
                out.append(
                    Problem(doc.path, doc.meta_lines.get("lists", 1), f"'lists' names '{item}': no such document")
                )
    return out
