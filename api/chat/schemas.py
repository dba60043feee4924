"""The public chat contract (other tools depend on it: change with care)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from api.limits import HAS_TEXT, clean_text, has_text

# "notice": what happened in the hand-off (a person joined, handed back, closed), in the service's words.
ReplyKind = Literal[
    "answer",
    "clarify",
    "fallback",
    "chitchat",
    "verify",
    "status",
    "handoff",
    "human",
    "error",
    "notice",
    "practice",
    "practice_feedback",
    "jobs",
]
Mode = Literal["bot", "waiting", "human"]

MAX_MESSAGE_CHARS = 2000


class ChatRequest(BaseModel):
    conversation_id: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Chosen by the client: 1-64 letters, digits, '-' or '_'; keep it for the whole conversation",
        examples=["c-9f2b7d"],
    )
    message: str = Field(
        description="What the candidate typed (1-2,000 characters, not only spaces)",
        examples=["How long is the work style assessment?"],
        # Documented here, enforced (with a readable message) by the validator below. HAS_TEXT
        # (api/limits.py) is one pattern for the OpenAPI document (ECMA regex) and the validator.
        json_schema_extra={"minLength": 1, "maxLength": MAX_MESSAGE_CHARS, "pattern": HAS_TEXT},
    )

    client_message_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description=(
            "Chosen by the client for each message (1-64 letters, digits, '-' or '_') and sent again with "
            "every retry of it: a message already answered is answered again with the same replies, "
            "never handled twice"
        ),
        examples=["m-4f1c09ab"],
    )

    @field_validator("message")
    @classmethod
    def _message_has_text(cls, value: str) -> str:
        value = clean_text(value)
        if not has_text(value):
            raise ValueError("the message is empty; type a question")
        value = value.strip()
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(f"the message is {len(value)} characters; the limit is {MAX_MESSAGE_CHARS}")
        return value


class Button(BaseModel):
    title: str
    payload: str


class Source(BaseModel):
    title: str
    path: str = Field(description="knowledge/<file>.md")
    heading: str
    url: str | None = None


class JobCard(BaseModel):
    """One job of a `jobs` reply, as the widget shows it."""

    id: str
    title: str
    place: str = Field(default="", description="The first location (and how many more), and remote or hybrid")
    team: str = ""
    type: str = Field(default="", description="Full-time, Part-time, Internship, Contract, ...")
    url: str = Field(default="", description="The job's page on the careers site (http or https only)")
    apply_url: str = Field(default="", description="Where to apply (http or https only)")

    @field_validator("url", "apply_url")
    @classmethod
    def _web_link(cls, value: str) -> str:
        # The links come from a job feed and become the widget's hrefs: never javascript: or data:.
        return value if value.lower().startswith(("https://", "http://")) else ""


class Reply(BaseModel):
    kind: ReplyKind
    text: str
    id: int | None = Field(
        default=None,
        description="The stored message's id: for ratings, and to drop a second copy of a message also sent live",
    )
    buttons: list[Button] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    jobs: list[JobCard] = Field(default_factory=list, description="Job cards of a `jobs` reply (up to 5)")


class ChatResponse(BaseModel):
    conversation_id: str
    mode: Mode = "bot"
    replies: list[Reply]


class ErrorOut(BaseModel):
    detail: str
