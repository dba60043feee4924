"""Latency, throughput and memory through the public /api/chat: the default set-up and the cluster.

  python scripts/bench.py [--sequential 200] [--concurrency 20 100] [--seconds 20] [--setups default cluster]
  python scripts/bench.py --url http://127.0.0.1:8000      # only measure a stack already running
  python scripts/bench.py --insights      # only the insights dashboard's data (scripts/bench_insights.py)

It starts the default set-up (one Rasa, one action server, one API, SQLite) and then the cluster
(scripts/cluster.py: PostgreSQL, Redis, 2 of each behind nginx), each on ports and a var/bench/
folder of their own, with rate limits off (all traffic comes from 127.0.0.1), and stops them.
Sequential: one message at a time, a new conversation every 10 messages (a candidate's visit)
-> p50 / p95 latency. Concurrent: N conversations each sending its next message as soon as the
last was answered, for a fixed time -> answered messages per second. Load mix: scripts/load.py
(100 conversations of FAQ, status and hand-off traffic; lost or duplicated messages counted).
Memory: peak resident set (VmHWM) of every process, with its children. Each set-up's index is built
first, as `make run` does with `make index` (--cold-start: the servers build it, embedding every passage
and fitting the models at start, the worst case of a first start). Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
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
    "The API answered 429 Too Many Requests: its rate limits are on. Start that stack with the chat limits "
    "off, e.g. `CA_RATE_LIMIT_CHAT_ADDRESS=off CA_RATE_LIMIT_CHAT_CONVERSATION=off make run`, and measure it "
    "again (plain `make bench` starts its own set-ups with the limits off)."
)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# The load generator shares the machine's two cores with what it measures, so it is the lightest
# asyncio client at hand: aiohttp used 1.2 ms of CPU per request here, httpx 4.4-4.9 ms (a tenth of the
# machine at 40 messages/s). Candidates' browsers are not on the server.
TIMEOUT = aiohttp.ClientTimeout(total=30)


async def sequential(url: str, n: int) -> list[float]:
    times = []
    async with aiohttp.ClientSession(url, timeout=TIMEOUT) as http:
        cid = ""
        for i in range(n):
            if i % CONVERSATION_LENGTH == 0:
                cid = f"bench-{uuid.uuid4().hex[:8]}"
            t = time.perf_counter()
            body = {"conversation_id": cid, "message": QUESTIONS[i % len(QUESTIONS)]}
            async with http.post("/api/chat", json=body) as r:
                await r.read()
                if r.status == 429:
                    raise SystemExit(THROTTLED)
                r.raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
    return times


async def concurrent(url: str, conversations: int, seconds: float) -> tuple[int, int, list[float]]:
    answered = errors = throttled = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(url, timeout=TIMEOUT, connector=connector) as http:

        async def talk(k: int) -> None:
            nonlocal answered, errors, throttled
            cid = ""
            i = k
            while time.perf_counter() < deadline:
                if (i - k) % CONVERSATION_LENGTH == 0:
                    cid = f"bench-{uuid.uuid4().hex[:8]}"
                t = time.perf_counter()
                try:
                    body = {"conversation_id": cid, "message": QUESTIONS[i % len(QUESTIONS)]}
                    async with http.post("/api/chat", json=body) as r:
                        throttled += r.status == 429
                        ok = r.status == 200 and all(x["kind"] != "error" for x in (await r.json())["replies"])
                except (aiohttp.ClientError, asyncio.TimeoutError):
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants so far, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return own + sum(cpu_seconds(int(c)) for c in children)


def cpu_per_message(procs: dict[str, subprocess.Popen[bytes]] | None, before: dict[str, float], messages: int) -> str:
    """CPU milliseconds each process spent per answered message since `before`: unlike latency and
    throughput, hardly moved by other work on a shared machine (the time a busy core is taken away
    is not counted), so two commits compare fairly in one noisy sitting."""
    if not procs or not messages:
        return ""
    parts = [f"{n} {(cpu_seconds(p.pid) - before[n]) * 1000 / messages:.2f}" for n, p in sorted(procs.items())]
    return "CPU per message: " + ", ".join(parts) + " ms"


def cpu_now(procs: dict[str, subprocess.Popen[bytes]] | None) -> dict[str, float]:
    return {n: cpu_seconds(p.pid) for n, p in (procs or {}).items()}


BENCH_SECRET = "bench-candidate-secret-" + "z" * 24
# Bench traffic all comes from 127.0.0.1, far above a careers site's per-address limits.
NO_LIMITS = {
    f"CA_RATE_LIMIT_{k}": "off" for k in ("CHAT_CONVERSATION", "CHAT_ADDRESS", "LOGIN_ADDRESS", "LOGIN_USERNAME")
}


def measure(
    name: str,
    url: str,
    sequential_n: int,
    concurrency: list[int],
    seconds: float,
    procs: dict[str, subprocess.Popen[bytes]] | None = None,
) -> dict[str, str]:
    row: dict[str, str] = {"set-up": name}
    asyncio.run(sequential(url, 20))  # warm-up
    if sequential_n:
        before = cpu_now(procs)
        seq = asyncio.run(sequential(url, sequential_n))
        row["sequential p50 / p95"] = f"{statistics.median(seq):.0f} / {pct(seq, 0.95):.0f} ms"
        print(
            f"{name}: sequential {len(seq)} messages, p50 {statistics.median(seq):.1f} ms, p95 {pct(seq, 0.95):.1f} ms"
        )
        if procs:
            print(f"{name}: sequential {cpu_per_message(procs, before, len(seq))}")
    for n in concurrency:
        before = cpu_now(procs)
        answered, errors, lat = asyncio.run(concurrent(url, n, seconds))
        rate = answered / seconds
        row[f"{n} concurrent"] = f"{rate:.1f} msg/s, p95 {pct(lat, 0.95):.0f} ms, {errors} errors"
        print(
            f"{name}: {n} conversations for {seconds:.0f} s, {rate:.1f} answered messages/s, {errors} errors, "
            f"p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 0.95):.1f} ms"
        )
        if procs:
            print(f"{name}: {n} conversations {cpu_per_message(procs, before, answered)}")
    return row


def load_mix(name: str, url: str, database: str, tracker: str) -> str:
    from load import run

    result = run(url, BENCH_SECRET, database, tracker, conversations=100, messages=5)
    print(f"{name}: load mix (100 conversations x 5: FAQ, status, hand-off): {result.summary()}")
    return result.summary()


def memory(name: str, procs: dict[str, subprocess.Popen[bytes]]) -> str:
    total = 0.0
    parts = []
    for proc_name, proc in sorted(procs.items()):
        mb = peak_memory_mb(proc.pid)
        total += mb
        parts.append(f"{proc_name} {mb:.0f}")
    print(f"{name}: peak memory {total:.0f} MB ({', '.join(parts)} MB)")
    return f"{total:.0f} MB"


def machine_probe() -> str:
    """How fast this machine is right now: the same pure-Python loop each time. On a shared virtual
    machine the same code measured a third slower or faster from hour to hour; this tells runs apart."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - t)
    return f"machine probe: a fixed Python loop took {best * 1000:.0f} ms (lower is faster)"


def bench_stacks(args: argparse.Namespace) -> int:
    """Starts the default stack, then the cluster, on ports of their own, and measures both."""
    from cluster import Cluster
    from stack import API_PY, Stack

    base = ROOT / "var" / "bench"
    rows = []
    setups: list[tuple[str, Stack]] = []
    for name in args.setups:
        var = base / name
        shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True)
        (var / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
        env = {"CA_CANDIDATE_TOKEN_SECRET": BENCH_SECRET, **NO_LIMITS}
        if name == "default":
            setups.append((name, Stack(api_port=8500, rasa_port=5505, actions_port=5555, var_dir=var, extra_env=env)))
        else:
            cluster = Cluster(
                api_port=8600, actions_port=5655, api_ports=(8601, 8602), rasa_ports=(5605, 5606),
                action_ports=(5656, 5657), postgres_port=5733, redis_port=6680, var_dir=var, extra_env=env,
            )  # fmt: skip
            setups.append((name, cluster))

    def api_command(stack: Stack, *module_and_args: str) -> None:
        """One of the API's commands, run to its end with the set-up's settings."""
        subprocess.run(
            [str(API_PY), "-m", *module_and_args], env=stack.env(), cwd=ROOT, check=True, capture_output=True
        )

    print(machine_probe(), flush=True)
    for name, stack in setups:
        print(f"starting the {name} set-up ...", flush=True)
        try:
            if name == "default":
                api_command(stack, "api.status", "seed")
            if not args.cold_start:
                # As `make run` and `make run-cluster` do (`make index` first): the index, its vectors and
                # its models are built before the servers start, by a process that is over by then.
                api_command(stack, "api.knowledge", "build")
                built = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(f"{name}: index built first (as `make index`); the build's peak {built:.0f} MB", flush=True)
            stack.start()
            stack.wait_ready(timeout=300)
            row = measure(
                name,
                stack.api_url,
                args.sequential if name == "default" else 0,
                args.concurrency,
                args.seconds,
                stack.procs,
            )
            if isinstance(stack, Cluster):
                database = stack.database_url
                tracker = f"postgresql+psycopg://postgres@127.0.0.1:{stack.postgres_port}/rasa"
            else:
                database = f"sqlite:///{stack.var_dir / 'api.db'}"
                tracker = f"sqlite:///{stack.var_dir / 'rasa' / 'tracker.db'}"
            row["load mix"] = load_mix(name, stack.api_url, database, tracker)
            row["peak memory"] = memory(name, stack.procs)
            rows.append(row)
        finally:
            stack.stop()
            if isinstance(stack, Cluster):
                stack.remove_data()
    print()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(row.get(c, "") for c in columns) + " |")
    print(machine_probe())
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="measure an already running stack instead of starting the default and the cluster")
    ap.add_argument("--sequential", type=int, default=200)
    ap.add_argument(
        "--cold-start",
        action="store_true",
        help="start the servers on an empty index (they embed and fit at start) instead of building it first",
    )
    ap.add_argument("--concurrency", type=int, nargs="+", default=[20, 100])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--setups", nargs="+", choices=["default", "cluster"], default=["default", "cluster"])
    ap.add_argument(
        "--insights",
        action="store_true",
        help="only the insights dashboard's data on 100,000 generated conversations (scripts/bench_insights.py)",
    )
    ap.add_argument("--jobs", action="store_true", help="only the job search bench (scripts/bench_jobs.py)")
    args = ap.parse_args()
    if args.insights:
        import bench_insights

        return bench_insights.main([])
    if args.jobs:
        import bench_jobs

        return bench_jobs.main([])
    if args.url:
        measure("running stack", args.url, args.sequential, args.concurrency, args.seconds)
        return 0
    return bench_stacks(args)


if __name__ == "__main__":
    raise SystemExit(main())
