"""Request and response models of the /api/conversations endpoints."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field

# A conversation's id in a path (the chat page makes it up; the gateway's ChatRequest has the same pattern).
ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class HistoryItem(BaseModel):
    id: int
    sender: Literal["candidate", "bot", "staff"]
    kind: str
    text: str
    buttons: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    helpful: bool | None = Field(default=None, description="The candidate's rating of this answer, if any")
    jobs: list[dict[str, Any]] = []


class HistoryOut(BaseModel):
    conversation_id: str
    mode: Literal["bot", "waiting", "human"]
    messages: list[HistoryItem]


class FeedbackIn(BaseModel):
    message_id: int = Field(ge=1, le=2_147_483_647)  # the id column is a 32-bit integer on PostgreSQL
    helpful: bool
