"""/api/practice: the practice questions, and feedback on an answer's STAR structure.

Practice answers are personal data: this router keeps nothing and logs no answer text; the chat keeps
an answer only in the conversation's transcript (docs/practice.md)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status

from api.chat.schemas import ErrorOut
from api.config import get_settings
from api.deps import RATE_LIMITED, SettingsDep, _limit, same_secret
from api.practice.schemas import (
    PrincipleOut,
    QuestionOut,
    QuestionsResponse,
    ReviewRequest,
    ReviewResponse,
)
from api.practice.service import PracticeService

router = APIRouter(prefix="/api/practice", tags=["practice"])


async def get_practice(request: Request) -> PracticeService:
    practice: PracticeService | None = getattr(request.app.state, "practice", None)
    if practice is None:
        # Loaded on first use: a few kilobytes of weights and one markdown file.
        practice = await asyncio.to_thread(PracticeService.start, get_settings())
        request.app.state.practice = practice
    return practice


PracticeDep = Annotated[PracticeService, Depends(get_practice)]


async def limit_practice(
    request: Request,
    settings: SettingsDep,
    # Not a security scheme: the route is public; the token only exempts the action server from the
    # per-address limit.
    x_service_token: Annotated[
        str | None, Header(description="The action server's CA_SERVICE_TOKEN (optional; not counted then)")
    ] = None,
) -> None:
    # The action server reviews answers sent through the chat, which its own limits have counted
    # already; from its one loopback address, a per-address limit would be shared by every candidate.
    if x_service_token and same_secret(x_service_token, settings.service_secret()):
        return
    await _limit(request, [("practice_address", request.app.state.limiter.address(request))], "Too many reviews")


@router.post(
    "/review",
    summary="Feedback on a practice answer's STAR structure (nothing is stored)",
    response_model=ReviewResponse,
    responses={
        **RATE_LIMITED,
        404: {"model": ErrorOut, "description": "No practice question has this question_id"},
        422: {"description": "An empty or too long answer"},
    },
)
async def review_answer(
    body: ReviewRequest, practice: PracticeDep, _: Annotated[None, Depends(limit_practice)]
) -> ReviewResponse:
    if body.question_id is not None and practice.bank.question(body.question_id) is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"question_id: no practice question {body.question_id!r}; GET /api/practice/questions lists them, "
            "or send null",
        )
    result = await asyncio.to_thread(practice.review, body.answer)
    return ReviewResponse.model_validate({**result.as_dict(), "question_id": body.question_id})


@router.get("/questions", summary="The practice questions, by Leadership Principle", response_model=QuestionsResponse)
async def questions(practice: PracticeDep) -> QuestionsResponse:
    return QuestionsResponse(
        principles=[
            PrincipleOut(
                name=p.name,
                description=p.description,
                questions=[QuestionOut(id=q.id, text=q.text, principle=q.principle) for q in p.questions],
            )
            for p in practice.bank.principles
        ]
    )
