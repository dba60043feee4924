"""How long the knowledge index takes to rebuild: after one edited file, and for a 1,000-document folder.

  python scripts/bench_knowledge.py [--documents 1000]

In-process (no stack needed): the same build the running service does on every change.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1000)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
