"""How fast the insights dashboard's data is on a large history: generated conversations (100,000 by
default, over the last 30 days: questions, answers, fallbacks, hand-offs with staff replies, ratings)
in a new database, then GET /api/insights' work (api/insights/service.py) for each period: once
to fill the hourly rollup, then five runs each.

  python scripts/bench_insights.py [--conversations 100000] [--database-url URL]
  python scripts/bench.py --insights            # the same, from the bench

SQLite in a temporary folder by default; --database-url measures an (empty, scratch) PostgreSQL
database instead: its tables are dropped and made again. Nothing else is started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ["answer"] * 60 + ["fallback"] * 12 + ["clarify"] * 8 + ["chitchat"] * 15 + ["status"] * 3 + ["error"] * 2
SECTIONS = [f'["knowledge/doc-{d}.md#Heading {h}"]' for d in range(12) for h in range(6)]
BATCH = 20_000


def generate(conversations: int, now: dt.datetime, seed: int = 18) -> tuple[int, int]:
    """Writes the history; returns (messages, ratings)."""
    from api.conversations.models import Conversation, Feedback, Message
    from api.db import get_engine

    rng = random.Random(seed)
    engine = get_engine()
    conv_rows: list[dict[str, Any]] = []
    message_rows: list[dict[str, Any]] = []
    rating_rows: list[dict[str, Any]] = []
    message_id = 0
    counts = [0, 0]

    def flush(force: bool = False) -> None:
        with engine.begin() as connection:
            if conv_rows and (force or len(conv_rows) >= BATCH // 4):
                connection.execute(Conversation.__table__.insert(), conv_rows)
                conv_rows.clear()
            if message_rows and (force or len(message_rows) >= BATCH):
                connection.execute(Message.__table__.insert(), message_rows)
                counts[0] += len(message_rows)
                message_rows.clear()
            if rating_rows and (force or len(rating_rows) >= BATCH // 4):
                connection.execute(Feedback.__table__.insert(), rating_rows)
                counts[1] += len(rating_rows)
                rating_rows.clear()

    for n in range(conversations):
        cid = f"bench-{n:07d}"
        at = now - dt.timedelta(seconds=rng.uniform(0, 30 * 86400))
        conv_rows.append(
            {"id": cid, "mode": "bot", "offline": False, "unhelpful_streak": 0, "created_at": at, "updated_at": at}
        )
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            at += dt.timedelta(seconds=rng.uniform(5, 90))
            message_id += 1
            message_rows.append(_message(message_id, cid, "candidate", "candidate", at))
            kind = rng.choice(KINDS)
            message_id += 1
            message_rows.append(_message(message_id, cid, "bot", kind, at + dt.timedelta(milliseconds=20)))
            if kind == "answer" and rng.random() < 0.08:
                rating_rows.append(
                    {
                        "conversation_id": cid,
                        "message_id": message_id,
                        "helpful": rng.random() < 0.7,
                        "question": "",
                        "sections": rng.choice(SECTIONS),
                        "created_at": at + dt.timedelta(seconds=10),
                    }
                )
        if rng.random() < 0.1:  # a hand-off, answered by a person 9 times in 10
            at += dt.timedelta(seconds=30)
            message_id += 1
            message_rows.append(_message(message_id, cid, "bot", "handoff", at))
            if rng.random() < 0.9:
                message_id += 1
                staff_at = at + dt.timedelta(seconds=rng.uniform(20, 1800))
                message_rows.append(_message(message_id, cid, "staff", "human", staff_at, pushed=True))
        flush()
    flush(force=True)
    return counts[0], counts[1]


def _message(
    message_id: int, cid: str, sender: str, kind: str, at: dt.datetime, pushed: bool = False
) -> dict[str, Any]:
    return {
        "id": message_id,
        "conversation_id": cid,
        "sender": sender,
        "kind": kind,
        "text": "generated",
        "extra": "{}",
        "pushed": pushed,
        "delivered": True,
        "created_at": at,
    }


def measure(conversations: int, runs: int = 5) -> list[str]:
    from sqlalchemy import text

    from api import db
    from api.clock import utcnow
    from api.insights import service
    from api.tables import metadata

    engine = db.get_engine()
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.migrate()
    now = utcnow()
    started = time.perf_counter()
    messages, ratings = generate(conversations, now)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # As autovacuum would soon after: statistics, and the visibility map index-only scans need.
            connection.execute(text("VACUUM ANALYZE"))
    lines = [
        f"insights data, {engine.dialect.name}: {conversations:,} conversations, {messages:,} messages, "
        f"{ratings:,} ratings over 30 days (generated in {time.perf_counter() - started:.0f} s)"
    ]
    today = now.date()
    # The first request after the history was written counts its closed hours into the hourly
    # rollup (api/conversations/rollup.py), once; the runs below read the rollup as every later one.
    t, c = time.perf_counter(), time.process_time()
    start, end, size = service.period_bounds("today", None, None, "hour", today)
    service.insights("today", start, end, size, "mon-fri 08:00-18:00", "UTC")
    lines.append(
        f"  first request, rolling up the closed hours: {(time.perf_counter() - t) * 1000:.0f} ms "
        f"(CPU {(time.process_time() - c) * 1000:.0f} ms)"
    )
    for period, bucket in (("today", "hour"), ("7d", "day"), ("7d", "hour"), ("30d", "day"), ("30d", "hour")):
        start, end, size = service.period_bounds(period, None, None, bucket, today)  # type: ignore[arg-type]
        times, cpu = [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            service.insights(period, start, end, size, "mon-fri 08:00-18:00", "UTC")  # type: ignore[arg-type]
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        # CPU time too: on a shared machine the wall time also counts other processes' turns.
        lines.append(
            f"  {period:>5} {'hourly' if size == 'hour' else 'daily':>6} buckets: median {statistics.median(times):5.0f} ms "
            f"(CPU {statistics.median(cpu):4.0f} ms), max {max(times):5.0f} ms ({runs} runs)"
        )
    lines.append(f"  machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conversations", type=int, default=100_000)
    ap.add_argument("--database-url", default="", help="a scratch PostgreSQL database (its tables are dropped)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-insights-", dir=ROOT / "var") as folder:
        os.environ["CA_VAR_DIR"] = folder
        if args.database_url:
            os.environ["CA_DATABASE_URL"] = args.database_url
        for line in measure(args.conversations):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
