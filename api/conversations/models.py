"""Conversations and their full transcripts (candidate, bot and staff turns), kept by the service tier."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.clock import utcnow
from api.orm import Base


class Conversation(Base):
    __tablename__ = "conversations"
    # The insights dashboard counts conversations by when they started (migration 0007).
    __table_args__ = (Index("ix_conversations_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default="bot")  # bot | waiting | human
    candidate_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    queued_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)  # asked outside staff hours
    contact_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    unhelpful_streak: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        # A retried message (same client id) is stored once: of two copies arriving at once, the second
        # insert fails here and that request answers with the first's replies. NULLs never collide.
        Index("ix_messages_client_message_id", "conversation_id", "client_message_id", unique=True),
        # The insights dashboard's aggregates by time (api/conversations/stats.py, migration 0007).
        Index("ix_messages_sender_created_at_kind", "sender", "created_at", "kind"),
        Index("ix_messages_kind_created_at", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # candidate | bot | staff
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    extra: Mapped[str] = mapped_column(Text, default="{}")  # buttons and sources, as JSON
    staff_username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Messages that reach the candidate outside a /api/chat response (staff replies, the greeting
    # after hand-back) stay undelivered until a /api/chat response has carried them too.
    pushed: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The candidate's messages only: the id the client gave the message (api/chat/schemas.py).
    client_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Feedback(Base):
    """A candidate's rating of one bot answer."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[int] = mapped_column(Integer, unique=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    question: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[str] = mapped_column(Text, default="[]")
    index_version: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class HourlyCount(Base):
    """The insights dashboard's rollup (api/conversations/rollup.py): how many conversations started,
    candidate messages and bot replies of each kind there were in one closed hour (UTC). Counts only:
    no conversation id, no text; an erased conversation's share is taken out again."""

    __tablename__ = "hourly_counts"

    hour: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)  # conversations | messages | replies
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # a reply's kind; "" for the others
    count: Mapped[int] = mapped_column(Integer)


class RollupState(Base):
    """One row: the hours [rolled_from, rolled_until) are in hourly_counts. `generation` moves with every
    erasure, so a rollup computed while one ran is not stored (rollup.py)."""

    __tablename__ = "rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rolled_from: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    rolled_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
