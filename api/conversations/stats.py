"""Aggregates over the stored conversations for the insights dashboard (api/insights/) and the
hand-off queue gauge of GET /metrics: counts by hour or day, computed by the database (SQLite and
PostgreSQL alike, on the indexes of migration 0007), never message text.

The counts of conversations, candidate messages and replies come from the hourly rollup
(rollup.py, migration 0010) for the hours it holds and from the raw rows for the others; the
hand-offs, staff replies and ratings (a few per cent of the rows) always from the raw rows.

A bucket is a string: "YYYY-MM-DD HH" (hours) or "YYYY-MM-DD" (days), in UTC as stored.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Feedback, HourlyCount, Message, RollupState
from api.db import session_scope

Bucket = Literal["hour", "day"]
HANDOFF = "handoff"
# What the rollup counts (rollup.py): (measure, bucket, kind) -> how many; kind is "" but for replies.
CONVERSATIONS, MESSAGES, REPLIES = "conversations", "messages", "replies"
Volume = Counter[tuple[str, str, str]]


def _bucket(session: Session, column: Any, bucket: Bucket) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        # date_trunc, formatted here for the few buckets: to_char on every row took twice as long.
        return func.date_trunc(bucket, column)
    # SQLite keeps a datetime as "YYYY-MM-DD HH:MM:SS.ffffff": its prefix is the bucket, and cutting
    # it is cheaper than strftime over a few hundred thousand rows.
    return func.substr(column, 1, 13 if bucket == "hour" else 10)


def _key(value: str | dt.datetime, bucket: Bucket) -> str:
    if isinstance(value, dt.datetime):
        # isoformat: a fifth of strftime's time, which showed for a month's 10,000 hand-offs.
        return value.isoformat(sep=" ")[: 13 if bucket == "hour" else 10]
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


def volume(
    session: Session, start: dt.datetime, end: dt.datetime, bucket: Bucket, conversations: list[str] | None = None
) -> Volume:
    """Conversations started, candidate messages and bot replies by kind, start <= time < end, from the
    raw rows (of these conversations only, if given): what the rollup stores per hour."""
    run = session.connection().execute  # Core rows: no ORM loading for tens of thousands of them
    out: Volume = Counter()
    started = and_(Conversation.created_at >= start, Conversation.created_at < end)
    in_period = and_(Message.created_at >= start, Message.created_at < end)
    if conversations is not None:
        started = and_(started, Conversation.id.in_(conversations))
        in_period = and_(in_period, Message.conversation_id.in_(conversations))
    when = _bucket(session, Conversation.created_at, bucket)
    for key, n in run(select(when, func.count()).where(started).group_by(when)):
        out[(CONVERSATIONS, _key(key, bucket), "")] += int(n)
    when = _bucket(session, Message.created_at, bucket)
    for key, n in run(select(when, func.count()).where(Message.sender == "candidate", in_period).group_by(when)):
        out[(MESSAGES, _key(key, bucket), "")] += int(n)
    # Every bot message, the greeting after a hand-back included (it is one).
    replies = select(when, Message.kind, func.count()).where(Message.sender == "bot", in_period)
    for key, kind, n in run(replies.group_by(when, Message.kind)):
        out[(REPLIES, _key(key, bucket), kind)] += int(n)
    return out


def _rolled_up(session: Session, start: dt.datetime, end: dt.datetime, bucket: Bucket) -> tuple[Volume, list]:
    """The rollup's counts within [start, end), and the parts of it the rollup does not hold."""
    state = session.execute(
        select(RollupState.rolled_from, RollupState.rolled_until).where(RollupState.id == 1)
    ).first()
    out: Volume = Counter()
    if state is None or state.rolled_from is None or state.rolled_until is None:
        return out, [(start, end)]
    low, high = max(start, state.rolled_from), min(end, state.rolled_until)
    if low >= high:
        return out, [(start, end)]
    run = session.connection().execute
    # Summed by the database, into the request's buckets (replies by kind only: the dashboard shows
    # them for the whole period): a month hourly is 1,440 rows, not the 6,500 stored.
    when = _bucket(session, HourlyCount.hour, bucket)
    rolled = and_(HourlyCount.hour >= low, HourlyCount.hour < high)
    per_bucket = select(when, HourlyCount.measure, func.sum(HourlyCount.count)).where(
        rolled, HourlyCount.measure != REPLIES
    )
    for key, measure, n in run(per_bucket.group_by(when, HourlyCount.measure)):
        out[(measure, _key(key, bucket), "")] += int(n)
    per_kind = select(HourlyCount.kind, func.sum(HourlyCount.count)).where(rolled, HourlyCount.measure == REPLIES)
    for kind, n in run(per_kind.group_by(HourlyCount.kind)):
        out[(REPLIES, "", kind)] += int(n)
    return out, [(start, low), (high, end)]


def activity(start: dt.datetime, end: dt.datetime, bucket: Bucket, rolled: bool = True) -> Activity:
    """Counts of conversations, messages, replies, hand-offs and ratings with start <= time < end:
    from the hourly rollup where it has the hours (`rolled`) and from the raw rows elsewhere."""
    out = Activity()
    with session_scope() as session:
        run = session.connection().execute  # Core rows: no ORM loading for tens of thousands of them
        counts, raw = _rolled_up(session, start, end, bucket) if rolled else (Counter(), [(start, end)])
        for first, last in raw:
            if first < last:
                counts.update(volume(session, first, last, bucket))
        for (measure, key, kind), n in counts.items():
            if not n:  # an erased conversation's hour
                continue
            if measure == REPLIES:
                out.replies[kind] = out.replies.get(kind, 0) + n
            else:
                target = out.conversations if measure == CONVERSATIONS else out.messages
                target[key] = target.get(key, 0) + n

        # Each hand-off since `start` (a conversation that started in the period may be handed off
        # after it), with its conversation's start: the period's hand-offs, and the conversations
        # started in each bucket that were handed to a person (then or later).
        handoffs = run(
            select(Message.conversation_id, Message.id, Message.created_at, Conversation.created_at)
            .select_from(Message)
            .outerjoin(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.kind == HANDOFF, Message.sender == "bot", Message.created_at >= start)
            .order_by(Message.created_at, Message.id)
        ).all()
        handed: dict[str, set[str]] = {}
        for cid, _, _, began in handoffs:
            if began is not None and start <= began < end:
                handed.setdefault(_key(began, bucket), set()).add(cid)
        out.handed_off = {key: len(ids) for key, ids in handed.items()}

        # Each hand-off of the period and the first staff message after it in its conversation,
        # matched here: two index range reads instead of a subquery per hand-off (3x faster on 10,000).
        in_period = [(cid, message_id, at) for cid, message_id, at, _ in handoffs if at < end]
        staff: dict[str, list[tuple[int, dt.datetime]]] = {}
        if in_period:
            replies = run(
                select(Message.conversation_id, Message.id, Message.created_at)
                .where(Message.sender == "staff", Message.created_at >= start)
                .order_by(Message.id)
            )
            for cid, message_id, at in replies:
                staff.setdefault(cid, []).append((message_id, at))
        for cid, message_id, at in in_period:
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
