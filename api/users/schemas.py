"""Request and response bodies of sign-in."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.limits import CleanText


class Credentials(BaseModel):
    username: CleanText = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    username: str
    role: str
    csrf_token: str = Field(description="Send as X-CSRF-Token on every state-changing request")
