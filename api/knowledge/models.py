"""Stored vectors of the questions the assistant could not answer, so the writers' report embeds each once."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

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
