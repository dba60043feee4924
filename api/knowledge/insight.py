"""What writers need to improve the knowledge: questions it could not answer, grouped by meaning,
and answers candidates rated unhelpful."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from api.conversations import service as conversations
from api.db import session_scope
from api.knowledge.embedder import Embedder
from api.knowledge.models import DismissedQuestion, QuestionVector

log = logging.getLogger(__name__)

# Two questions this close (cosine) ask the same thing in other words: on paraphrases of pay, visa and
# pet questions, 0.60-0.65 grouped each topic and kept topics apart; 0.70 split "pets" from "dog".
SAME_QUESTION = 0.62
# Anyone can send questions the assistant cannot answer, so the report's work is bounded: the newest
# this many fallbacks, and each question's first this many characters embedded (more than any real
# question; the model reads at most 256 tokens anyway, and a 2,000-character message costs 4x more).
MAX_FALLBACKS = 1000
EMBED_CHARS = 512


@dataclass
class QuestionGroup:
    example: str
    count: int = 0
    last_seen: dt.datetime | None = None
    questions: list[str] = field(default_factory=list)
    # The candidate messages of the group (what a writer dismisses), and why it is folded away, if junk.
    message_ids: list[int] = field(default_factory=list)
    junk: str | None = None


# What is no question a writer could answer: folded away in the report, never embedded.
WALL_CHARS = 600  # more than EMBED_CHARS: a long question is still read
_MARKUP = re.compile(r"<\s*/?\s*[a-z!][^>]*>|&[a-z]+;|\{\{|\}\}|\$\{", re.IGNORECASE)
_SQL = re.compile(
    r"\b(select\b.+\bfrom|insert\s+into|drop\s+table|delete\s+from|union\s+(all\s+)?select|update\s+\w+\s+set)\b"
    r"|'\s*or\s+'?\d|--\s*$|;\s*--",
    re.IGNORECASE | re.DOTALL,
)
_FORMULA = re.compile(r"^\s*[=+@-]\s*[A-Za-z_]*\s*\(|^\s*=|[=<>^*/]{1}\s*\d+\s*[-+*/^]\s*\d")


def junk(text: str) -> str | None:
    """Why a fallback's question is junk (markup, SQL, a slash command, emoji or symbols only, a
    pasted wall of text, a formula), or None for a question worth a writer's time."""
    stripped = text.strip()
    if stripped.startswith("/"):
        return "slash command"
    if _MARKUP.search(stripped):
        return "markup"
    if _SQL.search(stripped):
        return "SQL"
    if _FORMULA.search(stripped):
        return "formula"
    if len(stripped) > WALL_CHARS:
        return "wall of text"
    # Combining marks (accents) belong to their letter: counted neither as letters nor as symbols.
    shown = [ch for ch in stripped if not ch.isspace() and not unicodedata.category(ch).startswith("M")]
    letters = sum(ch.isalpha() for ch in shown)
    if letters < 2 or letters < len(shown) / 3:
        return "emoji or symbols"
    return None


@dataclass(frozen=True)
class Asked:
    """The candidate message a fallback answered."""

    message_id: int
    text: str
    seen: dt.datetime


def _clip(text: str) -> str:
    return text[:EMBED_CHARS]


def unanswered(limit: int = MAX_FALLBACKS) -> list[Asked]:
    """The questions of the newest `limit` fallbacks (the candidate's message before each), newest first."""
    return [Asked(i, text, seen) for i, text, seen in conversations.fallback_questions(limit)]


def model_key(embedder: Embedder) -> str:
    """What a stored vector was made with; a vector made otherwise is computed again."""
    return f"{embedder.name}:{embedder.dim}:{EMBED_CHARS}"[:128]


def _stored_vectors(ids: list[int], key: str, dim: int) -> dict[int, np.ndarray]:
    with session_scope() as session:
        rows = session.execute(
            select(QuestionVector.message_id, QuestionVector.vector).where(
                QuestionVector.model == key, QuestionVector.message_id.in_(ids)
            )
        ).all()
    out = {}
    for message_id, blob in rows:
        vec = np.frombuffer(blob, dtype=np.float32)
        if vec.shape == (dim,):
            out[message_id] = vec
    return out


def _store_vectors(vectors: dict[int, np.ndarray], key: str) -> None:
    """Keep the new vectors (replacing any made otherwise). A conversation erased meanwhile, or another
    instance storing the same rows first, makes this fail as a whole: then they are computed again next
    time, and no vector outlives its message."""
    ids = list(vectors)
    rows = [{"message_id": i, "model": key, "vector": v.astype(np.float32).tobytes()} for i, v in vectors.items()]
    try:
        with session_scope() as session:
            session.execute(delete(QuestionVector).where(QuestionVector.message_id.in_(ids)))
            session.execute(insert(QuestionVector), rows)
    except IntegrityError:
        log.info("%d question vector(s) not stored (rows changed meanwhile); computed again next time", len(rows))


def question_vectors(items: list[Asked], embedder: Embedder) -> np.ndarray:
    """One unit vector per item: the stored ones, and the others embedded once and stored. A text
    asked in several conversations is embedded once and stored for each of its messages."""
    key = model_key(embedder)
    ids = list(dict.fromkeys(a.message_id for a in items))
    stored = _stored_vectors(ids, key, embedder.dim)
    text_of = {a.message_id: _clip(a.text) for a in items}
    vector_of = {text_of[i]: v for i, v in stored.items()}
    new_texts = list(dict.fromkeys(text_of[i] for i in ids if text_of[i] not in vector_of))
    if new_texts:
        vector_of.update(zip(new_texts, embedder.encode(new_texts), strict=True))
    missing = {i: vector_of[text_of[i]] for i in ids if i not in stored}
    if missing:
        _store_vectors(missing, key)
    return np.stack([vector_of[text_of[a.message_id]] for a in items]).astype(np.float32)


def assign(vectors: np.ndarray, threshold: float = SAME_QUESTION) -> list[list[int]]:
    """Greedy grouping by meaning: each row joins the first group whose centroid it is close to.
    Returns each group's row numbers, in order."""
    centroids = np.zeros_like(vectors)
    members: list[list[int]] = []
    for i, vec in enumerate(vectors):
        k = len(members)
        if k:
            similarity = centroids[:k] @ vec  # one product against every centroid, not a Python loop
            best = int(np.argmax(similarity))
            if float(similarity[best]) >= threshold:
                centroid = centroids[best] * len(members[best]) + vec
                centroids[best] = centroid / np.linalg.norm(centroid)
                members[best].append(i)
                continue
        centroids[k] = vec
        members.append([i])
    return members


def _groups(items: list[Asked], members: list[list[int]]) -> list[QuestionGroup]:
    groups = [
        QuestionGroup(
            example=items[rows[0]].text,
            count=len(rows),
            last_seen=max(items[i].seen for i in rows),
            questions=list(dict.fromkeys(items[i].text for i in rows)),
            message_ids=[items[i].message_id for i in rows],
        )
        for rows in members
    ]
    return sorted(groups, key=lambda g: (-g.count, g.example))


def _junk_groups(items: list[Asked]) -> list[QuestionGroup]:
    """Junk folded by kind: one row per reason, newest first inside."""
    by_reason: dict[str, list[Asked]] = {}
    for a in items:
        by_reason.setdefault(junk(a.text) or "", []).append(a)
    return [
        QuestionGroup(
            example=rows[0].text,
            count=len(rows),
            last_seen=max(a.seen for a in rows),
            questions=list(dict.fromkeys(a.text for a in rows))[:20],
            message_ids=[a.message_id for a in rows],
            junk=reason,
        )
        for reason, rows in sorted(by_reason.items())
    ]


def dismissed_ids(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    with session_scope() as session:
        return set(session.scalars(select(DismissedQuestion.message_id).where(DismissedQuestion.message_id.in_(ids))))


def dismiss(message_ids: list[int], username: str, answered_by: str | None) -> int:
    """Take these questions out of the report; return how many were still in it. Ids that are not
    unanswered questions (erased meanwhile, or never one) are ignored."""
    known = {a.message_id for a in unanswered()}
    ids = sorted(set(message_ids) & known - dismissed_ids(list(message_ids)))
    if not ids:
        return 0
    rows = [{"message_id": i, "dismissed_by": username, "answered_by": answered_by} for i in ids]
    try:
        with session_scope() as session:
            session.execute(insert(DismissedQuestion), rows)
    except IntegrityError:  # another writer dismissed some of them at the same moment
        return 0
    return len(ids)


def group_questions(
    items: list[tuple[str, dt.datetime]], embedder: Embedder, threshold: float = SAME_QUESTION
) -> list[QuestionGroup]:
    """Group (question, seen) pairs by meaning, embedding each distinct question once (nothing stored)."""
    if not items:
        return []
    distinct = list(dict.fromkeys(_clip(q) for q, _ in items))
    vector_of = dict(zip(distinct, embedder.encode(distinct), strict=True))
    vectors = np.stack([vector_of[_clip(q)] for q, _ in items]).astype(np.float32)
    return _groups([Asked(0, q, seen) for q, seen in items], assign(vectors, threshold))


class UnansweredReport:
    """The writers' report of unanswered questions, whose cost does not grow with how often it is asked.

    Each question is embedded once, when a report first includes it, and its vector stored with its
    message (so erasure removes both). The grouping is recomputed only when the set of fallbacks has
    changed (a new one, an erasure, a purge, another model) and is kept in memory as row numbers,
    never text. One report is computed at a time; callers meanwhile wait without holding a thread.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._fingerprint = ""
        self._members: list[list[int]] = []

    @staticmethod
    def fingerprint(items: list[Asked], embedder: Embedder, threshold: float = SAME_QUESTION) -> str:
        digest = hashlib.sha256(f"{model_key(embedder)}|{threshold}|".encode())
        digest.update(",".join(str(a.message_id) for a in items).encode())
        return digest.hexdigest()[:32]

    async def build(self, embedder: Embedder) -> tuple[str, list[QuestionGroup]]:
        """The report's version (an ETag: it changes whenever the report would) and its groups."""
        async with self._lock:
            items = await asyncio.to_thread(unanswered)
            gone = await asyncio.to_thread(dismissed_ids, [a.message_id for a in items])
            items = [a for a in items if a.message_id not in gone]
            folded = [a for a in items if junk(a.text)]
            items = [a for a in items if not junk(a.text)]
            version = self.fingerprint(items + folded, embedder)
            if version != self._fingerprint:
                self._members = (
                    await asyncio.to_thread(lambda: assign(question_vectors(items, embedder))) if items else []
                )
                self._fingerprint = version
            return version, _groups(items, self._members) + _junk_groups(folded)


@dataclass(frozen=True)
class RatedAnswer:
    question: str
    sections: list[str]
    index_version: str
    rated_at: dt.datetime


def unhelpful(limit: int = 500) -> list[RatedAnswer]:
    return [
        RatedAnswer(r.question, r.sections, r.index_version, r.rated_at) for r in conversations.unhelpful_ratings(limit)
    ]
