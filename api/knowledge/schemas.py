"""Request and response models of the knowledge endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class ConversationContext(BaseModel):
    """The conversation's state, kept by the dialogue tier in slots and sent back with each search."""

    doc: str | None = Field(None, max_length=300, description="The current topic's document path")
    section: str | None = Field(None, max_length=300, description="The section last answered with")
    listed: list[str] = Field(
        default_factory=list, max_length=20, description="Document paths the last answer named, in order"
    )
    step: str | None = Field(None, max_length=300, description="The hiring-process step last talked about")
    refused: bool = Field(False, description="The last question was refused as not covered")


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=2000, description="The candidate's question")
    previous: str | None = Field(None, max_length=2000, description="The previous question, for short follow-ups")
    section_id: str | None = Field(
        None, max_length=200, description="Answer with this section (a 'did you mean' choice)"
    )
    nlu_intent: str | None = Field(
        None,
        max_length=64,
        description="The intent Rasa's NLU gave the message: `out_of_scope` leans towards a refusal; with "
        "`check_my_status` the decision is 'status' unless the message reads as a question the knowledge answers",
    )
    conversation_id: str = Field(
        "", max_length=64, description="The asking conversation: finds the vector the gateway prefetched for it"
    )
    context: ConversationContext | None = Field(
        None, description="What the conversation is about; when given, follow-ups are resolved against it"
    )


class PassageOut(BaseModel):
    id: str
    title: str
    heading: str
    text: str
    path: str
    url: str | None
    score: float
    matched_example: str | None = Field(
        default=None, description="The writer's example question that matched, if one did"
    )


class SearchResponse(BaseModel):
    decision: Literal["answer", "clarify", "fallback", "status"]
    query: str = Field(description="The text that was searched (the follow-up joined to its context)")
    passages: list[PassageOut] = Field(description="Sections to answer with, or the options to offer")
    index_version: str
    context: ConversationContext | None = Field(None, description="The state to keep for the next turn")
    repeated: bool = Field(
        default=False,
        description="The answer is the one just given, again as the candidate asked (no other wording exists)",
    )
    unanswered: list[str] = Field(
        default_factory=list,
        description="Of a message asking several questions, the ones the knowledge does not answer",
    )


class ProblemOut(BaseModel):
    path: str
    line: int
    message: str


class KnowledgeStatus(BaseModel):
    version: str = Field(description="Changes whenever any document changes")
    built_at: str
    documents: int
    sections: int
    problems: list[ProblemOut] = Field(description="Files with problems keep serving their last good version")


class PreviewOut(BaseModel):
    decision: Literal["answer", "clarify", "fallback", "status"]
    query: str
    answer: list[PassageOut] = Field(description="What the assistant would answer with (or offer, for clarify)")
    ranked: list[PassageOut] = Field(description="The best sections with their scores")
    answer_threshold: float = Field(description="The best section's score must reach this for an answer")
    uncovered: float | None = Field(
        default=None, description="The coverage model's probability that the page does not cover the question"
    )
    refuse_above: float = Field(description="A question whose `uncovered` reaches this is refused (1.0: never)")
    refuse_above_when_flagged: float = Field(
        description="The level when the dialogue tier's NLU also judged the question out of scope"
    )
    clarify_refuse_above: float = Field(
        default=1.0, description="Two topics tie: refused instead of asking which was meant from this `uncovered`"
    )
    unknown_words: list[str] = Field(
        default_factory=list,
        description="The question's words that nothing in the knowledge, its glossary or the dialogue tier's "
        "covered examples uses (a question with one is refused from `refuse_above_with_unknown_word`)",
    )
    refuse_above_with_unknown_word: float = Field(default=1.0, description="See `unknown_words`")
    weak_match_below: float = Field(
        default=0.0, description="A best score below this is a weak match, refused from `refuse_above_when_weak`"
    )
    refuse_above_when_weak: float = Field(default=1.0, description="See `weak_match_below`")
    follow_up: float | None = Field(
        default=None,
        description="For a follow-up answered from its topic (a question previewed `after` others): the "
        "follow-up model's probability that the answering section does not answer it",
    )
    follow_up_refuse_above: float | None = Field(
        default=None, description="A follow-up whose `follow_up` is above this is refused (null: the model is off)"
    )
    spelling: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Misspelt words read as the knowledge spells them before the search, as (typed, read) pairs",
    )
    not_covered_match: str | None = Field(
        default=None,
        description="The question known not to be covered (knowledge/not-covered.md, or the dialogue tier's "
        "out-of-scope examples) that this one is worded like, when that is why it is refused",
    )
    after: list[str] = Field(
        default_factory=list, description="The earlier questions the answer is previewed after, in order"
    )
    context: ConversationContext | None = Field(
        default=None, description="The conversation's state the question was answered in (after `after`)"
    )


class QuestionGroupOut(BaseModel):
    example: str
    count: int
    last_seen: str | None
    questions: list[str]
    message_ids: list[int] = Field(default=[], description="The group's candidate messages (to dismiss it)")
    junk: str | None = Field(
        default=None, description="Why the group is folded away (markup, SQL, slash command, ...); None for questions"
    )


class DismissIn(BaseModel):
    # Each a stored message's id: a 32-bit integer column on PostgreSQL.
    message_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        min_length=1, max_length=1000, description="A group's `message_ids`"
    )
    answered_by: str | None = Field(
        default=None,
        max_length=200,
        description="A section id (GET /api/knowledge/sections): the group's example is added to its example questions",
    )
    question: str | None = Field(
        default=None, max_length=2000, description="The wording to add with `answered_by` (default: none is added)"
    )


class DismissOut(BaseModel):
    dismissed: int = Field(description="How many of the questions were still in the report")
    added_to: str | None = Field(default=None, description="The knowledge file the wording was added to")


class SectionRef(BaseModel):
    id: str
    title: str
    heading: str
    path: str


class UnhelpfulOut(BaseModel):
    question: str
    sections: list[str]
    index_version: str
    rated_at: str


class SourceSentenceOut(BaseModel):
    path: str = Field(description="The source document, e.g. knowledge/sources/hiring-page.txt")
    line: int
    text: str


class GroundedSentenceOut(BaseModel):
    line: int
    heading: str
    text: str
    status: Literal["supported", "general", "not found"] = Field(
        description="'general': marked <!-- general --> by a writer, so not checked against the source"
    )
    score: float = Field(description="Support score; below the threshold the sentence is not found")
    cosine: float
    terms: float = Field(description="Share of the sentence's key terms its supporting sentence states")
    support: SourceSentenceOut | None = Field(description="The source sentence that supports it best")
    reasons: list[str] = Field(description="Why it is not found in the source (empty when supported)")
    note: str | None = Field(None, description="The writer's note on a general paragraph")


class GroundedFileOut(BaseModel):
    path: str
    not_found: int
    sentences: list[GroundedSentenceOut]


class GroundingOut(BaseModel):
    sources: list[str] = Field(description="The source documents the knowledge is checked against")
    threshold: float
    sentences: int
    supported: int
    general: int
    not_found: int
    problems: list[ProblemOut] = Field(description="As `make kb-check` prints them")
    files: list[GroundedFileOut]
