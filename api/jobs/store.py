"""The job set in the service tier's database: a feed's import replaces a source's jobs in one
transaction (readers see the old set or the new one), embedding only new and changed jobs."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update

from api.db import session_scope
from api.jobs.models import Job, JobFeed
from api.jobs.postings import JobPosting
from api.knowledge.embedder import Embedder

log = logging.getLogger(__name__)

EMBED_BATCH = 256
SNIPPET_CHARS = 400
DEMO_SOURCE = "demo"


@dataclass(frozen=True)
class Diff:
    added: int
    changed: int
    removed: int
    embedded: int  # distinct texts embedded

    def __str__(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


def embed_text(p: JobPosting) -> str:
    """What a job's vector is made of: its title and team, which decide a role search ("data
    engineer", "security"); the description's words count in the keyword score. A few tokens each:
    with 30 words of the description too, embedding cost 5x more (under 100 jobs a second here)."""
    return ". ".join(x for x in (p.title, p.team) if x)


def job_id(source: str, posting_id: str) -> str:
    return f"{source}:{posting_id}"


def _row(p: JobPosting, content_hash: str, source: str, model: str, vector: np.ndarray) -> dict[str, Any]:
    return {
        "id": job_id(source, p.id),
        "source": source,
        "title": p.title[:500],
        "locations": json.dumps(list(p.locations)),
        "team": p.team[:200],
        "employment_type": p.employment_type,
        "workplace": p.workplace,
        "description": p.description,
        "apply_url": p.apply_url[:2000],
        "url": p.url[:2000],
        "posted_at": p.posted_at,
        "updated_at": p.updated_at,
        "content_hash": content_hash,
        "model": model,
        "vector": np.asarray(vector, dtype=np.float32).tobytes(),
    }


def import_postings(
    postings: Sequence[JobPosting],
    source: str,
    embedder: Embedder,
    *,
    replace_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
    etag: str = "",
    last_modified: str = "",
) -> Diff:
    """Replace the jobs of `source` (with `replace_all`, of every source) by `postings`.

    Embedding happens before the one writing transaction, so the database holds the old set until
    the new one is complete. `progress(n, total)` is called as each batch of n of the total distinct texts is embedded."""
    now = datetime.now(UTC)
    with session_scope() as session:
        query = select(Job.id, Job.content_hash, Job.model)
        if not replace_all:
            query = query.where(Job.source == source)
        existing = {r.id: (r.content_hash, r.model) for r in session.execute(query)}
    new = {job_id(source, p.id): p for p in postings}
    hashes = {k: p.content_hash() for k, p in new.items()}
    added = [k for k in new if k not in existing]
    changed = [k for k in new if k in existing and existing[k][0] != hashes[k]]
    stale = [k for k in new if k in existing and existing[k][0] == hashes[k] and existing[k][1] != embedder.name]
    removed = [k for k in existing if k not in new]
    to_embed = added + changed + stale
    # A feed repeats a title and team in many places: each distinct text is embedded once.
    texts = [embed_text(new[k]) for k in to_embed]
    # Shortest first: a batch is padded to its longest text, so similar lengths together waste less.
    distinct = sorted(dict.fromkeys(texts), key=len)
    vector_of: dict[str, np.ndarray] = {}
    for start in range(0, len(distinct), EMBED_BATCH):
        batch = distinct[start : start + EMBED_BATCH]
        vector_of.update(zip(batch, embedder.encode(batch), strict=True))
        if progress:
            progress(len(batch), len(distinct))
    rows = {k: _row(new[k], hashes[k], source, embedder.name, vector_of[texts[i]]) for i, k in enumerate(to_embed)}
    with session_scope() as session:
        for start in range(0, len(removed), 500):
            session.execute(delete(Job).where(Job.id.in_(removed[start : start + 500])))
        if added:
            session.execute(insert(Job), [{**rows[k], "first_seen": now} for k in added])
        if changed or stale:
            session.execute(update(Job), [rows[k] for k in changed + stale])
        if replace_all:
            session.execute(delete(JobFeed).where(JobFeed.source != source))
        feed = session.get(JobFeed, source)
        version = uuid.uuid4().hex if (added or changed or removed or stale or feed is None) else feed.version
        if feed is None:
            session.add(
                JobFeed(source=source, version=version, etag=etag, last_modified=last_modified, imported_at=now)
            )
        else:
            feed.version, feed.etag, feed.last_modified, feed.imported_at = version, etag, last_modified, now
    return Diff(len(added), len(changed), len(removed), len(distinct))


def feed_state(source: str) -> tuple[str, str]:
    """(ETag, Last-Modified) of the source's last fetched feed, for a conditional request."""
    with session_scope() as session:
        feed = session.get(JobFeed, source)
        return (feed.etag, feed.last_modified) if feed else ("", "")


def set_version_checked(source: str) -> None:
    with session_scope() as session:
        feed = session.get(JobFeed, source)
        if feed is not None:
            feed.imported_at = datetime.now(UTC)


def versions() -> str:
    """One string that changes whenever any source's jobs change (cheap: polled by every API process)."""
    with session_scope() as session:
        rows = session.execute(select(JobFeed.source, JobFeed.version).order_by(JobFeed.source)).all()
    return ";".join(f"{s}={v}" for s, v in rows)


def job_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Job)).scalar_one())


@dataclass(frozen=True)
class StoredJob:
    id: str
    title: str
    locations: tuple[str, ...]
    team: str
    employment_type: str
    workplace: str
    snippet: str
    apply_url: str
    url: str
    posted_at: datetime | None
    model: str
    vector: bytes | None


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives back the UTC times it was given without their zone; the API answers RFC 3339."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def load_all() -> tuple[str, list[StoredJob]]:
    """(version, every job) in one read transaction, with the start of each description only."""
    with session_scope() as session:
        rows = session.execute(select(JobFeed.source, JobFeed.version).order_by(JobFeed.source)).all()
        version = ";".join(f"{s}={v}" for s, v in rows)
        jobs = [
            StoredJob(
                r.id,
                r.title,
                tuple(json.loads(r.locations or "[]")),
                r.team,
                r.employment_type,
                r.workplace,
                r.snippet or "",
                r.apply_url,
                r.url,
                _utc(r.posted_at),
                r.model,
                r.vector,
            )
            for r in session.execute(
                select(
                    Job.id,
                    Job.title,
                    Job.locations,
                    Job.team,
                    Job.employment_type,
                    Job.workplace,
                    func.substr(Job.description, 1, SNIPPET_CHARS).label("snippet"),
                    Job.apply_url,
                    Job.url,
                    Job.posted_at,
                    Job.model,
                    Job.vector,
                ).order_by(Job.id)
            )
        ]
    return version, jobs
