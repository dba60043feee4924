"""A bounded load test with a realistic mix of traffic, and a check that nothing was lost.

  python scripts/load.py --url URL --secret CANDIDATE_TOKEN_SECRET --database URL --tracker URL
                         [--conversations 100] [--messages 5]

Every conversation sends a fixed number of messages, one after the other, and all conversations
run at once; it stops by itself (a fixed count, and a time limit). The mix, by conversation:
7 in 10 ask hiring questions (with short follow-ups), 2 in 10 are signed-in candidates asking for
their application status, 1 in 10 asks for a person and keeps writing while waiting (the bot stays
silent and stores every message). Afterwards it reads the service tier's database and Rasa's tracker
store: every message must be stored exactly once, in order, in the transcript, and every message
sent while the bot had the conversation exactly once in the tracker. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAQ = [
    ["How many steps are in the hiring process?", "What is the first one?", "thanks!"],
    ["How long does the work style assessment take?", "And the work sample simulation?"],
    ["What does a bar raiser do?", "Are the interviews virtual?", "What is the STAR method?"],
    ["Can I apply to more than one job?", "Where can I see the status of my application?"],
    ["When will I hear back after my phone interview?", "Will there be brain teasers?"],
    ["I work for the government, what should I know?", "what's the salary for this role?"],
]
STATUS = ["hi", "where is my application?", "thanks", "what happens in the interview loop?"]
HANDOFF = ["What is the dress code?", "I'd like to talk to a person", "Are you there?", "It's about my interview date"]
CANDIDATES = ["demo-ana", "demo-ben", "demo-cara"]


@dataclass
class Conversation:
    id: str
    kind: str  # faq | status | handoff
    token: str | None
    messages: list[str]
    sent: list[str] = field(default_factory=list)  # answered with 200, in order
    to_bot: list[str] = field(default_factory=list)  # of those, sent while the bot had the conversation


@dataclass
class Result:
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
        return (
            f"{self.sent} messages in {self.seconds:.1f} s ({self.sent / max(self.seconds, 1e-9):.1f}/s), "
            f"p50 {statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, {len(self.errors)} errors, "
            f"{len(self.lost)} lost, {len(self.duplicated)} duplicated"
        )


def plan(conversations: int, messages: int, secret: str) -> list[Conversation]:
    from api.config import Settings
    from api.tokens import issue

    settings = Settings(candidate_token_secret=secret)
    out = []
    for n in range(conversations):
        cid = f"load-{uuid.uuid4().hex[:10]}"
        if n % 10 in (3, 7):
            token = issue(settings, CANDIDATES[n % len(CANDIDATES)], 30)
            out.append(Conversation(cid, "status", token, [STATUS[i % len(STATUS)] for i in range(messages)]))
        elif n % 10 == 5:
            out.append(Conversation(cid, "handoff", None, [HANDOFF[min(i, len(HANDOFF) - 1)] for i in range(messages)]))
        else:
            script = [q for q in FAQ[n % len(FAQ)]] * messages
            out.append(Conversation(cid, "faq", None, script[:messages]))
    return out


async def drive(url: str, convs: list[Conversation], time_limit: float, result: Result) -> None:
    # Idle connections dropped well before the server closes them (a client's good manners).
    limits = httpx.Limits(max_connections=len(convs), max_keepalive_connections=len(convs), keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:

        async def talk(conv: Conversation) -> None:
            mode = "bot"
            for message in conv.messages:
                headers = {"Authorization": f"Bearer {conv.token}"} if conv.token else {}
                started = time.perf_counter()
                try:
                    r = await http.post(
                        "/api/chat", json={"conversation_id": conv.id, "message": message}, headers=headers
                    )
                except httpx.HTTPError as exc:
                    result.errors.append(f"{conv.id}: {type(exc).__name__}")
                    return
                result.latencies.append((time.perf_counter() - started) * 1000)
                if r.status_code != 200:
                    result.errors.append(f"{conv.id}: HTTP {r.status_code} {r.text[:120]}")
                    return
                body = r.json()
                if any(reply["kind"] == "error" for reply in body["replies"]):
                    result.errors.append(f"{conv.id}: kind error for {message!r}")
                conv.sent.append(message)
                if mode == "bot":
                    conv.to_bot.append(message)
                mode = body["mode"]
                result.sent += 1

        await asyncio.wait_for(asyncio.gather(*(talk(c) for c in convs)), timeout=time_limit)


def _user_texts(rows: list[tuple[str, str]]) -> list[str]:
    return [json.loads(data).get("text", "") for kind, data in rows if kind == "user"]


def verify(convs: list[Conversation], database_url: str, tracker_url: str, result: Result) -> None:
    api_db = create_engine(database_url)
    tracker = create_engine(tracker_url)
    with api_db.connect() as a, tracker.connect() as t:
        for conv in convs:
            stored = a.execute(
                text("SELECT text FROM messages WHERE conversation_id = :c AND sender = 'candidate' ORDER BY id"),
                {"c": conv.id},
            ).scalars().all()  # fmt: skip
            said = _user_texts(
                t.execute(
                    text("SELECT type_name, data FROM events WHERE sender_id = :c ORDER BY id"), {"c": conv.id}
                ).all()
            )
            for name, expected, got in (("transcript", conv.sent, stored), ("tracker", conv.to_bot, said)):
                missing, extra = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
                result.lost += [f"{conv.id} {name}: {m!r}" for m in missing.elements()]
                result.duplicated += [f"{conv.id} {name}: {m!r}" for m in extra.elements()]
                if not missing and not extra and got != expected:
                    result.lost.append(f"{conv.id} {name}: stored out of order")
    api_db.dispose()
    tracker.dispose()


def run(
    url: str, secret: str, database_url: str, tracker_url: str, conversations: int = 100, messages: int = 5,
    time_limit: float = 300.0,
) -> Result:  # fmt: skip
    convs = plan(conversations, messages, secret)
    result = Result()
    started = time.perf_counter()
    # In a thread of its own: a caller may already run an event loop (pytest-playwright does).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, drive(url, convs, time_limit, result)).result()
    result.seconds = time.perf_counter() - started
    verify(convs, database_url, tracker_url, result)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--secret", required=True, help="the candidate-token secret the API was given")
    ap.add_argument("--database", required=True, help="the service tier's SQLAlchemy URL")
    ap.add_argument("--tracker", required=True, help="Rasa's tracker store as an SQLAlchemy URL")
    ap.add_argument("--conversations", type=int, default=100)
    ap.add_argument("--messages", type=int, default=5)
    args = ap.parse_args()
    result = run(args.url, args.secret, args.database, args.tracker, args.conversations, args.messages)
    print(result.summary())
    for line in (result.errors + result.lost + result.duplicated)[:20]:
        print("  " + line)
    return 0 if not (result.errors or result.lost or result.duplicated) else 1


if __name__ == "__main__":
    raise SystemExit(main())
