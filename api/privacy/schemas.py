"""Response models of the privacy endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErasureOut(BaseModel):
    conversations: int = Field(description="Conversations removed from the service tier's database")
    messages: int = Field(description="Transcript messages removed (candidate, bot and staff turns)")
    feedback: int = Field(description="Ratings removed")
    tracker_events: int = Field(description="Events removed from Rasa's tracker store")
