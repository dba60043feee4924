"""The insights dashboard's hourly rollup (api/conversations/rollup.py) on SQLite and PostgreSQL: the
numbers it gives are exactly those of the raw rows, for periods that straddle rolled-up and open
hours, after new messages, after an erasure, and with several instances rolling up at once."""

from __future__ import annotations

import datetime as dt
import random
import threading
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from api.conversations import rollup, stats
from api.conversations.models import Conversation, Feedback, HourlyCount, Message, RollupState
from api.db import session_scope
from api.privacy.service import delete_and_record

NOW = dt.datetime(2026, 11, 10, 14, 25)  # hours before 14:00 are closed (rollup.DELAY: 10 minutes)
H = dt.timedelta(hours=1)
KINDS = ["answer", "answer", "answer", "fallback", "clarify", "chitchat", "status", "error"]
DAY = dt.datetime(2026, 11, 10)
PERIODS = [
    # today, hourly: rolled-up hours, then the open ones
    (DAY, DAY + 24 * H, "hour"),
    # three days, hourly and daily, the last one straddling
    (DAY - 48 * H, DAY + 24 * H, "hour"),
    (DAY - 48 * H, DAY + 24 * H, "day"),
    # all rolled up; and beyond what was ever stored
    (DAY - 48 * H, DAY, "day"),
    (DAY - 30 * 24 * H, DAY + 48 * H, "day"),
]


class Writer:
    """Rows as the service writes them, at chosen times (ids as the database gives them)."""

    def __init__(self, seed: int = 18) -> None:
        self.rng = random.Random(seed)
        self.n = 0

    def conversation(self, at: dt.datetime) -> str:
        rng = self.rng
        self.n += 1
        cid = f"roll-{self.n:05d}"
        messages: list[dict[str, Any]] = []
        ratings = []
        with session_scope() as session:
            session.add(Conversation(id=cid, mode="bot", created_at=at, updated_at=at))
            for _ in range(rng.choice((1, 2, 3))):
                at += dt.timedelta(seconds=rng.uniform(5, 900))
                messages.append(self._message(cid, "candidate", "candidate", at))
                kind = rng.choice(KINDS)
                messages.append(self._message(cid, "bot", kind, at + dt.timedelta(milliseconds=20)))
                if kind == "answer" and rng.random() < 0.3:
                    ratings.append((rng.random() < 0.6, at + dt.timedelta(seconds=30)))
            if rng.random() < 0.25:  # a hand-off, a person answers it 2 times in 3
                at += dt.timedelta(seconds=rng.uniform(10, 300))
                messages.append(self._message(cid, "bot", "handoff", at))
                if rng.random() < 0.66:
                    messages.append(
                        self._message(cid, "staff", "human", at + dt.timedelta(seconds=rng.uniform(5, 4000)))
                    )
            session.add_all(Message(**m) for m in messages)
            session.flush()
            answers = [
                m
                for m in session.scalars(
                    select(Message).where(Message.conversation_id == cid, Message.kind == "answer")
                )
            ]
            for (helpful, when), answer in zip(ratings, answers, strict=False):
                session.add(
                    Feedback(
                        conversation_id=cid,
                        message_id=answer.id,
                        helpful=helpful,
                        sections='["knowledge/a.md#A"]',
                        created_at=when,
                    )
                )
        return cid

    @staticmethod
    def _message(cid: str, sender: str, kind: str, at: dt.datetime) -> dict[str, Any]:
        return {"conversation_id": cid, "sender": sender, "kind": kind, "text": "generated", "created_at": at}

    def history(self, conversations: int, since: dt.datetime, until: dt.datetime) -> list[str]:
        span = (until - since).total_seconds()
        return [
            self.conversation(since + dt.timedelta(seconds=self.rng.uniform(0, span))) for _ in range(conversations)
        ]


def same_as_raw() -> list[stats.Activity]:
    """Every period's numbers, through the rollup; each equal to the raw rows' numbers."""
    out = []
    for start, end, bucket in PERIODS:
        rolled = stats.activity(start, end, bucket)  # type: ignore[arg-type]
        assert rolled == stats.activity(start, end, bucket, rolled=False), (start, end, bucket)  # type: ignore[arg-type]
        out.append(rolled)
    return out


def state() -> tuple[dt.datetime | None, dt.datetime | None, int]:
    with session_scope() as session:
        row = session.get(RollupState, 1)
        assert row is not None
        return row.rolled_from, row.rolled_until, row.generation


def stored_counts() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.sum(HourlyCount.count))) or 0)


def test_the_rollup_gives_exactly_the_numbers_of_the_raw_rows(service_database):
    writer = Writer()
    writer.history(150, NOW - 60 * H, NOW)
    before = same_as_raw()  # nothing rolled up yet: raw rows only
    assert state() == (None, None, 0)

    assert rollup.roll(NOW) == dt.datetime(2026, 11, 10, 14)
    first, until, _ = state()
    assert first is not None and first >= NOW - 61 * H and until == dt.datetime(2026, 11, 10, 14)
    assert stored_counts() > 0
    assert same_as_raw() == before
    assert rollup.roll(NOW) == until and stored_counts() == stored_counts()  # nothing twice

    # The rollup is what is read for the closed hours: rows removed behind its back (never done by
    # the service, which goes through delete_all) still count there, and no longer in the raw rows.
    with session_scope() as session:
        session.execute(delete(Message).where(Message.created_at < until, Message.sender == "candidate"))
    start, end, bucket = PERIODS[1]
    assert stats.activity(start, end, bucket) == before[1]  # type: ignore[arg-type]
    assert stats.activity(start, end, bucket, rolled=False) != before[1]  # type: ignore[arg-type]


def test_messages_arriving_after_a_rollup_count_and_are_rolled_up_when_their_hour_closes(service_database):
    writer = Writer()
    writer.history(100, NOW - 50 * H, NOW)
    rollup.roll(NOW)
    before = same_as_raw()
    # New conversations in the open hour and the next one, an hour that is not rolled up yet.
    later = [writer.conversation(NOW + dt.timedelta(minutes=m)) for m in (1, 20, 40, 70)]
    after = same_as_raw()
    today = dict(zip(("hour", "day"), (after[0], after[2]), strict=True))
    assert sum(today["hour"].conversations.values()) == sum(before[0].conversations.values()) + len(later)
    assert sum(today["day"].messages.values()) > sum(before[2].messages.values())

    assert rollup.roll(NOW + 2 * H) == dt.datetime(2026, 11, 10, 16)
    assert same_as_raw() == after


def test_an_erased_conversation_leaves_the_rollup_as_it_leaves_the_raw_rows(service_database):
    writer = Writer()
    ids = writer.history(80, NOW - 30 * H, NOW - 2 * H)
    rollup.roll(NOW)
    counts = stored_counts()
    with session_scope() as session:  # one that was handed off, in the rolled-up hours
        handed = session.scalars(
            select(Message.conversation_id).where(Message.kind == "handoff", Message.conversation_id.in_(ids))
        ).first()
    assert handed is not None
    erased = [handed, ids[0]]
    with session_scope() as session:  # what the rollup counted of them: all but the staff's messages
        theirs = session.scalar(
            select(func.count()).where(Message.conversation_id.in_(erased), Message.sender != "staff")
        )
    removed = delete_and_record(erased, 0, "test", "conversation", None, False)
    assert removed.conversations == 2 and removed.messages > theirs > 0
    assert stored_counts() == counts - 2 - theirs
    assert state()[2] == 1  # the erasure moved the generation
    same_as_raw()


def test_a_rollup_counted_while_an_erasure_ran_is_not_stored(service_database):
    writer = Writer()
    ids = writer.history(40, NOW - 20 * H, NOW - 2 * H)
    with session_scope() as session:
        _, until, generation = rollup._read_state(session)
        oldest = session.scalar(select(func.min(Conversation.created_at)))
        begin = rollup._hour(oldest)
        counted = stats.volume(session, begin, begin + 30 * H, "hour")
    # An erasure commits between the counting and the storing: what was counted includes it.
    delete_and_record(ids[:3], 0, "test", "conversation", None, False)
    assert not rollup._store(begin, until, generation, begin + 30 * H, counted)
    assert state() == (None, None, 1) and stored_counts() == 0
    rollup.roll(NOW)
    assert state()[1] == dt.datetime(2026, 11, 10, 14)
    same_as_raw()


def test_instances_rolling_up_at_once_store_each_hour_once(service_database):
    Writer().history(120, NOW - 20 * 24 * H, NOW)  # three steps of rollup.STEP
    expected = [stats.activity(s, e, b, rolled=False) for s, e, b in PERIODS]  # type: ignore[arg-type]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def instance() -> None:
        try:
            barrier.wait(timeout=10)
            rollup.roll(NOW)
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and not any(t.is_alive() for t in threads)
    assert state()[1] == dt.datetime(2026, 11, 10, 14)
    assert same_as_raw() == expected


def test_a_rollup_stored_while_an_erasure_deletes_loses_the_erased_share_too(service_database, monkeypatch):
    """PostgreSQL: an erasure's deletes are not visible to a rollup until they commit, so it counts
    the rows being erased; the erasure's last step subtracts them from the hours it stored."""
    from api import db

    if db.get_engine().dialect.name == "sqlite":
        pytest.skip("SQLite has one writer: no rollup is stored while an erasure holds the database")
    ids = Writer().history(60, NOW - 20 * H, NOW - 2 * H)
    reached, go = threading.Event(), threading.Event()
    original = rollup.forget

    def last_step(session: Any, held: Any) -> None:
        reached.set()
        assert go.wait(20)
        original(session, held)

    monkeypatch.setattr(rollup, "forget", last_step)
    erasure = threading.Thread(target=delete_and_record, args=(ids[:5], 0, "test", "conversation", None, False))
    erasure.start()
    assert reached.wait(20)
    assert rollup.roll(NOW) == dt.datetime(2026, 11, 10, 14)  # stored, the five still counted
    go.set()
    erasure.join(timeout=20)
    assert not erasure.is_alive()
    with session_scope() as session:
        assert not session.scalar(select(func.count()).where(Conversation.id.in_(ids[:5])))
    same_as_raw()
