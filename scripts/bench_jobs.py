"""Job search at scale: 20,000 fictional jobs (scripts/make_demo_jobs.py) in a private var/ folder.

  python scripts/bench_jobs.py [--jobs 20000] [--searches 300]     (also: python scripts/bench.py --jobs)

Cold import (parse, embed every job with a progress bar, one transaction), index build, search
latency (p50 / p95 in-process: the query's embedding, the filters and the ranking, as GET /api/jobs
does them), and a refresh where 1 % of the jobs changed (parse, diff, embed the changed ones, write,
reload the index). Uses var/bench/jobs/; the model export is shared with var/models.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "jobs"
QUERIES = [
    ({"q": "data engineer", "location": "Seattle"}),
    ({"q": "remote security", "remote": True}),
    ({"employment_type": "INTERN"}),
    ({"q": "SDE", "location": "NYC"}),
    ({"q": "sofware enginer"}),
    ({"q": "product manager", "location": "London"}),
    ({"q": "machine learning"}),
    ({"q": "customer support", "remote": False}),
    ({"q": "pastry chef"}),
    ({"location": "Dublin"}),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=20_000)
    ap.add_argument("--searches", type=int, default=300)
    args = ap.parse_args(argv)

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "var").mkdir(parents=True)
    (ROOT / "var" / "models").mkdir(parents=True, exist_ok=True)
    (WORK / "var" / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
    os.environ["CA_VAR_DIR"] = str(WORK / "var")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    import json

    from make_demo_jobs import change, make_jobs
    from tqdm import tqdm

    from api.config import get_settings
    from api.db import migrate
    from api.jobs import store
    from api.jobs.adapters import parse
    from api.jobs.search import Criteria, build_index
    from api.knowledge.embedder import create_embedder

    feed = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": make_jobs(args.jobs, varied=True)}
    content = json.dumps(feed).encode()
    change(feed["itemListElement"], 0.01, seed=2)
    changed = json.dumps(feed).encode()
    migrate()
    settings = get_settings()
    embedder = create_embedder(settings.embedder, settings.var_dir / "models")
    embedder.encode(["warm up"])

    t = time.perf_counter()
    _, postings = parse(content)
    with tqdm(unit="text", desc="cold import: embedding") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        diff = store.import_postings(postings, "bench", embedder, progress=progress)
    cold = time.perf_counter() - t

    t = time.perf_counter()
    version, jobs = store.load_all()
    index = build_index(version, jobs, embedder)
    load = time.perf_counter() - t

    times = []
    for i in range(args.searches):
        criteria = Criteria(**QUERIES[i % len(QUERIES)])
        t = time.perf_counter()
        index.search(criteria, embedder, limit=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()

    t = time.perf_counter()
    _, postings = parse(changed)
    refresh_diff = store.import_postings(postings, "bench", embedder)
    version, jobs = store.load_all()
    index = build_index(version, jobs, embedder)
    refresh = time.perf_counter() - t

    print(
        f"jobs: {diff.added:,} ({diff.embedded:,} distinct title and team texts); cold import {cold:.1f} s "
        f"({cold / max(diff.embedded, 1) * 1000:.1f} ms per distinct text, all included)"
    )
    print(f"index load and build: {load:.2f} s")
    print(
        f"search ({args.searches}, in-process, {len(QUERIES)} query kinds): p50 {statistics.median(times):.1f} ms, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms"
    )
    print(f"refresh with 1 % changed ({refresh_diff}): {refresh:.2f} s (parse, diff, embed, write, reload)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
