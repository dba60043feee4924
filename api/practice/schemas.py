"""Request and response models of /api/practice."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from api.limits import HAS_TEXT, clean_text, has_text

# A two-minute answer is about 2,000 characters; five times that is still a practice answer.
MAX_ANSWER_CHARS = 10_000


class ReviewRequest(BaseModel):
    answer: str = Field(
        description="The candidate's answer, several sentences typed or pasted (1-10,000 characters, not only spaces)",
        # Documented here, enforced with a readable message by the validator below (as the chat's message).
        json_schema_extra={"minLength": 1, "maxLength": MAX_ANSWER_CHARS, "pattern": HAS_TEXT},
    )
    question_id: str | None = Field(
        default=None, max_length=100, description="The practice question answered (GET /api/practice/questions)"
    )

    @field_validator("answer")
    @classmethod
    def _an_answer(cls, value: str) -> str:
        value = clean_text(value)
        if not has_text(value):
            raise ValueError("is empty: send the answer's text, a few sentences telling one specific example")
        if len(value) > MAX_ANSWER_CHARS:
            raise ValueError(
                f"is {len(value)} characters; send at most {MAX_ANSWER_CHARS} (a two-minute answer is about 2,000)"
            )
        return value


class PrincipleEvidence(BaseModel):
    name: str
    evidence: list[str] = Field(description="The answer's words that suggest this principle")


class Parts(BaseModel):
    situation: list[str]
    task: list[str]
    action: list[str]
    result: list[str]


class FirstPerson(BaseModel):
    i: int = Field(description='"I", "me", "my" in the action sentences (the whole answer when none was found)')
    we: int = Field(description='"we", "us", "our" in the same sentences')


class ReviewResponse(BaseModel):
    parts: Parts
    missing: list[Literal["situation", "task", "action", "result"]]
    first_person: FirstPerson
    quantified_result: bool
    words: int
    speaking_seconds: int = Field(description="At about 150 words a minute")
    kind: Literal["story", "hypothetical", "self_description", "too_short"]
    principles: list[PrincipleEvidence] = Field(
        description="A suggestion, with the words that suggest it; never a score"
    )
    suggestions: list[str]
    question_id: str | None = None


class QuestionOut(BaseModel):
    id: str
    text: str
    principle: str


class PrincipleOut(BaseModel):
    name: str
    description: str = Field(description="In our own words, not from the AWS hiring page")
    questions: list[QuestionOut]


class QuestionsResponse(BaseModel):
    principles: list[PrincipleOut]
