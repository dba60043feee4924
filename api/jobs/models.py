"""The job set (every source's postings, with their vectors) and each source's feed state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.orm import Base


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_source", "source"),)

    # "<source>:<the feed's id>": ids of different feeds never collide.
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    locations: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of place names
    team: Mapped[str] = mapped_column(String(200), default="")
    employment_type: Mapped[str] = mapped_column(String(20), default="OTHER")
    workplace: Mapped[str] = mapped_column(String(10), default="unknown")
    description: Mapped[str] = mapped_column(Text, default="")
    apply_url: Mapped[str] = mapped_column(String(2000), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # What the vector was made from: an unchanged job is not embedded again on the next import.
    content_hash: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128), default="")
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # float32, unit length
    # When this service first saw the job: the talent community's digest sends jobs new since the last one.
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobFeed(Base):
    """One source's last import: its version (every API process reloads when it changes) and the
    validators of a fetched feed (ETag / Last-Modified) for the next conditional request."""

    __tablename__ = "job_feeds"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
