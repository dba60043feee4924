"""Knowledge endpoints: the internal search used by the action server."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, status

from api.deps import CurrentUser, KnowledgeDep, ServiceCaller
from api.knowledge.index import KnowledgeIndex
from api.knowledge.schemas import KnowledgeStatus, PassageOut, ProblemOut, SearchRequest, SearchResponse
from api.knowledge.search import Passage

router = APIRouter(prefix="/api/internal", tags=["internal"])
writers_router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


def _out(p: Passage) -> PassageOut:
    return PassageOut(
        id=p.id, title=p.title, heading=p.heading, text=p.text, path=p.doc, url=p.url, score=round(p.score, 4)
    )


@router.post(
    "/search",
    summary="Search the knowledge base (action server only)",
    response_model=SearchResponse,
    responses={401: {"description": "Missing or wrong service token"}, 404: {"description": "Unknown section id"}},
)
async def search(body: SearchRequest, knowledge: KnowledgeDep, _: ServiceCaller) -> SearchResponse:
    if body.section_id:
        passage = knowledge.section(body.section_id)
        if passage is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"No section with id '{body.section_id}'.")
        return SearchResponse(
            decision="answer", query=body.query, passages=[_out(passage)], index_version=knowledge.index.version
        )
    decision = await knowledge.ask_async(body.query, body.previous, likely_uncovered=body.nlu_intent == "out_of_scope")
    return SearchResponse(
        decision=decision.kind,
        query=decision.query,
        passages=[_out(p) for p in decision.passages],
        index_version=knowledge.index.version,
    )


def _status(index: KnowledgeIndex) -> KnowledgeStatus:
    return KnowledgeStatus(
        version=index.version,
        built_at=index.built_at,
        documents=index.documents,
        sections=len(index.sections),
        problems=[ProblemOut(path=p.path, line=p.line, message=p.message) for p in index.problems],
    )


AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Missing CSRF token"},
}


@writers_router.get(
    "/status", summary="Index version, size and current problems", response_model=KnowledgeStatus, responses=AUTH
)
async def knowledge_status(knowledge: KnowledgeDep, _: CurrentUser) -> KnowledgeStatus:
    return _status(knowledge.index)


@writers_router.post(
    "/reload", summary="Re-read knowledge/ now (writers and staff)", response_model=KnowledgeStatus, responses=AUTH
)
async def reload(knowledge: KnowledgeDep, _: CurrentUser) -> KnowledgeStatus:
    return _status(await asyncio.to_thread(knowledge.reload))
