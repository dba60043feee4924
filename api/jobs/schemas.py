"""Request and response models of the job search."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class JobOut(BaseModel):
    id: str = Field(description="<source>:<the feed's id of the job>")
    title: str
    locations: list[str]
    team: str
    employment_type: str = Field(description="schema.org employmentType: FULL_TIME, PART_TIME, INTERN, ...")
    workplace: str = Field(description="on-site, hybrid, remote or unknown")
    url: str
    apply_url: str
    posted_at: datetime | None
    snippet: str = Field(description="The start of the description, as plain text")


class JobsOut(BaseModel):
    total: int = Field(description="How many jobs match (all pages)")
    jobs: list[JobOut]


class CriteriaIO(BaseModel):
    q: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=200)
    team: str = Field(default="", max_length=200)
    employment_type: str = Field(default="", max_length=20)
    remote: bool | None = None


class ChatSearchIn(BaseModel):
    text: str = Field(default="", max_length=2000, description="The candidate's message")
    previous: CriteriaIO | None = Field(default=None, description="The conversation's last search, to refine")
    more: bool = Field(default=False, description="The next page of `previous` instead of a new search")
    offset: int = Field(default=0, ge=0, le=10_000)
    limit: int = Field(default=5, ge=1, le=20)


class ChatSearchOut(JobsOut):
    criteria: CriteriaIO
    refined: bool
    offset: int
