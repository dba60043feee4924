"""Knowledge endpoints: the internal search used by the action server."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, status
from fastapi.responses import Response

from api import metrics
from api.csv_export import to_csv
from api.deps import CurrentUser, KnowledgeDep, ServiceCaller
from api.knowledge import examples, insight
from api.knowledge.context import Context, unknown_words
from api.knowledge.grounding import GroundingReport
from api.knowledge.index import KnowledgeIndex
from api.knowledge.schemas import (
    ConversationContext,
    DismissIn,
    DismissOut,
    GroundedFileOut,
    GroundedSentenceOut,
    GroundingOut,
    KnowledgeStatus,
    PassageOut,
    PreviewOut,
    ProblemOut,
    QuestionGroupOut,
    SearchRequest,
    SearchResponse,
    SectionRef,
    SourceSentenceOut,
    UnhelpfulOut,
)
from api.knowledge.search import Passage

router = APIRouter(prefix="/api/internal", tags=["internal"])
writers_router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


def _out(p: Passage) -> PassageOut:
    return PassageOut(
        id=p.id,
        title=p.title,
        heading=p.heading,
        text=p.text,
        path=p.doc,
        url=p.url,
        score=round(p.score, 4),
        matched_example=p.matched_example,
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
        chosen = knowledge.chosen(passage, _context(body.context))
        return SearchResponse(
            decision="answer",
            query=body.query,
            passages=[_out(passage)],
            index_version=knowledge.index.version,
            context=_context_out(chosen.context),
        )
    ctx = _context(body.context)
    with metrics.SEARCH_SECONDS.time():
        decision = await knowledge.ask_async(
            body.query,
            body.previous,
            likely_uncovered=body.nlu_intent == "out_of_scope",
            conversation=body.conversation_id,
            ctx=ctx,
        )
    if body.nlu_intent == "check_my_status":
        decision = knowledge.unless_asked(decision, ctx)
    return SearchResponse(
        decision=decision.kind,
        query=decision.query,
        passages=[_out(p) for p in decision.passages],
        index_version=knowledge.index.version,
        context=_context_out(decision.context),
        repeated=decision.repeated,
        unanswered=list(decision.unanswered),
    )


def _context(body: ConversationContext | None) -> Context | None:
    if body is None:
        return None
    return Context(body.doc, body.section, tuple(body.listed), body.step, body.refused)


def _context_out(ctx: Context | None) -> ConversationContext | None:
    if ctx is None:
        return None
    return ConversationContext(
        doc=ctx.doc, section=ctx.section, listed=list(ctx.listed), step=ctx.step, refused=ctx.refused
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


@writers_router.get(
    "/preview",
    summary="What the assistant would answer, with the runners-up",
    response_model=PreviewOut,
    responses=AUTH,
)
async def preview(
    knowledge: KnowledgeDep,
    _: CurrentUser,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    after: Annotated[
        list[str],
        Query(
            max_length=5,
            description="Earlier questions of the conversation, in order: the answer is previewed in their "
            "context, as a candidate's follow-up would be ('and after that?', 'how long is the second one?')",
        ),
    ] = [],  # noqa: B006 (FastAPI copies a default list per request)
) -> PreviewOut:
    earlier = [a.strip() for a in after if a.strip()]
    if any(len(a) > 2000 for a in earlier):
        raise HTTPException(422, "Each earlier question is at most 2000 characters.")
    ctx: Context | None = None
    if earlier:
        ctx = Context()
        for question in earlier:  # as the dialogue tier would keep the state turn by turn
            ctx = (await knowledge.ask_async(question, ctx=ctx)).context or ctx
    decision = await knowledge.ask_async(q, ctx=ctx)
    params = knowledge.params
    return PreviewOut(
        decision=decision.kind,
        query=decision.query,
        answer=[_out(p) for p in decision.passages],
        ranked=[_out(p) for p in decision.ranked],
        answer_threshold=params.answer_threshold,
        uncovered=None if decision.uncovered is None else round(decision.uncovered, 4),
        refuse_above=params.refuse_above,
        refuse_above_when_flagged=params.refuse_above_when_flagged,
        clarify_refuse_above=params.clarify_refuse_above,
        unknown_words=list(unknown_words(knowledge.index.speller.correct(q), knowledge.index.vocabulary)),
        spelling=knowledge.index.speller.corrections(q),
        refuse_above_with_unknown_word=params.refuse_above_with_unknown_word,
        weak_match_below=params.weak_match_below,
        refuse_above_when_weak=params.refuse_above_when_weak,
        follow_up=None if decision.follow_up is None else round(decision.follow_up, 4),
        follow_up_refuse_above=knowledge.follow_ups.threshold if knowledge.follow_ups is not None else None,
        not_covered_match=decision.known,
        after=earlier,
        context=_context_out(ctx) if ctx is not None else None,
    )


def _grounding_out(report: GroundingReport) -> GroundingOut:
    files: dict[str, list[GroundedSentenceOut]] = {}
    for s in report.sentences:
        support = s.support[0] if s.support else None
        files.setdefault(s.claim.doc, []).append(
            GroundedSentenceOut(
                line=s.claim.line,
                heading=s.claim.heading,
                text=s.claim.text,
                status=s.status,
                score=s.score,
                cosine=s.cosine,
                terms=s.terms,
                support=SourceSentenceOut(path=support.path, line=support.line, text=support.text) if support else None,
                reasons=s.reasons,
                note=s.claim.general,
            )
        )
    count = {status: sum(s.status == status for s in report.sentences) for status in ("supported", "general")}
    return GroundingOut(
        sources=report.sources,
        threshold=report.threshold,
        sentences=len(report.sentences),
        supported=count["supported"],
        general=count["general"],
        not_found=len(report.not_found),
        problems=[ProblemOut(path=p.path, line=p.line, message=p.message) for p in report.problems],
        files=[
            GroundedFileOut(path=path, not_found=sum(x.status == "not found" for x in items), sentences=items)
            for path, items in files.items()
        ],
    )


@writers_router.get(
    "/grounding",
    summary="Every knowledge sentence with the source sentence that supports it, and those the source does not state",
    response_model=GroundingOut,
    responses=AUTH,
)
async def grounding(knowledge: KnowledgeDep, _: CurrentUser) -> GroundingOut:
    # Embedding the edited sentences is CPU work: off the event loop. Unchanged files reuse the last report.
    return _grounding_out(await asyncio.to_thread(knowledge.grounding))


async def _groups(knowledge: KnowledgeDep) -> tuple[str, list[QuestionGroupOut]]:
    version, groups = await knowledge.unanswered.build(knowledge.embedder)
    return f'"{version}"', [
        QuestionGroupOut(
            example=g.example,
            count=g.count,
            last_seen=g.last_seen.isoformat(timespec="seconds") if g.last_seen else None,
            questions=g.questions,
            message_ids=g.message_ids,
            junk=g.junk,
        )
        for g in groups
    ]


@writers_router.get(
    "/unanswered",
    summary="Questions the assistant could not answer, grouped by meaning",
    response_model=list[QuestionGroupOut],
    responses={304: {"description": "Unchanged since the ETag sent in If-None-Match"}, **AUTH},
)
async def unanswered(
    knowledge: KnowledgeDep,
    _: CurrentUser,
    response: Response,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Any:
    etag, groups = await _groups(knowledge)
    # The writers' page revalidates (no-cache): an unchanged report costs a 304, not the whole list.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match and (if_none_match.strip() == "*" or etag in (t.strip() for t in if_none_match.split(","))):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
    return groups


@writers_router.get(
    "/sections",
    summary="Every section of the knowledge (for 'answered by <section>')",
    response_model=list[SectionRef],
    responses=AUTH,
)
async def sections(knowledge: KnowledgeDep, _: CurrentUser) -> list[SectionRef]:
    return [SectionRef(id=s.id, title=s.title, heading=s.heading, path=s.doc) for s in knowledge.index.sections]


@writers_router.post(
    "/unanswered/dismiss",
    summary="Take a group out of the unanswered report; with answered_by, add its wording to that section",
    response_model=DismissOut,
    responses={
        **AUTH,
        404: {"description": "No such section"},
        422: {"description": "No question ids, or a wording that cannot be an example question"},
    },
)
async def dismiss(body: DismissIn, knowledge: KnowledgeDep, user: CurrentUser) -> DismissOut:
    added_to = None
    if body.answered_by is not None:
        index = knowledge.index
        section = index.by_id.get(body.answered_by)
        if section is None:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"No section {body.answered_by!r}; pick one from GET /api/knowledge/sections (the knowledge may have changed).",
            )
        if body.question is not None:
            siblings = index.doc_sections[section.doc]
            after = siblings[siblings.index(section) + 1] if section is not siblings[-1] else None
            try:
                path = await asyncio.to_thread(
                    examples.add_example, knowledge.settings.knowledge_dir, section, after, body.question
                )
            except examples.ExampleError as exc:
                raise HTTPException(422, f"question: {exc}; shorten it or pick another wording of the group") from exc
            added_to = f"knowledge/{path.relative_to(knowledge.settings.knowledge_dir).as_posix()}"
            await asyncio.to_thread(knowledge.reload)
    count = await asyncio.to_thread(insight.dismiss, body.message_ids, user.username, body.answered_by)
    return DismissOut(dismissed=count, added_to=added_to)


@writers_router.get(
    "/unanswered.csv",
    summary="The grouped unanswered questions as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **AUTH},
)
async def unanswered_csv(knowledge: KnowledgeDep, _: CurrentUser) -> Response:
    groups = (await _groups(knowledge))[1]
    rows = ([g.example, g.count, g.last_seen or "", " | ".join(g.questions)] for g in groups)
    return Response(
        to_csv(["example", "count", "last_seen", "questions"], rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="unanswered-questions.csv"'},
    )


@writers_router.get(
    "/unhelpful", summary="Answers candidates rated unhelpful", response_model=list[UnhelpfulOut], responses=AUTH
)
async def unhelpful(_: CurrentUser) -> list[UnhelpfulOut]:
    rows = await asyncio.to_thread(insight.unhelpful)
    return [
        UnhelpfulOut(
            question=r.question,
            sections=r.sections,
            index_version=r.index_version,
            rated_at=r.rated_at.isoformat(timespec="seconds"),
        )
        for r in rows
    ]
