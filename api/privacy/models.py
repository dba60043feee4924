"""The erasure audit: that an erasure or purge happened, by whom and how much it removed; never what."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.clock import utcnow
from api.orm import Base


class Erasure(Base):
    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # a staff username, "cli" or "retention"
    kind: Mapped[str] = mapped_column(String(16))  # conversation | candidate | email | retention
    # HMAC of the erased subject's id (Settings.audit_key): recomputable from an id, not reversible.
    subject_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    conversations: Mapped[int] = mapped_column(Integer, default=0)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    feedback: Mapped[int] = mapped_column(Integer, default=0)
    tracker_events: Mapped[int] = mapped_column(Integer, default=0)
