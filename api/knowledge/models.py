"""Stored vectors of the questions the assistant could not answer, so the writers' report embeds each once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.clock import utcnow
from api.orm import Base


class QuestionVector(Base):
    """The vector of one candidate message that the bot answered with a fallback.

    Kept per message, not per text, so that erasing or purging a conversation removes exactly its
    vectors (api/privacy/service.py deletes them; the foreign key's cascade is a second line).
    """

    __tablename__ = "question_vectors"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    # The embedder and how much text it was given: a vector made otherwise is computed again.
    model: Mapped[str] = mapped_column(String(128))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, unit length


class DismissedQuestion(Base):
    """An unanswered question a writer dealt with (dismissed, or answered by a section): it leaves the
    report. Kept per message, never as text, so erasure removes it with the message (api/privacy)."""

    __tablename__ = "dismissed_questions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    dismissed_by: Mapped[str] = mapped_column(String(64))
    # The section id ("<doc>#<heading>") whose example questions the wording was added to, if any.
    answered_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
