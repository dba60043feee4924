"""Request and response models of the hand-off endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from api.limits import HAS_TEXT, CleanText, has_text


class HandoffRequest(BaseModel):
    conversation_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    candidate_id: CleanText | None = Field(None, max_length=64)


class HandoffOut(BaseModel):
    mode: Literal["bot", "waiting", "human"]
    position: int = Field(description="Place in the queue, 1 = next; 0 when not waiting")
    on_duty: bool


class QueueItem(BaseModel):
    conversation_id: str
    mode: Literal["waiting", "human"]
    claimed_by: str | None
    waiting_seconds: int
    candidate_id: str | None = Field(description="Verified candidate id, when the candidate was signed in")
    offline: bool = Field(description="Asked outside staff hours: reply by email")
    contact_email: str | None
    last_question: str | None
    last_bot_answer: str | None
    last_bot_sources: list[dict[str, Any]]
    title: str = Field(description="For people: 'Candidate <id>' when signed in, else the first question")
    last_activity: dt.datetime = Field(description="UTC; the queue is sorted by it, newest first")
    unread: int = Field(description="The candidate's messages since the team last wrote (or since it was queued)")

    @field_validator("last_activity")
    @classmethod
    def _in_utc(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class ClosedItem(BaseModel):
    conversation_id: str
    title: str
    candidate_id: str | None
    last_activity: dt.datetime
    match: str | None = Field(description="The first message holding the words searched for")

    @field_validator("last_activity")
    @classmethod
    def _in_utc(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class SavedReplyIn(BaseModel):
    title: CleanText = Field(min_length=1, max_length=80, json_schema_extra={"pattern": HAS_TEXT})
    text: CleanText = Field(min_length=1, max_length=2000, json_schema_extra={"pattern": HAS_TEXT})

    @field_validator("title", "text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not has_text(value):
            raise ValueError("is empty; type something")
        return value.strip()


class SavedReplyOut(BaseModel):
    id: int
    title: str
    text: str
    created_by: str


class MessageOut(BaseModel):
    id: int
    sender: Literal["candidate", "bot", "staff"]
    kind: str
    text: str
    staff_username: str | None
    sources: list[dict[str, Any]] = []
    buttons: list[dict[str, Any]] = Field(default=[], description="The options offered (a 'did you mean')")
    created_at: dt.datetime = Field(description="UTC")

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: dt.datetime) -> dt.datetime:
        # Stored without a zone (SQLite keeps none) but always UTC: the document promises an RFC 3339
        # date-time, which needs the offset.
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class TranscriptOut(BaseModel):
    conversation_id: str
    title: str = Field(description="'Candidate <id>' when signed in, else the first question")
    mode: Literal["bot", "waiting", "human"]
    claimed_by: str | None
    candidate_id: str | None
    contact_email: str | None
    messages: list[MessageOut]


class StaffMessageIn(BaseModel):
    # The pattern documents what the validator below enforces (as the chat's message does).
    text: CleanText = Field(min_length=1, max_length=2000, json_schema_extra={"pattern": HAS_TEXT})

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        # Spaces or invisible characters alone were stored, and shown to the candidate, as an empty reply.
        if not has_text(value):
            raise ValueError("the message is empty; type a reply")
        return value
