"""The insights dashboard's hourly rollup: conversations started, candidate messages and bot replies by
kind, counted once per closed hour into `hourly_counts` (migration 0010), so that a 30-day dashboard
sums about 6,500 small rows instead of every message of the period (stats.activity adds the raw
rows of the hours not rolled up yet).

Why the numbers stay exactly those of the raw rows:

* Only hours that ended at least DELAY ago are rolled up. A row's `created_at` is set as its short
  transaction writes it, so by then every row of such an hour is committed and none is added later.
* The hours rolled up are one range, [rolled_from, rolled_until), kept in rollup_state's single row
  and advanced by compare-and-set in the transaction that writes their counts: of two API instances
  rolling the same hours at once, one stores them and the other finds the state moved and stores
  nothing. Counting happens before that transaction, so SQLite's writers are not held up by it.
* Deleting conversations (an erasure, the retention purge: service.delete_all) takes their share out
  of the rolled-up hours in the same transaction, and moves `generation`: a rollup counted while that
  transaction ran fails its compare-and-set and counts again. (A rollup stored before the deleting
  transaction moves `generation` counted the rows still there, and is in the hours it subtracts from.)

Buckets are UTC hours and days (the dashboard has no other zone), so each is whole hours of the
rollup; a zone whose offset is not a whole hour would need its buckets from the raw rows (or a finer
rollup). Hand-offs outside staff hours, in CA_STAFF_TIMEZONE, are judged from the raw hand-offs.

The rollup holds counts only (no conversation id, no text, nothing about a person), and an erased or
purged conversation leaves it as it leaves the raw rows: the dashboard shows what the database holds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.conversations import stats
from api.conversations.models import Conversation, HourlyCount, Message, RollupState
from api.db import session_scope

# How long after an hour ends its rows are taken as final: far longer than any chat turn's transaction
# and than the clock difference of two API hosts.
DELAY = dt.timedelta(minutes=10)
# Hours counted per transaction: the first rollup of a long history goes in steps this long.
STEP = dt.timedelta(days=7)
RETRIES = 3
_state = cast(Table, RollupState.__table__)
_counts = cast(Table, HourlyCount.__table__)


def _hour(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _read_state(session: Session) -> tuple[dt.datetime | None, dt.datetime | None, int]:
    row = session.execute(
        select(_state.c.rolled_from, _state.c.rolled_until, _state.c.generation).where(_state.c.id == 1)
    ).one()
    return row.rolled_from, row.rolled_until, int(row.generation)


def roll(now: dt.datetime) -> dt.datetime | None:
    """Roll up every closed hour not rolled up yet (on demand: each dashboard request calls this);
    return the end of what is rolled up. Several instances may call it at once."""
    target = _hour(now - DELAY)
    failures = 0
    while True:
        with session_scope() as session:
            first, until, generation = _read_state(session)
            begin = until
            if begin is None:  # nothing rolled up yet: start with the oldest row
                oldest = min(
                    (t for t in (session.scalar(select(func.min(c))) for c in _DATED) if t is not None),
                    default=None,
                )
                if oldest is None:
                    return None
                begin = first = _hour(oldest)
            if begin >= target:
                return until
            stop = min(begin + STEP, target)
            counted = stats.volume(session, begin, stop, "hour")
        if _store(first, until, generation, stop, counted):
            failures = 0
        else:
            failures += 1
            if failures >= RETRIES:  # others keep moving it: what is stored is right, just shorter
                return until


_DATED = (Conversation.created_at, Message.created_at)


def _store(
    first: dt.datetime | None,
    until: dt.datetime | None,
    generation: int,
    stop: dt.datetime,
    counted: stats.Volume,
) -> bool:
    """Store one step's counts if the state is still what they were counted against."""
    seen = _state.c.rolled_until.is_(None) if until is None else _state.c.rolled_until == until
    try:
        with session_scope() as session:
            moved = session.execute(
                update(_state)
                .where(_state.c.id == 1, _state.c.generation == generation, seen)
                .values(rolled_from=first, rolled_until=stop)
            )
            if cast(CursorResult[Any], moved).rowcount != 1:
                return False
            rows = [
                {"hour": dt.datetime.strptime(key, "%Y-%m-%d %H"), "measure": measure, "kind": kind, "count": n}
                for (measure, key, kind), n in counted.items()
                if n
            ]
            if rows:
                session.execute(insert(_counts), rows)
        return True
    except OperationalError:  # an erasure held the state row past the lock timeout: count again later
        return False


def share(session: Session, ids: list[str]) -> stats.Volume:
    """What the rollup may hold of these conversations, hour by hour: read before their rows are deleted."""
    return stats.volume(session, dt.datetime.min, dt.datetime.max, "hour", ids) if ids else Counter()


def forget(session: Session, held: stats.Volume) -> None:
    """Take deleted conversations' `share` out of the rolled-up hours, in the transaction that deleted
    them (erasure, retention purge), as its last step: PostgreSQL then holds rollup_state's row only
    until that transaction commits, and a rollup storing meanwhile waits, then fails and counts again."""
    session.execute(update(_state).where(_state.c.id == 1).values(generation=_state.c.generation + 1))
    first, until, _ = _read_state(session)
    if first is None or until is None:
        return
    rows = []
    for (measure, key, kind), n in held.items():
        hour = dt.datetime.strptime(key, "%Y-%m-%d %H")
        if n and first <= hour < until:
            rows.append({"at": hour, "what": measure, "which": kind, "n": n})
    if rows:
        session.connection().execute(
            update(_counts)
            .where(
                _counts.c.hour == bindparam("at"),
                _counts.c.measure == bindparam("what"),
                _counts.c.kind == bindparam("which"),
            )
            .values(count=_counts.c.count - bindparam("n")),
            rows,
        )
