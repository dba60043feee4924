"""How long the knowledge index takes to rebuild: after one edited file, and for a 1,000-document folder;
and how long the writers' report of unanswered questions takes with 1,000 long distinct questions.

  python scripts/bench_knowledge.py [--documents 1000] [--questions 1000]

In-process (no stack needed): the same build the running service does on every change, and the real
API (its report endpoint, signed in as a writer) on a temporary database.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import get_settings  # noqa: E402
from api.knowledge.embedder import create_embedder  # noqa: E402
from api.knowledge.index import build_index  # noqa: E402

SYNTHETIC = """---
title: Synthetic topic {n}
updated: 2026-11-26
---

## What topic {n} covers

Topic {n} is a synthetic document for measuring rebuild time. It explains step {n} of a made-up process in two sentences.

## How long topic {n} takes

Topic {n} typically takes {n} minutes. Candidates hear back within {n} business days.
"""


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def long_question(n: int, words: list[str], chars: int = 2000) -> str:
    """A distinct question of exactly `chars` characters (the chat's limit), different from its start."""
    rng = random.Random(n)
    text = f"Question {n}: " + " ".join(rng.choice(words) for _ in range(chars // 4))
    return text[:chars]


def bench_unanswered_report(questions: int, var_dir: Path) -> None:
    """The writers' report over `questions` distinct 2,000-character unanswered questions, in a temporary
    database: the first request embeds each question once; later ones (a writer's page refreshing) must not."""
    from fastapi.testclient import TestClient

    from api import db
    from api.conversations import service as conversations
    from api.main import create_app
    from api.users.service import add_user

    # The knowledge's own words: questions on the same topics as real ones, in random order.
    words = sorted({w for f in get_settings().knowledge_dir.glob("*.md") for w in f.read_text().lower().split()})
    saved = {name: os.environ.get(name) for name in ("CA_DATABASE_URL", "CA_WATCH_KNOWLEDGE")}
    with tempfile.TemporaryDirectory(dir=var_dir) as tmp:
        os.environ["CA_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["CA_WATCH_KNOWLEDGE"] = "false"
        for cache in (get_settings, db.get_engine, db.get_sessionmaker):
            cache.cache_clear()
        try:
            with TestClient(create_app()) as client:

                def ask(numbers: range) -> None:
                    for n in numbers:
                        reply = {"kind": "fallback", "text": "I don't have information about that."}
                        conversations.bot_replies(f"bench-{n}", [reply], question=long_question(n, words))

                ask(range(questions))
                add_user("bench-writer", "a long enough password", "writer")
                login = {"username": "bench-writer", "password": "a long enough password"}
                client.post("/api/staff/login", json=login).raise_for_status()

                def report(headers: dict[str, str] | None = None) -> tuple[float, str]:
                    start = time.perf_counter()
                    r = client.get("/api/knowledge/unanswered", headers=headers)
                    assert r.status_code in (200, 304), r.text
                    return time.perf_counter() - start, r.headers["etag"]

                first, etag = report()
                warm = statistics.median(report()[0] for _ in range(7))
                unchanged = statistics.median(report({"If-None-Match": etag})[0] for _ in range(7))
                # What the finding was about: six reports at once (100 new questions among them to
                # embed) made a staff member's next request wait for seconds.
                ask(range(questions, questions + 100))
                with ThreadPoolExecutor(6) as pool:
                    busy = [pool.submit(report) for _ in range(6)]
                    time.sleep(0.2)
                    start = time.perf_counter()
                    client.get("/api/staff/me").raise_for_status()
                    me = time.perf_counter() - start
                    slowest = max(f.result()[0] for f in busy)
        finally:
            db.get_engine().dispose()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            for cache in (get_settings, db.get_engine, db.get_sessionmaker):
                cache.cache_clear()
    print(
        f"writers' report of {questions} unanswered questions of 2,000 characters: first {first:.1f} s "
        f"(each embedded once), then {warm * 1000:.0f} ms (median of 7; target < 300 ms), "
        f"{unchanged * 1000:.0f} ms when unchanged since its ETag; /api/staff/me during six reports at once "
        f"(100 new questions): {me * 1000:.0f} ms (the six took {slowest:.1f} s)"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--questions", type=int, default=1000)
    args = ap.parse_args()
    settings = get_settings()
    embedder = create_embedder(settings.embedder, settings.var_dir / "models")
    with tempfile.TemporaryDirectory(dir=settings.var_dir) as tmp:
        work = Path(tmp)
        kdir = work / "knowledge"
        shutil.copytree(settings.knowledge_dir, kdir)
        build_index(kdir, work / "index", embedder)
        edited = kdir / "phone-interview.md"
        edited.write_text(edited.read_text() + "\nAn edit by a writer.\n")
        one = timed(lambda: build_index(kdir, work / "index", embedder))
        print(
            f"knowledge rebuild after editing one file ({sum(1 for _ in kdir.glob('*.md')) - 1} documents): {one * 1000:.0f} ms"
        )

        big = work / "big"
        big.mkdir()
        for n in range(args.documents):
            (big / f"topic-{n:04d}.md").write_text(SYNTHETIC.format(n=n))
        full = timed(lambda: build_index(big, work / "big-index", embedder))
        (big / "topic-0007.md").write_text(SYNTHETIC.format(n=7) + "\nEdited.\n")
        incremental = timed(lambda: build_index(big, work / "big-index", embedder))
        print(
            f"knowledge build of {args.documents} synthetic documents: {full:.1f} s; after editing one of them: {incremental * 1000:.0f} ms"
        )
    bench_unanswered_report(args.questions, settings.var_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
