"""Grounding: every sentence of the knowledge must say what the source documents say.

Each sentence of a section's text is compared with every sentence (and clause, and line) of the source
documents: by meaning (MiniLM cosine) and by the key terms they share. Its support is the source
sentence that scores best. It is reported as `file:line: not found in the source: "…"` when that score
is below THRESHOLD, or when it has a number its support lacks, a name or a phrase the source never uses,
or a negation its support does not state. A paragraph a writer marks `<!-- general -->` (general
guidance, or what the source leaves out) is listed but never reported. docs/knowledge.md, "Grounding".
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from markdown_it import MarkdownIt

from api.knowledge.documents import GENERAL_MARK, Problem, front_matter_lines, load_documents, split_sentences
from api.knowledge.embedder import Embedder
from api.knowledge.search import strip_company

# score = 0.6 × cosine + 0.4 × share of the sentence's key terms its support states − 0.05 for each
# key term the source never uses; chosen, with THRESHOLD, on sentences labelled by hand
# (tests/api/knowledge/grounding_labels.yaml; the sweep: docs/knowledge.md, "Grounding").
COSINE_WEIGHT = 0.6
NEW_TERM_PENALTY = 0.05
THRESHOLD = 0.545
CANDIDATES = 10  # the closest source units (by cosine) among which the best support is chosen
SOURCE_SUFFIXES = (".txt", ".md")

_md = MarkdownIt("commonmark")
_QUESTIONS = re.compile(r"<!--\s*questions\b", re.IGNORECASE)
# Where a source sentence splits into clauses that can each support a sentence on their own.
_CLAUSE = re.compile(r"[;:]\s+|,?\s+(?:and|but|though|because|instead|so|while)\s+(?=[a-z])")
MIN_CLAUSE_WORDS = 4
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u2011": "-", "–": "-", "—": "-"})


# Function words, and the words every sentence of this knowledge uses for the company: a sentence
# shares them with any source sentence, so they say nothing about support.
def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _set(
    """a about after all also an and any are as at be been before being both but by can could do does
    during each either for from had has have he her here his how i if in into is it it's its itself
    may me more most must my of on once one or other our out own per she should so some such than that
    the their them then there these they this those through to too under until up us was we were what
    when where whether which while who whom why will with within would you you're your yours amazon
    aws amazon's aws's"""
)
# Light verbs and words about what a page says: a paraphrase uses them freely and they state no fact
# ("the page suggests", "points candidates to", "gives a clear picture").
GENERIC = _set(
    """use uses using used give gives given get gets go goes make makes made show shows say says said
    point points suggest suggests recommend recommends mention mentions refer refers list lists meant
    kind set let lets sure along ahead generally several another other others also page link links"""
)
# Words that turn a statement around. A sentence with one needs one (or a contrast: "avoid",
# "rather than", "only", ...) in its support: "AWS does not review applications" is never grounded by
# "we review applications".
NEGATIONS = _set("not no never none nothing nor neither cannot can't don't doesn't didn't won't isn't aren't without")
CONTRASTS = NEGATIONS | _set("avoid avoids rather instead except only unreliable")
# Numbers in words. "one" is left out: it is mostly a pronoun or an article ("one of the two types").
_SMALL = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
NUMBER_WORDS = {w: str(n) for n, w in enumerate(_SMALL.split(), start=2)}
NUMBER_WORDS |= {
    "zero": "0",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "hundred": "100",
}


def _normal(text: str) -> str:
    return text.translate(_QUOTES)


def stem(word: str) -> str:
    """A light suffix rule so "assessments"/"assessment", "takes"/"take" and "applied"/"apply" meet;
    both sides of a comparison go through it, so a stem only has to be consistent, not a word."""
    w = word.lower().removesuffix("'s")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("es") and (w[-3] in "sxz" or w[-4:-2] in ("ch", "sh")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ation") and len(w) >= 8:
        w = w[:-5]
    elif w.endswith("ing") and len(w) >= 6:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) >= 5:
        w = _undouble(w[:-2])
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def _undouble(w: str) -> str:
    return w[:-1] if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz" else w


def words(text: str) -> list[str]:
    return _TOKEN.findall(_normal(text))


def key_terms(text: str) -> set[str]:
    """Content words (stemmed), numbers included: what a supporting sentence should share."""
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS | GENERIC | NEGATIONS}


def new_phrases(text: str, known: set[str]) -> list[str]:
    """Runs of two or more words in a row, each a key term the source never uses ("final round",
    "golf balls"): a new thing named, not a paraphrase, which swaps single words ("built" for "designed")."""
    out: list[str] = []
    run: list[str] = []
    for w in [*words(text), ""]:
        lw = w.lower()
        if lw and lw not in STOPWORDS | GENERIC | NEGATIONS and stem(w) not in known and not lw.isdigit():
            run.append(w)
            continue
        if len(run) > 1:
            out.append(" ".join(run))
        run = []
    return out


def numbers(text: str) -> set[str]:
    """Numbers as digits: "10-20 minutes" -> {10, 20}, "four steps" -> {4}."""
    found = set(re.findall(r"\d+", text))
    found |= {NUMBER_WORDS[w.lower()] for w in words(text) if w.lower() in NUMBER_WORDS}
    return found


def negations(text: str, cues: frozenset[str] = NEGATIONS) -> set[str]:
    lowered = [w.lower() for w in words(text)]
    found = {w for w in lowered if w in cues}
    if "n't" in _normal(text).lower():
        found.add("n't")
    return found


def names(text: str) -> set[str]:
    """Words written as names: capitalised after the first word ("Commission"), or in capitals
    anywhere ("EEOC"). A sentence's first word and "I" are capitalised anyway."""
    out = set()
    for n, w in enumerate(words(text)):
        if w == "I" or not w[0].isupper():
            continue
        if n > 0 or (len(w) > 1 and w.isupper()):
            out.add(w.removesuffix("'s"))
    return out


@dataclass(frozen=True)
class SourceUnit:
    """A sentence of a source document, or a whole line (paragraph) of several sentences."""

    path: str
    line: int
    text: str
    context: str = ""  # the heading it is under (a short line, or an FAQ question): its terms count too


@dataclass(frozen=True)
class Claim:
    """A sentence of a knowledge document."""

    doc: str
    line: int
    heading: str
    text: str
    general: str | None = None  # None: must be grounded; otherwise the writer's note ("" for none)


@dataclass
class SentenceReport:
    claim: Claim
    status: Literal["supported", "general", "not found"]
    score: float
    cosine: float
    terms: float  # share of the sentence's key terms found in its support
    support: list[SourceUnit]
    reasons: list[str] = field(default_factory=list)

    def problem(self) -> Problem:
        why = "; ".join(self.reasons)
        return Problem(self.claim.doc, self.claim.line, f'not found in the source: "{self.claim.text}" ({why})')


@dataclass
class GroundingReport:
    sources: list[str]
    sentences: list[SentenceReport]
    problems: list[Problem]  # the sentences not found, and sources that could not be read
    threshold: float = THRESHOLD

    @property
    def not_found(self) -> list[SentenceReport]:
        return [s for s in self.sentences if s.status == "not found"]


def _display(path: Path) -> str:
    from api.config import ROOT

    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def source_files(source: Path) -> list[Path]:
    """The source documents: one file, or every .txt and .md file under a directory (hidden ones excepted)."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        return []
    return sorted(
        p
        for p in source.rglob("*")
        if p.is_file()
        and p.suffix in SOURCE_SUFFIXES
        and p.name != "README.md"
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def _is_heading(line: str) -> bool:
    return line.endswith("?") or (len(line) < 80 and not line.endswith((".", "!", '"', ":")))


def source_units(text: str, path: str) -> list[SourceUnit]:
    """Each sentence of each line, and each line of more than one sentence, with its heading."""
    units: list[SourceUnit] = []
    heading = ""
    for n, raw in enumerate(_normal(text).splitlines(), start=1):
        line = raw.strip().lstrip("•*-· ").strip()
        if not line:
            continue
        sentences = split_sentences(line)
        for sentence in sentences:
            units.append(SourceUnit(path, n, sentence, heading))
            # A knowledge sentence often restates one half of a source sentence ("we review
            # applications on a rolling basis and will contact you if ..."): each half is a unit too.
            parts = [p.strip(" ,") for p in _CLAUSE.split(sentence)]
            if len(parts) > 1:
                units.extend(SourceUnit(path, n, p, heading) for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS)
        if len(sentences) > 1:
            units.append(SourceUnit(path, n, line, heading))
        if _is_heading(line):
            heading = line
    return units


def claims(path: Path, rel_path: str) -> list[Claim]:
    """The sentences of a knowledge file's section text, with their lines; example questions, headings
    and front matter are not claims."""
    raw = path.read_text(encoding="utf-8")
    offset = front_matter_lines(raw)
    body = "\n".join(raw.splitlines()[offset:])
    tokens = _md.parse(body)
    out: list[Claim] = []
    heading = ""
    general: str | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading = tokens[i + 1].content.strip()
            general = None
        elif tok.type == "html_block":
            mark = GENERAL_MARK.search(tok.content)
            if mark:
                general = " ".join(mark.group(1).split())
            elif not _QUESTIONS.search(tok.content):
                general = None
        elif tok.type == "inline" and tok.map and heading and tokens[i - 1].type == "paragraph_open":
            content = GENERAL_MARK.sub("", tok.content)
            start = 0
            for sentence in split_sentences(content):
                at = content.index(sentence, start)
                start = at + len(sentence)
                text = " ".join(sentence.split())
                if text:
                    line = offset + tok.map[0] + content[:at].count("\n") + 1
                    out.append(Claim(rel_path, line, heading, text, general))
        elif tok.type == "paragraph_close" and tokens[i - 1].type == "inline":
            general = None  # a mark covers the one paragraph after it
    return out


@dataclass(frozen=True)
class Source:
    """The source documents, split into units and embedded once."""

    files: list[str]
    units: list[SourceUnit]
    vectors: np.ndarray
    unit_terms: list[set[str]]
    vocabulary: set[str]  # every word the source uses (lower case): names are looked up here
    terms: set[str]  # every key term the source uses (stemmed)

    @classmethod
    def read(cls, files: list[Path], embedder: Embedder) -> Source:
        units = [u for f in files for u in source_units(f.read_text(encoding="utf-8"), _display(f))]
        # Every sentence of both sides is about the company: its name only adds noise to the vectors.
        vectors = embedder.encode([strip_company(u.text) for u in units]) if units else np.zeros((0, embedder.dim))
        unit_terms = [key_terms(f"{u.context} {u.text}") for u in units]
        return cls(
            [_display(f) for f in files],
            units,
            np.asarray(vectors, dtype=np.float32),
            unit_terms,
            {w.lower().removesuffix("'s") for u in units for w in words(u.text)},
            set().union(*unit_terms) if unit_terms else set(),
        )


class GroundingChecker:
    """Scores knowledge sentences against the source. Source vectors are kept until a source file
    changes, and sentence vectors by text, so a report after an edit embeds only the edited sentences."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._lock = threading.Lock()
        self._source: tuple[str, Source] | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._report: tuple[str, GroundingReport] | None = None

    def _encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = self.embedder.encode([strip_company(t) for t in missing])
            self._vectors.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        return np.vstack([self._vectors[t] for t in texts])

    def source(self, path: Path) -> Source | None:
        """The source documents at `path`, re-read when a file changed; None when there are none."""
        files = source_files(path)
        if not files:
            return None
        hasher = hashlib.sha256()
        for f in files:
            hasher.update(f.as_posix().encode() + b"\0" + f.read_bytes())
        digest = hasher.hexdigest()
        if self._source is None or self._source[0] != digest:
            self._source = (digest, Source.read(files, self.embedder))
        return self._source[1]

    def assess(self, found: list[Claim], source: Source) -> list[SentenceReport]:
        vectors = self._encode([c.text for c in found])
        sims = vectors @ source.vectors.T if len(found) else np.zeros((0, len(source.units)))
        return [score_claim(c, sims[n], source) for n, c in enumerate(found)]

    def report(self, knowledge_dir: Path, source_path: Path) -> GroundingReport:
        """Every sentence of every loadable knowledge file, scored against the source documents; a report
        is reused while no knowledge or source file has changed."""
        with self._lock:
            source = self.source(source_path)
            if source is None:
                problem = Problem(
                    _display(source_path),
                    1,
                    "no source documents here (.txt or .md files): set CA_KNOWLEDGE_SOURCES to the source page(s)",
                )
                return GroundingReport([], [], [problem])
            docs, _ = load_documents(knowledge_dir)
            doc_files = [(knowledge_dir / Path(d.path).relative_to("knowledge"), d.path) for d in docs]
            hasher = hashlib.sha256(self._source[0].encode() if self._source else b"")
            for f, rel in doc_files:
                hasher.update(rel.encode() + b"\0" + f.read_bytes())
            digest = hasher.hexdigest()
            if self._report is not None and self._report[0] == digest:
                return self._report[1]
            sentences = self.assess([c for f, rel in doc_files for c in claims(f, rel)], source)
            report = GroundingReport(
                source.files, sentences, [s.problem() for s in sentences if s.status == "not found"]
            )
            self._report = (digest, report)
            return report


def score_claim(claim: Claim, sims: np.ndarray, source: Source) -> SentenceReport:
    """The source unit that supports a claim best, its score, and what, if anything, the source lacks."""
    terms = key_terms(claim.text)
    new_terms = terms - source.terms
    best = (-1.0, 0, 0.0, 0.0)  # (score, unit, cosine, share)
    for j in np.argsort(-sims)[:CANDIDATES]:
        cosine = float(sims[j])
        share = len(terms & source.unit_terms[j]) / len(terms) if terms else 1.0
        score = COSINE_WEIGHT * cosine + (1 - COSINE_WEIGHT) * share - NEW_TERM_PENALTY * len(new_terms)
        best = max(best, (score, int(j), cosine, share))
    score, j, cosine, share = best
    support = source.units[j] if source.units else None
    supported_text = f"{support.context} {support.text}" if support else ""
    reasons = []
    if score < THRESHOLD:
        reasons.append(f"weak support {score:.3f} < {THRESHOLD}")
    missing_numbers = numbers(claim.text) - numbers(supported_text)
    if missing_numbers:
        reasons.append("number " + ", ".join(sorted(missing_numbers, key=int)) + " not in the supporting sentence")
    missing_names = sorted(n for n in names(claim.text) if n.lower() not in source.vocabulary)
    if missing_names:
        reasons.append("name " + ", ".join(missing_names) + " not in the source")
    phrases = new_phrases(claim.text, source.terms)
    if phrases:
        reasons.append("words the source never uses: " + ", ".join(f"'{p}'" for p in phrases))
    negated = negations(claim.text)
    if negated and not negations(supported_text, CONTRASTS):
        reasons.append("negation (" + ", ".join(sorted(negated)) + ") the supporting sentence does not state")
    status: Literal["supported", "general", "not found"] = (
        "general" if claim.general is not None else "not found" if reasons else "supported"
    )
    return SentenceReport(
        claim, status, round(score, 4), round(cosine, 4), round(share, 4), [support] if support else [], reasons
    )
