"""The words candidates use for what the knowledge calls otherwise ("OA", "phone screen", "virtual
onsite"), kept by writers in knowledge/glossary.yml and searched together with their meaning.

Neither the model nor BM25 knows that "the BR" is the bar raiser: a question in those words matched
nothing well enough and was refused. Each term found in a question is followed by its meaning
("what does the BR (bar raiser) do"), for the embedding and for the key words alike. A term written
in capitals ("OA", "LPs") matches only in capitals, so "br" or "oa" inside other words never do;
any other term matches in any case, on word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from api.knowledge.documents import Problem

FILE = "glossary.yml"


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        patterns = []
        for term in sorted(self.terms, key=len, reverse=True):  # "virtual onsite" before "onsite"
            body = re.escape(term)
            capitals = term.isupper() or (len(term) > 2 and term[:-1].isupper())  # "OA", "LPs"
            patterns.append(body if capitals else f"(?i:{body})")
        pattern = r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])" if patterns else None
        object.__setattr__(self, "_pattern", re.compile(pattern) if pattern else None)
        object.__setattr__(self, "_lookup", {t.lower(): m for t, m in self.terms.items()})

    def expand(self, text: str) -> str:
        """The text with each known term followed by its meaning, once per meaning."""
        pattern: re.Pattern[str] | None = self._pattern  # type: ignore[attr-defined]
        if pattern is None:
            return text
        added: set[str] = set()

        def meaning(match: re.Match[str]) -> str:
            found = match.group(0)
            means = self._lookup[found.lower()]  # type: ignore[attr-defined]
            if means.lower() in text.lower() or means in added:
                return found
            added.add(means)
            return f"{found} ({means})"

        return pattern.sub(meaning, text)

    def meaning(self, text: str) -> str:
        """The text with each known term replaced by its meaning: the words a section states for it
        ("is that one on-site?" asks whether the in-person interviews are held in person)."""
        pattern: re.Pattern[str] | None = self._pattern  # type: ignore[attr-defined]
        if pattern is None:
            return text
        lookup: dict[str, str] = self._lookup  # type: ignore[attr-defined]
        return pattern.sub(lambda m: lookup[m.group(0).lower()].replace("(", "").replace(")", ""), text)


def load_glossary(knowledge_dir: Path) -> tuple[Glossary, list[Problem]]:
    """knowledge/glossary.yml (`term: meaning` lines); a missing file is an empty glossary."""
    path = knowledge_dir / FILE
    rel = f"knowledge/{FILE}"
    if not path.exists():
        return Glossary(), []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return Glossary(), [
            Problem(rel, line, f"not valid YAML: {getattr(exc, 'problem', exc)}; write 'term: meaning' lines")
        ]
    if not isinstance(data, dict):
        return Glossary(), [Problem(rel, 1, "write one 'term: meaning' per line")]
    terms: dict[str, str] = {}
    problems = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for term, means in data.items():
        line = next((n for n, text in enumerate(lines, start=1) if text.strip().startswith(f"{term}:")), 1)
        if not isinstance(term, str) or not isinstance(means, str) or not term.strip() or not means.strip():
            problems.append(Problem(rel, line, f"'{term}' needs a meaning in words, as 'term: meaning'"))
        elif term.lower() in {t.lower() for t in terms}:
            problems.append(Problem(rel, line, f"'{term}' is listed twice"))
        else:
            terms[term.strip()] = means.strip()
    return Glossary(terms), problems
