"""The dashboard's numbers for a period: the database's aggregates (api/conversations/stats.py) with
empty buckets filled in, shares, containment, time to a person's first reply and ratings per section."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from urllib.parse import quote

from api.clock import utcnow
from api.conversations import rollup, stats
from api.handoff.hours import duty_check
from api.insights.schemas import (
    BucketSize,
    HandoffSummary,
    InsightsOut,
    Period,
    PeriodOut,
    ReplyShare,
    SectionRating,
    TimelinePoint,
)

# The reply kinds of the chat contract (api/chat/schemas.py), as people call them.
KIND_LABELS = {
    "answer": "Answer",
    "clarify": "Clarifying question",
    "fallback": "Not covered (fallback)",
    "chitchat": "Small talk",
    "verify": "Sign-in needed",
    "status": "Application status",
    "handoff": "Hand-off to a person",
    "error": "Error",
}
MAX_HOURLY_DAYS = 31
MAX_DAYS = 366


def period_bounds(
    period: Period,
    start: dt.date | None,
    end: dt.date | None,
    bucket: BucketSize | None,
    today: dt.date,
) -> tuple[dt.datetime, dt.datetime, BucketSize]:
    """[start, end) in UTC and the bucket size: hours for one or two days, days otherwise, unless chosen.

    Every request gets a period, shown in the answer: a custom period missing a date is that one day
    (or today), reversed dates are swapped, over MAX_DAYS keeps its last MAX_DAYS days, and hourly
    buckets over MAX_HOURLY_DAYS become daily ones."""
    if period == "custom":
        first, last = start or end or today, end or start or today
        first, last = min(first, last), max(first, last)
    else:
        days = {"today": 1, "7d": 7, "30d": 30}[period]
        first, last = today - dt.timedelta(days=days - 1), today
    last = min(last, dt.date.max - dt.timedelta(days=1))  # its end, the next midnight, must exist
    first = min(max(first, last - dt.timedelta(days=MAX_DAYS - 1)), last)
    length = (last - first).days + 1
    size: BucketSize = bucket or ("hour" if length <= 2 else "day")
    if size == "hour" and length > MAX_HOURLY_DAYS:
        size = "day"
    begin = dt.datetime.combine(first, dt.time())
    return begin, dt.datetime.combine(last + dt.timedelta(days=1), dt.time()), size


def buckets(start: dt.datetime, end: dt.datetime, size: BucketSize) -> list[str]:
    step = dt.timedelta(hours=1) if size == "hour" else dt.timedelta(days=1)
    keys, at = [], start
    while at < end:
        keys.append(at.strftime("%Y-%m-%d %H") if size == "hour" else at.strftime("%Y-%m-%d"))
        at += step
    return keys


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value at least 90% of the values are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _preview(section: str) -> str:
    heading = section.partition("#")[2] or section
    return "/writers?q=" + quote(heading, safe="")


def insights(
    period: Period,
    start: dt.datetime,
    end: dt.datetime,
    size: BucketSize,
    staff_hours: str,
    staff_timezone: str,
) -> InsightsOut:
    # Closed hours are counted once, on the first request after they close (api/conversations/rollup.py).
    rollup.roll(utcnow())
    data = stats.activity(start, end, size)
    timeline = []
    for key in buckets(start, end, size):
        conversations = data.conversations.get(key, 0)
        handed = data.handed_off.get(key, 0)
        timeline.append(
            TimelinePoint(
                bucket=f"{key}:00" if size == "hour" else key,
                conversations=conversations,
                messages=data.messages.get(key, 0),
                handed_off=handed,
                containment=_share(conversations - handed, conversations),
            )
        )
    total_replies = sum(data.replies.values())
    kinds = [k for k in KIND_LABELS if k in data.replies] + sorted(set(data.replies) - set(KIND_LABELS))
    replies = [
        ReplyShare(
            kind=k,
            label=KIND_LABELS.get(k, k),
            count=data.replies[k],
            share=_share(data.replies[k], total_replies) or 0.0,
        )
        for k in kinds
    ]
    conversations = sum(data.conversations.values())
    handed_off = sum(data.handed_off.values())
    waits = [(answered - handed).total_seconds() for handed, answered in data.handoffs if answered is not None]
    on_duty = duty_check(staff_hours, staff_timezone)
    outside = sum(not on_duty(handed.replace(tzinfo=dt.timezone.utc)) for handed, _ in data.handoffs)
    summary = HandoffSummary(
        conversations=conversations,
        handed_off=handed_off,
        containment=_share(conversations - handed_off, conversations),
        handoff_rate=_share(handed_off, conversations),
        handoffs=len(data.handoffs),
        answered=len(waits),
        first_reply_median_seconds=round(statistics.median(waits), 3) if waits else None,
        first_reply_p90_seconds=round(p90(waits), 3) if waits else None,
        outside_staff_hours=outside,
        staff_hours=f"{staff_hours} ({staff_timezone})",
    )
    per_section: dict[str, list[int]] = {}
    for stored, (up, down) in data.ratings.items():
        for name in stats.sections_of(stored):
            counts = per_section.setdefault(name, [0, 0])
            counts[0] += up
            counts[1] += down
    sections = [
        SectionRating(section=name, up=up, down=down, down_share=round(down / (up + down), 4), preview=_preview(name))
        for name, (up, down) in per_section.items()
        if up + down
    ]
    sections.sort(key=lambda s: (-s.down_share, -s.down, s.section))
    return InsightsOut(
        period=PeriodOut(period=period, start=start.isoformat() + "Z", end=end.isoformat() + "Z", bucket=size),
        timeline=timeline,
        replies=replies,
        handoffs=summary,
        sections=sections,
    )
