"""Runs an evaluation set through the running stack's public chat API and scores it per kind.

  python scripts/eval.py [FILE ...]   (default ../shared/eval/dev.yaml; the stack must be running)

A file is a list of single questions (each in a new conversation) or of conversations (`turns:`, each
turn judged on its own, all in one conversation). Expected kinds:

answer        -> kind `answer`, every must_mention group matched, no must_not_mention phrase
out_of_scope  -> kind `fallback` (says it does not know and offers a person), no must_not_mention phrase
chitchat      -> kind `chitchat`, short (no knowledge dump)
status_request-> kind `verify` or `status`

Each score line names the file's role, so a figure is never read as more than it is:
  dev (tuned on), holdout (thresholds calibrated on it), fresh (never tuned on: the measure).
A confusion table (expected kind -> reply kind) follows each score line.
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
    # "can I just talk to a human?": the hand-off to a person.
    "human_request": {"handoff"},
}
KINDS = ("answer", "out_of_scope", "chitchat", "status_request", "human_request")


def role(path: Path) -> str:
    """What a set may be used for, from its name."""
    name = path.name
    if "fresh" in name:
        return "fresh: never tuned on"
    if "holdout" in name:
        return "holdout: calibrated on"
    return "dev: tuned on"


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


def reply_kind(replies: list[dict]) -> str:
    """The kind a reply counts as in the confusion table (the first that is not a pushed message)."""
    kinds = [r["kind"] for r in replies]
    for k in ("answer", "clarify", "fallback", "status", "verify", "chitchat", "handoff", "error"):
        if k in kinds:
            return k
    return kinds[0] if kinds else "none"


class Scorer:
    def __init__(self) -> None:
        self.passed: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        self.confusion: Counter[tuple[str, str]] = Counter()
        self.failures: list[str] = []

    def turn(self, http: httpx.Client, cid: str, case: dict, label: str) -> bool:
        resp = http.post("/api/chat", json={"conversation_id": cid, "message": case["ask"]})
        self.total[case["kind"]] += 1
        if resp.status_code != 200:
            # An over-long or empty message is refused with 422: for out_of_scope that is a refusal too.
            why = (
                None
                if case["kind"] == "out_of_scope" and resp.status_code == 422
                else f"HTTP {resp.status_code}: {resp.text[:200]}"
            )
            replies: list[dict] = []
            got = f"http {resp.status_code}"
        else:
            replies = resp.json()["replies"]
            why = judge(case, replies)
            got = reply_kind(replies)
        self.confusion[(case["kind"], got)] += 1
        if why is None:
            self.passed[case["kind"]] += 1
            return True
        first = replies[0]["text"][:160].replace("\n", " ") if replies else ""
        self.failures.append(
            f"FAIL {label} ({case['kind']}): {why}\n     asked: {case['ask'][:100]!r}\n     got:   {first!r}"
        )
        return False

    def lines(self) -> list[str]:
        parts = [f"{k} {self.passed[k]}/{self.total[k]}" for k in KINDS if self.total[k]]
        summary = ", ".join(parts) + f" | total {sum(self.passed.values())}/{sum(self.total.values())}"
        got_kinds = sorted({g for _, g in self.confusion})
        table = ["     expected -> " + "  ".join(got_kinds)]
        for k in KINDS:
            if self.total[k]:
                table.append(f"     {k:<14}   " + "  ".join(f"{self.confusion[(k, g)]:>{len(g)}}" for g in got_kinds))
        return [summary, *table]


def run_file(http: httpx.Client, path: Path) -> tuple[list[str], list[str]]:
    """The failures and the score lines of one file."""
    cases = yaml.safe_load(path.read_text())
    scorer = Scorer()
    conversations = right = 0
    for case in cases:
        cid = f"eval-{uuid.uuid4().hex[:12]}"
        if "turns" in case:
            conversations += 1
            ok = [scorer.turn(http, cid, turn, f"{case['id']}#{n}") for n, turn in enumerate(case["turns"], start=1)]
            right += all(ok)
        else:
            scorer.turn(http, cid, case, case["id"])
    summary, *table = scorer.lines()
    head = f"eval {path.name} ({role(path)}): "
    if conversations:
        head += f"conversations fully right {right}/{conversations} | turns: "
    return scorer.failures, [head + summary, *table]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", default=[str(ROOT.parent / "shared" / "eval" / "dev.yaml")])
    ap.add_argument("--url", default=os.environ.get("CA_EVAL_URL", "http://127.0.0.1:8000"))
    args = ap.parse_args()
    ok = True
    summaries = []
    with httpx.Client(base_url=args.url, timeout=30) as http:
        for name in args.files:
            failures, lines = run_file(http, Path(name))
            ok &= not failures
            for line in failures:
                print(line)
            summaries += lines
    for line in summaries:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
