"""Knowledge endpoints: the internal search used by the action server."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.deps import KnowledgeDep, ServiceCaller
from api.knowledge.schemas import PassageOut, SearchRequest, SearchResponse
from api.knowledge.search import Passage

router = APIRouter(prefix="/api/internal", tags=["internal"])


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
