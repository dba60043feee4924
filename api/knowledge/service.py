"""Holds the live knowledge index and answers questions from it.

The index is replaced by assigning a new object: a question in flight keeps the reference it
started with, so it sees the old or the new index, never a half-built one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from api.config import Settings
from api.knowledge.embedder import Embedder, PrefetchingEmbedder, create_embedder
from api.knowledge.index import KnowledgeIndex, build_index
from api.knowledge.insight import UnansweredReport
from api.knowledge.search import Decision, Params, Passage, decide, looks_like_follow_up, rank, search_text

log = logging.getLogger(__name__)


@dataclass
class KnowledgeService:
    settings: Settings
    embedder: Embedder
    index: KnowledgeIndex
    _rebuild: threading.Lock = field(default_factory=threading.Lock)
    # Called (from the rebuilding thread) when a reload produced a new version: the API tells the
    # other instances, which then reload too (see api.handoff.broker).
    on_new_version: Callable[[KnowledgeIndex], None] | None = None
    # The writers' report of unanswered questions, kept between requests (see UnansweredReport).
    unanswered: UnansweredReport = field(default_factory=UnansweredReport)

    def reload(self) -> KnowledgeIndex:
        """Re-read knowledge/, embed only what changed, and swap the new index in at once."""
        with self._rebuild:  # one rebuild at a time; questions keep using the current index meanwhile
            index = build_index(
                self.settings.knowledge_dir, self.settings.index_dir, self.embedder, self.settings.nlu_data
            )
            for problem in index.problems:
                log.warning("knowledge problem: %s", problem)
            changed = index.version != self.index.version
            self.index = index
        if changed and self.on_new_version:
            self.on_new_version(index)
        return index

    async def watch(self) -> None:
        """Reload whenever a file under knowledge/ is added, changed or deleted (runs until cancelled)."""
        from watchfiles import awatch

        async for changes in awatch(self.settings.knowledge_dir, debounce=300, step=50, recursive=True):
            log.info("knowledge/ changed (%d file events); rebuilding the index", len(changes))
            try:
                await asyncio.to_thread(self.reload)
            except Exception:  # a rebuild failure must not stop the watcher; the old index keeps serving
                log.exception("knowledge rebuild failed; the previous index keeps serving")

    @classmethod
    def start(cls, settings: Settings) -> KnowledgeService:
        embedder = PrefetchingEmbedder(create_embedder(settings.embedder, settings.var_dir / "models"))
        index = build_index(settings.knowledge_dir, settings.index_dir, embedder, settings.nlu_data)
        for problem in index.problems:
            log.warning("knowledge problem: %s", problem)
        return cls(settings, embedder, index)

    @property
    def params(self) -> Params:
        s = self.settings
        return Params(
            s.bm25_weight,
            s.answer_threshold,
            s.combine_margin,
            s.clarify_margin,
            s.clarify_ceiling,
            s.whole_doc_chars,
            s.uncovered_override,
            s.sentence_weight,
            s.example_weight,
            s.refuse_above,
            s.refuse_above_when_flagged,
        )

    @staticmethod
    def _effective(query: str, previous: str | None) -> str:
        """A short follow-up is searched together with the question before it."""
        return f"{previous} {query}" if previous and looks_like_follow_up(query) else query

    def ask(
        self, query: str, previous: str | None = None, likely_uncovered: bool = False, qvec: np.ndarray | None = None
    ) -> Decision:
        index = self.index
        effective = self._effective(query, previous)
        params = self.params
        if qvec is None:
            qvec = self.embedder.encode([search_text(index, effective)])
        ranked = rank(
            index,
            self.embedder,
            effective,
            params.bm25_weight,
            sentence_weight=params.sentence_weight,
            qvec=qvec,
            example_weight=params.example_weight,
        )
        uncovered = index.coverage.uncovered(qvec) if index.coverage is not None else None
        decision = decide(ranked, params, index.doc_sections, likely_uncovered, uncovered)
        decision.query = effective
        return decision

    @contextmanager
    def prefetching(self, message: str, conversation: str) -> Iterator[None]:
        """While the dialogue tier handles a conversation's message, its vector may be computed ahead
        of its search (see PrefetchingEmbedder); once the turn is over, a vector not taken is dropped."""
        # "/..." is a button's payload, which names its section and is never embedded. A message that
        # looks like a follow-up is searched together with the question before it, if any, which the
        # gateway does not know; and short messages of that shape are mostly "hi there" or "thanks",
        # never searched at all. They are embedded if and when the search asks (a quarter of the
        # model's work in the bench's mix was otherwise thrown away).
        embedder = self.embedder
        if (
            not isinstance(embedder, PrefetchingEmbedder)
            or not message.strip()
            or message.startswith("/")
            or looks_like_follow_up(message)
        ):
            yield
            return
        text = search_text(self.index, message)
        embedder.prefetch(text, conversation)
        try:
            yield
        finally:
            embedder.forget(text, conversation)

    def section(self, section_id: str) -> Passage | None:
        sec = self.index.by_id.get(section_id)
        return Passage.of(sec, 1.0, 1.0) if sec else None

    async def ask_async(
        self, query: str, previous: str | None = None, likely_uncovered: bool = False, conversation: str = ""
    ) -> Decision:
        """`ask`, for the event loop; `conversation` finds the vector prefetched for its message."""
        embedder = self.embedder
        if isinstance(embedder, PrefetchingEmbedder):
            # The vector comes from the embedder's own thread; the ranking that is left (well under a
            # millisecond) runs here, cheaper than a hop to a thread that would only wait.
            future = embedder.take(search_text(self.index, self._effective(query, previous)), conversation)
            qvec = future.result() if future.done() else await asyncio.wrap_future(future)
            return self.ask(query, previous, likely_uncovered, qvec=qvec)
        # Embedding is CPU work; keep it off the event loop so health checks and chat I/O stay responsive.
        return await asyncio.to_thread(self.ask, query, previous, likely_uncovered)
