"""Calibrates the retrieval decision on part of the dev set and reports the held-out part.

Retrieval only (no Rasa): an `answer` case passes when the decision is `answer` and the chosen
sections mention every required fact; an `out_of_scope` case passes when the decision is
`fallback`. Cases are split by a hash of their id, so the held-out part never changes.
Usage: python scripts/calibrate.py [DEV.yaml] [--extra eval/holdout.yaml]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import get_settings  # noqa: E402
from api.knowledge.embedder import create_embedder  # noqa: E402
from api.knowledge.index import build_index  # noqa: E402
from api.knowledge.search import Params, decide, rank  # noqa: E402


def held_out(case_id: str) -> bool:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 10 < 3


def passes(case: dict, kind: str, text: str) -> bool:
    low = text.lower()
    if case["kind"] == "out_of_scope":
        return kind == "fallback"
    if kind != "answer":
        return False
    if any(bad.lower() in low for bad in case.get("must_not_mention") or []):
        return False
    return all(any(p.lower() in low for p in group) for group in case.get("must_mention") or [])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dev", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "dev.yaml"))
    ap.add_argument("--extra", default=None, help="a second, fresh question set to report on")
    args = ap.parse_args()
    settings = get_settings()
    embedder = create_embedder(settings.embedder, settings.var_dir / "models")
    index = build_index(settings.knowledge_dir, settings.index_dir, embedder)
    cases = [
        c
        for c in yaml.safe_load(Path(args.dev).read_text())
        if c["kind"] in ("answer", "out_of_scope") and not c.get("lang")
    ]
    extra = []
    if args.extra:
        extra = [
            c
            for c in yaml.safe_load(Path(args.extra).read_text())
            if c["kind"] in ("answer", "out_of_scope") and not c.get("lang")
        ]

    ranked_cache: dict[tuple[str, float], list] = {}

    def score(subset: list[dict], p: Params) -> tuple[int, int, int, int]:
        a_ok = a_n = o_ok = o_n = 0
        for c in subset:
            key = (c["ask"], p.bm25_weight)
            if key not in ranked_cache:
                ranked_cache[key] = rank(index, embedder, c["ask"], p.bm25_weight, sentence_weight=p.sentence_weight)
            d = decide(ranked_cache[key], p, index.doc_sections)
            text = "\n".join(x.text for x in d.passages)
            ok = passes(c, d.kind, text)
            if c["kind"] == "answer":
                a_n += 1
                a_ok += ok
            else:
                o_n += 1
                o_ok += ok
        return a_ok, a_n, o_ok, o_n

    tune = [c for c in cases if not held_out(c["id"])]
    hold = [c for c in cases if held_out(c["id"])]
    grid = itertools.product(
        [0.0, 0.01, 0.02, 0.03], [0.30, 0.35, 0.40, 0.45], [0.0, 0.1, 0.15], [0.0, 0.01, 0.02], [0, 500, 800]
    )
    results = []
    for bm, thr, comb, clar, whole in grid:
        p = Params(bm, thr, comb, clar, 0.55, whole, sentence_weight=settings.sentence_weight)
        a_ok, _a_n, o_ok, _o_n = score(tune, p)
        results.append((a_ok + o_ok, a_ok, o_ok, p))
    results.sort(key=lambda r: (-r[0], -r[3].answer_threshold))
    print(f"tuning set: {len(tune)} cases, held out: {len(hold)}, extra: {len(extra)}")
    for _total, a_ok, o_ok, p in results[:8]:
        h = score(hold, p)
        e = score(extra, p) if extra else (0, 0, 0, 0)
        print(
            f"bm25={p.bm25_weight:.2f} thr={p.answer_threshold:.2f} combine={p.combine_margin:.2f}"
            f" clarify={p.clarify_margin:.2f} whole={p.whole_doc_chars}"
            f" | tune {a_ok}+{o_ok} | held-out answers {h[0]}/{h[1]} refusals {h[2]}/{h[3]}"
            + (f" | extra answers {e[0]}/{e[1]} refusals {e[2]}/{e[3]}" if extra else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
