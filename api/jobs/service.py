"""Holds the live job index of this process: reloads it when the job set changes (an import by the
command line or another instance), and refreshes the configured feed by itself.

The index is replaced by assignment: a search in flight keeps the index it started with."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field

from api.config import Settings
from api.jobs import store
from api.jobs.adapters import FeedError, parse
from api.jobs.feed import fetch
from api.jobs.search import JobIndex, build_index
from api.knowledge.embedder import Embedder

log = logging.getLogger(__name__)


@dataclass
class JobService:
    settings: Settings
    embedder: Embedder
    index: JobIndex
    _reload_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, settings: Settings, embedder: Embedder) -> JobService:
        version, jobs = store.load_all()
        return cls(settings, embedder, build_index(version, jobs, embedder))

    def reload_if_changed(self) -> bool:
        with self._reload_lock:
            if store.versions() == self.index.version:
                return False
            version, jobs = store.load_all()
            self.index = build_index(version, jobs, self.embedder)
        log.info("job set version changed: %d jobs now", len(self.index.jobs))
        return True

    @property
    def feed_source(self) -> str:
        return self.settings.jobs_feed_source or "feed"

    def refresh_feed(self) -> store.Diff | None:
        """Fetch the configured feed (conditionally) and import it; None when it had not changed.
        A feed that cannot be fetched or read raises FeedError and leaves the jobs as they are."""
        s = self.settings
        etag, last_modified = store.feed_state(self.feed_source)
        fetched = fetch(s.jobs_feed_url, s.jobs_feed_timeout_seconds, etag, last_modified)
        if fetched.content is None:
            store.set_version_checked(self.feed_source)
            return None
        _, postings = parse(fetched.content, s.jobs_feed_format or None)
        diff = store.import_postings(
            postings,
            self.feed_source,
            self.embedder,
            replace_all=not s.jobs_feed_source,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        self.reload_if_changed()
        return diff

    async def watch(self) -> None:
        """Reload on every change of the job set (runs until cancelled)."""
        while True:
            await asyncio.sleep(self.settings.jobs_reload_seconds)
            try:
                await asyncio.to_thread(self.reload_if_changed)
            except Exception:  # a failed reload must not stop the watch; the current index keeps serving
                log.exception("job index reload failed; the current jobs keep serving")

    async def refresh_periodically(self) -> None:
        while True:
            try:
                diff = await asyncio.to_thread(self.refresh_feed)
                log.info("job feed refreshed: %s", diff if diff else "not modified")
            except FeedError as exc:
                log.warning("job feed not imported (%s); the current jobs keep serving", exc)
            except Exception:
                log.exception("job feed refresh failed; the current jobs keep serving")
            await asyncio.sleep(self.settings.jobs_feed_refresh_seconds)
