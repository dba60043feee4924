"""GET /api/jobs (the public job search) and the action server's search of a chat message."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.chat.schemas import ErrorOut
from api.deps import ServiceCaller
from api.jobs.postings import EmploymentType
from api.jobs.schemas import ChatSearchIn, ChatSearchOut, CriteriaIO, JobOut, JobsOut
from api.jobs.search import Criteria, Hit
from api.jobs.service import JobService
from api.jobs.understand import interpret

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
internal_router = APIRouter(prefix="/api/internal/jobs", tags=["internal"])
SNIPPET = 200


async def _jobs(request: Request) -> JobService:
    jobs: JobService | None = getattr(request.app.state, "jobs", None)
    if jobs is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The job index is still loading; try again shortly.")
    return jobs


def _out(hit: Hit) -> JobOut:
    j = hit.job
    snippet = " ".join(j.snippet.split())
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET].rsplit(" ", 1)[0] + "…"
    return JobOut(
        id=j.id,
        title=j.title,
        locations=list(j.locations),
        team=j.team,
        employment_type=j.employment_type,
        workplace=j.workplace,
        url=j.url,
        apply_url=j.apply_url,
        posted_at=j.posted_at,
        snippet=snippet,
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "A parameter out of range, or an unknown employment_type"},
    503: {"model": ErrorOut, "description": "The job index is still loading; try again shortly"},
}


@router.get("", summary="Search the jobs", response_model=JobsOut, responses=ERRORS)
async def search_jobs(
    request: Request,
    q: Annotated[
        str, Query(max_length=500, description="What the job is: words or a role ('data engineer', 'SDE')")
    ] = "",
    location: Annotated[
        str, Query(max_length=200, description="Only jobs in this place (city, region or country)")
    ] = "",
    team: Annotated[str, Query(max_length=200, description="Only jobs of this team (exact, any case)")] = "",
    employment_type: Annotated[
        EmploymentType | None, Query(description="Only this schema.org employmentType, e.g. INTERN")
    ] = None,
    remote: Annotated[bool | None, Query(description="true: only remote jobs; false: no remote jobs")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> JobsOut:
    service = await _jobs(request)
    index = service.index
    criteria = Criteria(q=q, location=location, team=team, employment_type=employment_type or "", remote=remote)
    # Off the event loop only when a text query needs the model; filters alone take microseconds.
    if q.strip():
        total, hits = await asyncio.to_thread(index.search, criteria, service.embedder, limit=limit, offset=offset)
    else:
        total, hits = index.search(criteria, service.embedder, limit=limit, offset=offset)
    return JobsOut(total=total, jobs=[_out(h) for h in hits])


@internal_router.post(
    "/search",
    summary="Search the jobs a chat message asks for (action server)",
    response_model=ChatSearchOut,
    responses={**ERRORS, 401: {"model": ErrorOut, "description": "No or wrong X-Service-Token"}},
)
async def chat_search(body: ChatSearchIn, request: Request, _: ServiceCaller) -> ChatSearchOut:
    service = await _jobs(request)
    index = service.index
    previous = Criteria(**body.previous.model_dump()) if body.previous else None
    if body.more and previous is not None:
        criteria, refined, offset = previous, False, body.offset
    else:
        criteria, refined = interpret(body.text, previous, index.correct_place)
        offset = 0
    total, hits = await asyncio.to_thread(index.search, criteria, service.embedder, limit=body.limit, offset=offset)
    return ChatSearchOut(
        total=total,
        jobs=[_out(h) for h in hits],
        criteria=CriteriaIO(**criteria.__dict__),
        refined=refined,
        offset=offset,
    )
