"""Latency, throughput and memory of the running stack, through the public /api/chat.

  python scripts/bench.py [--url URL] [--sequential 200] [--concurrency 20] [--seconds 20]

Sequential: one message at a time, a new conversation every 10 messages (a candidate's visit;
Rasa replays a conversation's events on every message, so one endless conversation would
measure only its growth) -> p50 / p95 latency.
Concurrent: N conversations each sending its next message as soon as the last was answered, for a
fixed time -> answered messages per second. Memory: peak resident set (VmHWM) of every process
started by `make run` (pids in var/*.pid), with its children. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONVERSATION_LENGTH = 10
QUESTIONS = [
    "How many steps are in the hiring process?",
    "How long does the work style assessment take?",
    "What happens in the work sample simulation?",
    "Will there be brain teasers in the phone interview?",
    "When will I hear back after my phone interview?",
    "What does a bar raiser do?",
    "Are the in-person interviews virtual?",
    "Can I apply to more than one job?",
    "Where can I see the status of my application?",
    "I work for the government, what should I know?",
    "hi there",
    "what's the salary for this role?",
]

# All bench traffic comes from one address, far above a careers site's per-address chat limit.
THROTTLED = (
    "The API answered 429 Too Many Requests: its rate limits are on. Start the stack with the chat limits "
    "off, e.g. `CA_RATE_LIMIT_CHAT_ADDRESS=off CA_RATE_LIMIT_CHAT_CONVERSATION=off make run`, and run `make bench` again."
)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


async def sequential(url: str, n: int) -> list[float]:
    times = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        cid = ""
        for i in range(n):
            if i % CONVERSATION_LENGTH == 0:
                cid = f"bench-{uuid.uuid4().hex[:8]}"
            t = time.perf_counter()
            r = await http.post("/api/chat", json={"conversation_id": cid, "message": QUESTIONS[i % len(QUESTIONS)]})
            if r.status_code == 429:
                raise SystemExit(THROTTLED)
            r.raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
    return times


async def concurrent(url: str, conversations: int, seconds: float) -> tuple[int, int, list[float]]:
    answered = errors = throttled = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:

        async def talk(k: int) -> None:
            nonlocal answered, errors, throttled
            cid = ""
            i = k
            while time.perf_counter() < deadline:
                if (i - k) % CONVERSATION_LENGTH == 0:
                    cid = f"bench-{uuid.uuid4().hex[:8]}"
                t = time.perf_counter()
                try:
                    r = await http.post(
                        "/api/chat", json={"conversation_id": cid, "message": QUESTIONS[i % len(QUESTIONS)]}
                    )
                    throttled += r.status_code == 429
                    ok = r.status_code == 200 and all(x["kind"] != "error" for x in r.json()["replies"])
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t) * 1000)
                answered += ok
                errors += not ok
                i += 1

        await asyncio.gather(*(talk(k) for k in range(conversations)))
    if throttled:
        print(f"{throttled} of the errors were 429. {THROTTLED}", file=sys.stderr)
    return answered, errors, latencies


def peak_memory_mb(pid: int) -> float:
    """VmHWM of a process and its descendants, in MB."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(peak_memory_mb(int(c)) for c in children)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--sequential", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--var", default=str(ROOT / "var"))
    args = ap.parse_args()

    asyncio.run(sequential(args.url, 20))  # warm-up
    seq = asyncio.run(sequential(args.url, args.sequential))
    print(f"sequential: {len(seq)} messages, p50 {statistics.median(seq):.1f} ms, p95 {pct(seq, 0.95):.1f} ms")
    answered, errors, lat = asyncio.run(concurrent(args.url, args.concurrency, args.seconds))
    rate = answered / args.seconds
    print(
        f"concurrent: {args.concurrency} conversations for {args.seconds:.0f} s, {rate:.1f} answered messages/s, "
        f"{errors} errors, p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 0.95):.1f} ms"
    )
    total = 0.0
    for pidfile in sorted(Path(args.var).glob("*.pid")):
        mb = peak_memory_mb(int(pidfile.read_text()))
        total += mb
        print(f"peak memory {pidfile.stem}: {mb:.0f} MB")
    print(f"peak memory all processes: {total:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
