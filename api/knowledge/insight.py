"""What writers need to improve the knowledge: questions it could not answer, grouped by meaning,
and answers candidates rated unhelpful."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from api.db import session_scope
from api.handoff.models import Feedback, Message
from api.knowledge.embedder import Embedder

# Two questions this close (cosine) ask the same thing in other words: on paraphrases of pay, visa and
# pet questions, 0.60-0.65 grouped each topic and kept topics apart; 0.70 split "pets" from "dog".
SAME_QUESTION = 0.62


@dataclass
class QuestionGroup:
    example: str
    count: int = 0
    last_seen: dt.datetime | None = None
    questions: list[str] = field(default_factory=list)


def unanswered(limit: int = 1000) -> list[tuple[str, dt.datetime]]:
    """Candidate questions the bot answered with a fallback, newest first."""
    with session_scope() as session:
        fallbacks = session.scalars(
            select(Message)
            .where(Message.sender == "bot", Message.kind == "fallback")
            .order_by(Message.id.desc())
            .limit(limit)
        ).all()
        out = []
        for m in fallbacks:
            question = session.scalars(
                select(Message)
                .where(Message.conversation_id == m.conversation_id, Message.sender == "candidate", Message.id < m.id)
                .order_by(Message.id.desc())
                .limit(1)
            ).first()
            if question is not None:
                out.append((question.text, question.created_at))
        return out


def group_questions(
    items: list[tuple[str, dt.datetime]], embedder: Embedder, threshold: float = SAME_QUESTION
) -> list[QuestionGroup]:
    """Greedy grouping by meaning: each question joins the first group whose centroid it is close to."""
    if not items:
        return []
    # The same question asked many times (a quick-reply button, a bot) is embedded once.
    distinct = list(dict.fromkeys(q for q, _ in items))
    vector_of = dict(zip(distinct, embedder.encode(distinct), strict=True))
    groups: list[QuestionGroup] = []
    centroids: list[np.ndarray] = []
    for question, seen in items:
        vec = vector_of[question]
        best = int(np.argmax([float(c @ vec) for c in centroids])) if centroids else -1
        if best >= 0 and float(centroids[best] @ vec) >= threshold:
            group = groups[best]
            n = group.count
            centroid = centroids[best] * n + vec
            centroids[best] = centroid / np.linalg.norm(centroid)
        else:
            group = QuestionGroup(example=question)
            groups.append(group)
            centroids.append(vec)
        group.count += 1
        if question not in group.questions:
            group.questions.append(question)
        group.last_seen = max(filter(None, [group.last_seen, seen]))
    return sorted(groups, key=lambda g: (-g.count, g.example))


@dataclass(frozen=True)
class RatedAnswer:
    question: str
    sections: list[str]
    index_version: str
    rated_at: dt.datetime


def unhelpful(limit: int = 500) -> list[RatedAnswer]:
    with session_scope() as session:
        rows = session.scalars(
            select(Feedback).where(Feedback.helpful.is_(False)).order_by(Feedback.id.desc()).limit(limit)
        ).all()
        return [RatedAnswer(r.question, json.loads(r.sections or "[]"), r.index_version, r.created_at) for r in rows]
