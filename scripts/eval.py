"""Runs an evaluation set through the running stack's public chat API and scores it per kind.

  python scripts/eval.py [FILE]   (default ../shared/eval/dev.yaml; the stack must be running)

answer        -> kind `answer`, every must_mention group matched, no must_not_mention phrase
out_of_scope  -> kind `fallback` (says it does not know and offers a person), no must_not_mention phrase
chitchat      -> kind `chitchat`, short (no knowledge dump)
status_request-> kind `verify` or `status`
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections import Counter
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "out_of_scope": {"fallback"},
    "chitchat": {"chitchat"},
    "status_request": {"verify", "status"},
    "answer": {"answer"},
}


def judge(case: dict, replies: list[dict]) -> str | None:
    """None when the case passes, else why it failed."""
    kinds = [r["kind"] for r in replies]
    text = "\n".join(r["text"] for r in replies)
    low = text.lower()
    kind = case["kind"]
    if not set(kinds) & EXPECTED[kind]:
        return f"expected kind {sorted(EXPECTED[kind])}, got {kinds}"
    bad = [p for p in case.get("must_not_mention") or [] if p.lower() in low]
    if bad:
        return f"mentions {bad}"
    if kind == "answer":
        missing = [g for g in case.get("must_mention") or [] if not any(p.lower() in low for p in g)]
        if missing:
            return f"missing {missing}"
        if not any(r.get("sources") for r in replies):
            return "answer without a source"
    if kind == "chitchat" and len(text) > 400:
        return "chitchat reply too long"
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "dev.yaml"))
    ap.add_argument("--url", default=os.environ.get("CA_EVAL_URL", "http://127.0.0.1:8000"))
    args = ap.parse_args()
    cases = yaml.safe_load(Path(args.file).read_text())
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures = []
    with httpx.Client(base_url=args.url, timeout=30) as http:
        for case in cases:
            cid = f"eval-{uuid.uuid4().hex[:12]}"
            resp = http.post("/api/chat", json={"conversation_id": cid, "message": case["ask"]})
            total[case["kind"]] += 1
            if resp.status_code != 200:
                # An over-long or empty message is refused with 422: for out_of_scope that is a refusal too.
                why = (
                    None
                    if case["kind"] == "out_of_scope" and resp.status_code == 422
                    else f"HTTP {resp.status_code}: {resp.text[:200]}"
                )
                replies = []
            else:
                replies = resp.json()["replies"]
                why = judge(case, replies)
            if why is None:
                passed[case["kind"]] += 1
            else:
                first = replies[0]["text"][:160].replace("\n", " ") if replies else ""
                failures.append(
                    f"FAIL {case['id']} ({case['kind']}): {why}\n"
                    f"     asked: {case['ask'][:100]!r}\n     got:   {first!r}"
                )
    for line in failures:
        print(line)
    parts = [
        f"{k} {passed[k]}/{total[k]}" for k in ("answer", "out_of_scope", "chitchat", "status_request") if total[k]
    ]
    print(
        f"eval {Path(args.file).name}: " + ", ".join(parts) + f" | total {sum(passed.values())}/{sum(total.values())}"
    )
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
