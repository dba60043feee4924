"""Prometheus metrics of the service tier (GET /metrics, api/system/metrics.py): what the chat path
counts as it goes, kept cheap (a counter increment is a lock and an addition in prometheus-client).

Several uvicorn workers on one host share their counters when PROMETHEUS_MULTIPROC_DIR names an
empty directory before they start (prometheus-client's own convention: it must be known before the
first metric is made, so it is an environment variable rather than a CA_* setting). Separate API
instances (the cluster, pods) are scraped one by one instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import REGISTRY, Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The reply kinds of the chat contract (api/chat/schemas.py ReplyKind): the labels are fixed
# in advance, so a dashboard shows zeros rather than gaps.
REPLY_KINDS = ("answer", "clarify", "fallback", "chitchat", "verify", "status", "handoff", "human", "error")
REJECTED_STATUSES = frozenset({413, 422, 429, 503})

CHAT_MESSAGES = Counter(
    "assistant_chat_messages", "Candidate messages accepted by POST /api/chat (stored; retries not counted again)"
)
REPLIES = Counter("assistant_replies", "Replies returned by POST /api/chat, by kind", ["kind"])
CHAT_SECONDS = Histogram(
    "assistant_chat_seconds",
    "Latency of POST /api/chat, every outcome",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DIALOGUE_SECONDS = Histogram(
    "assistant_dialogue_seconds",
    "Time a candidate message spent in the dialogue tier (Rasa and its actions), queueing included",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SEARCH_SECONDS = Histogram(
    "assistant_search_seconds",
    "Time of a knowledge search (POST /api/internal/search)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
HANDOFFS = Counter(
    "assistant_handoffs",
    "Conversations handed to a person, by whether staff were on duty",
    ["hours"],
)
FEEDBACK = Counter("assistant_feedback", "Candidates' ratings of answers", ["rating"])
REJECTED = Counter("assistant_rejected_requests", "Requests refused, by status (413, 422, 429, 503)", ["reason"])

for _hours in ("on_duty", "off_duty"):
    HANDOFFS.labels(_hours)
for _rating in ("up", "down"):
    FEEDBACK.labels(_rating)
for _status in sorted(REJECTED_STATUSES):
    REJECTED.labels(str(_status))


_REPLY_CHILDREN = {kind: REPLIES.labels(kind) for kind in REPLY_KINDS}


def reply_counted(kind: str) -> None:
    """One reply returned (the children are looked up once: no label lock per reply)."""
    child = _REPLY_CHILDREN.get(kind)
    (child or REPLIES.labels(kind)).inc()


def multiprocess() -> bool:
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ


def worker_stopped() -> None:
    """A worker's live files stop counting once it is gone (gauges of live processes)."""
    if multiprocess():
        mark_process_dead(os.getpid())


class State(Collector):
    """What is read at scrape time rather than counted: the hand-off queue and the index."""

    def __init__(self, waiting: int | None, sections: int | None, version: str | None) -> None:
        self.waiting, self.sections, self.version = waiting, sections, version

    def collect(self) -> Iterator[Metric]:
        if self.waiting is not None:
            yield GaugeMetricFamily(
                "assistant_queue_waiting", "Conversations waiting for a person now", value=self.waiting
            )
        if self.sections is not None:
            yield GaugeMetricFamily(
                "assistant_knowledge_sections",
                "Sections in the knowledge index this process serves",
                value=self.sections,
            )
        if self.version is not None:
            yield InfoMetricFamily(
                "assistant_knowledge_index", "The knowledge index this process serves", value={"version": self.version}
            )


def render(state: State) -> bytes:
    """The text format: the counters (of every worker, in multiprocess mode) and the state read now."""
    if multiprocess():
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    now = CollectorRegistry()
    now.register(state)
    return generate_latest(counted) + generate_latest(now)


class RejectedRequests:
    """Counts the answers 413, 422, 429 and 503, whichever part of the app gave them (the body-size
    guard, validation, rate limits, a busy dialogue tier or database): one look at each response's
    status, nothing more."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in REJECTED_STATUSES:
                REJECTED.labels(str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)
