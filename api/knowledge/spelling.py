"""Misspelt words corrected to the knowledge's own words before a question is searched.

Candidates type fast: "what are the online assesments like?" or "what happens at the in person
interveiw" lost most of their similarity to the right section (cosine 0.40 against 0.72 spelt right)
and were asked "did you mean" or refused. A word that neither the knowledge nor the candidates' words
the project already knows (the dialogue tier's examples, the not-covered questions) contain is
replaced by the one knowledge word within one edit of it (two for words of eight letters or more;
a swap of neighbouring letters is one edit), the most frequent when several are. A real word the
knowledge never uses ("reschedule", "salary") is in the candidates' examples and stays as it is, so
an uncovered question is not made to read like a covered one.

Lookups use a table of deletions (the symmetric-delete method): a word's deletions at the allowed
distance are looked up, and the few candidates found are checked with the exact distance; a few
microseconds per unknown word, nothing for a known one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z]+")
# Shorter words have too many neighbours one edit away ("paid" ~ "said", "laid") to guess from.
MIN_LENGTH = 5
LONG_WORD = 8  # from this length two edits are allowed


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The whole English words of the shipped model's WordPiece vocabulary (about 20,000 common words:
    "fired", "salary"), which are spelt right whatever the knowledge says; empty without the model."""
    from api.knowledge.embedder import model_path

    try:
        lines = (model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, ModuleNotFoundError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def _max_edits(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


def _deletions(word: str, edits: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def distance(a: str, b: str) -> int:
    """Edit distance with a swap of two neighbouring letters as one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@dataclass(frozen=True)
class Speller:
    """`target`: the knowledge's words with how often they occur; `known`: every other word that is
    spelt right as it is (candidates' words the knowledge does not use)."""

    target: Counter[str] = field(default_factory=Counter)
    known: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        table: dict[str, list[str]] = {}
        for word in self.target:
            if len(word) >= MIN_LENGTH - 1:
                for d in _deletions(word, _max_edits(word)):
                    table.setdefault(d, []).append(word)
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_vocab", frozenset(self.target) | self.known)
        object.__setattr__(self, "_fix", lru_cache(maxsize=4096)(self._correction))

    @classmethod
    def of(cls, knowledge: Iterable[str], candidates_words: Iterable[str] = ()) -> Speller:
        target = Counter(w.lower() for text in knowledge for w in _WORD.findall(text))
        known = frozenset(w.lower() for text in candidates_words for w in _WORD.findall(text))
        return cls(target, known)

    def _correction(self, word: str) -> str | None:
        vocab: frozenset[str] = self._vocab  # type: ignore[attr-defined]
        # "amazons" is "Amazon's" typed without the apostrophe, "employee" the singular of a known
        # plural: no typos.
        if len(word) < MIN_LENGTH or word in vocab or (word[-1] == "s" and word[:-1] in vocab) or f"{word}s" in vocab:
            return None
        edits = _max_edits(word)
        table: dict[str, list[str]] = self._table  # type: ignore[attr-defined]
        found = {c for d in _deletions(word, edits) for c in table.get(d, ())}
        scored = sorted(
            ((distance(word, c), -self.target[c], c) for c in found if abs(len(c) - len(word)) <= edits),
        )
        scored = [s for s in scored if s[0] <= edits]
        if not scored:
            return None
        best = scored[0]
        # Two equally close and equally common words: no way to tell which was meant.
        if len(scored) > 1 and scored[1][:2] == best[:2]:
            return None
        return best[2]

    def correct(self, text: str) -> str:
        """The text with each misspelt word replaced (its first letter's case kept)."""
        if not self.target:
            return text
        fix = self._fix  # type: ignore[attr-defined]

        def one(match: re.Match[str]) -> str:
            word = match.group(0)
            right = fix(word.lower())
            if right is None:
                return word
            return right.capitalize() if word[0].isupper() else right

        return _WORD.sub(one, text)

    def corrections(self, text: str) -> list[tuple[str, str]]:
        """(as typed, corrected) for each word `correct` would change, for the writers' preview."""
        fix = self._fix  # type: ignore[attr-defined]
        return [(w, r) for w in _WORD.findall(text) if (r := fix(w.lower())) is not None]
