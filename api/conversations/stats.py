"""Aggregates over the stored conversations for the insights dashboard (api/insights/) and the
hand-off queue gauge of GET /metrics: counts by hour or day, computed by the database (SQLite and
PostgreSQL alike, on the indexes of migration 0007), never message text.

A bucket is a string: "YYYY-MM-DD HH" (hours) or "YYYY-MM-DD" (days), in UTC as stored.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Feedback, Message
from api.db import session_scope

Bucket = Literal["hour", "day"]
HANDOFF = "handoff"


def _bucket(session: Session, column: Any, bucket: Bucket) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        # date_trunc, formatted here for the few buckets: to_char on every row took twice as long.
        return func.date_trunc(bucket, column)
    # SQLite keeps a datetime as "YYYY-MM-DD HH:MM:SS.ffffff": its prefix is the bucket, and cutting
    # it is cheaper than strftime over a few hundred thousand rows.
    return func.substr(column, 1, 13 if bucket == "hour" else 10)


def _key(value: str | dt.datetime, bucket: Bucket) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H" if bucket == "hour" else "%Y-%m-%d")
    return value


def waiting_now() -> int:
    """Conversations waiting for a person now (the gauge assistant_queue_waiting)."""
    with session_scope() as session:
        return int(session.scalar(select(func.count()).where(Conversation.mode == "waiting")) or 0)


@dataclass
class Activity:
    """What happened in a period. Keys of the dicts are buckets."""

    conversations: dict[str, int] = field(default_factory=dict)
    # Conversations started in the bucket that were handed to a person (then or later).
    handed_off: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)  # candidate messages
    replies: dict[str, int] = field(default_factory=dict)  # bot replies by kind, whole period
    # Each hand-off of the period: when it happened and when a person first wrote after it (or None).
    handoffs: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)
    # (the sections an answer cited, as stored: a JSON list) -> (helpful, unhelpful) ratings.
    ratings: dict[str, tuple[int, int]] = field(default_factory=dict)


def activity(start: dt.datetime, end: dt.datetime, bucket: Bucket) -> Activity:
    """Counts of conversations, messages, replies, hand-offs and ratings with start <= time < end."""
    out = Activity()
    with session_scope() as session:
        run = session.connection().execute  # Core rows: no ORM loading for tens of thousands of them
        started = and_(Conversation.created_at >= start, Conversation.created_at < end)
        when = _bucket(session, Conversation.created_at, bucket)
        rows = run(select(when, func.count()).where(started).group_by(when))
        out.conversations = {_key(key, bucket): int(n) for key, n in rows}
        # From the hand-offs' side (a few, on their index) rather than every conversation's: a
        # conversation's first hand-off comes after it started, so only hand-offs since `start` matter.
        handed = run(
            select(when, func.count(func.distinct(Conversation.id)))
            .select_from(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.kind == HANDOFF, Message.sender == "bot", Message.created_at >= start, started)
            .group_by(when)
        )
        out.handed_off = {_key(key, bucket): int(n) for key, n in handed}

        in_period = and_(Message.created_at >= start, Message.created_at < end)
        when = _bucket(session, Message.created_at, bucket)
        messages = run(select(when, func.count()).where(Message.sender == "candidate", in_period).group_by(when))
        out.messages = {_key(key, bucket): int(n) for key, n in messages}
        # Every bot message, the greeting after a hand-back included (it is one).
        kinds = run(select(Message.kind, func.count()).where(Message.sender == "bot", in_period).group_by(Message.kind))
        out.replies = {kind: int(n) for kind, n in kinds}

        # Each hand-off and the first staff message after it in its conversation, matched here: two
        # index range reads instead of a subquery per hand-off (3x faster on 10,000 hand-offs).
        handoffs = run(
            select(Message.conversation_id, Message.id, Message.created_at)
            .where(Message.kind == HANDOFF, Message.sender == "bot", in_period)
            .order_by(Message.created_at, Message.id)
        ).all()
        staff: dict[str, list[tuple[int, dt.datetime]]] = {}
        if handoffs:
            replies = run(
                select(Message.conversation_id, Message.id, Message.created_at)
                .where(Message.sender == "staff", Message.created_at >= start)
                .order_by(Message.id)
            )
            for cid, message_id, at in replies:
                staff.setdefault(cid, []).append((message_id, at))
        for cid, message_id, at in handoffs:
            later = staff.get(cid, [])
            k = bisect.bisect_right(later, (message_id, dt.datetime.max))
            out.handoffs.append((at, later[k][1] if k < len(later) else None))

        helpful = func.sum(case((Feedback.helpful.is_(True), 1), else_=0))
        ratings = run(
            select(Feedback.sections, helpful, func.count())
            .where(Feedback.created_at >= start, Feedback.created_at < end)
            .group_by(Feedback.sections)
        )
        out.ratings = {sections: (int(up or 0), int(n) - int(up or 0)) for sections, up, n in ratings}
    return out


def sections_of(stored: str) -> list[str]:
    """The "path#heading" names in a rating's stored sections."""
    try:
        names = json.loads(stored or "[]")
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)]
