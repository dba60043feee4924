"""The insights dashboard's data: counts and shares only, never message text, tokens or emails."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Period = Literal["today", "7d", "30d", "custom"]
BucketSize = Literal["hour", "day"]


class PeriodOut(BaseModel):
    period: Period
    start: str = Field(description="First moment of the period (UTC, ISO 8601)")
    end: str = Field(description="End of the period, excluded (UTC, ISO 8601)")
    bucket: BucketSize
    timezone: str = "UTC"


class TimelinePoint(BaseModel):
    bucket: str = Field(description="YYYY-MM-DD HH:00 (hours) or YYYY-MM-DD (days), UTC")
    conversations: int = Field(description="Conversations started")
    messages: int = Field(description="Candidate messages")
    handed_off: int = Field(description="Conversations started then that were handed to a person")
    containment: float | None = Field(description="Share of those conversations that never needed a person")


class ReplyShare(BaseModel):
    kind: str
    label: str
    count: int
    share: float


class HandoffSummary(BaseModel):
    conversations: int
    handed_off: int = Field(description="Conversations started in the period that were handed to a person")
    containment: float | None = Field(description="Share of conversations that never needed a person")
    handoff_rate: float | None
    handoffs: int = Field(description="Hand-offs in the period")
    answered: int = Field(description="Hand-offs a person replied to")
    first_reply_median_seconds: float | None
    first_reply_p90_seconds: float | None
    outside_staff_hours: int = Field(description="Hand-offs outside CA_STAFF_HOURS")
    staff_hours: str


class SectionRating(BaseModel):
    section: str = Field(description="knowledge/<file>.md#<heading>")
    up: int
    down: int
    down_share: float
    preview: str = Field(description="The writers' page, previewing the section's heading as a question")


class InsightsOut(BaseModel):
    period: PeriodOut
    timeline: list[TimelinePoint]
    replies: list[ReplyShare]
    handoffs: HandoffSummary
    sections: list[SectionRating] = Field(description="Rated sections, worst first")


class UnansweredGroup(BaseModel):
    example: str = Field(description="One question of the group, emails, tokens and phone numbers masked")
    count: int
    last_seen: str | None
