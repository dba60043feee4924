"""/api/conversations/{id}: the candidate page's history, ratings and live events, and a staff
member's erasure of the conversation (from both tiers, api/privacy/)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, cast

from fastapi import APIRouter, Header, HTTPException, Request, status
from sse_starlette.sse import EventSourceResponse

from api import metrics
from api.chat.schemas import ErrorOut, Mode
from api.conversations import service as conversations
from api.conversations.live import CountedEventSource, OpenStreams, replay_after, reply_event
from api.conversations.schemas import ConversationId, FeedbackIn, HistoryItem, HistoryOut
from api.conversations.service import ConversationError
from api.deps import CurrentStaff, SettingsDep
from api.handoff import service as handoff
from api.privacy import service as privacy
from api.privacy.schemas import ErasureOut
from api.rasa_client import DialogueUnavailable
from api.tokens import bearer, verify

# Tags per route: the candidate's routes are the chat's, erasure is the staff's.
router = APIRouter(prefix="/api/conversations")

# A status reply holds someone's application data: after a reload the page shows that it was there,
# not what it said (the conversation id alone is not proof of identity).
STATUS_REDACTED = "(Your application status was shown here. Ask again to see it.)"


@router.get(
    "/{conversation_id}/events",
    summary="Live events for the candidate's chat page (Server-Sent Events: message, mode)",
    tags=["chat"],
    response_class=EventSourceResponse,
    responses={
        429: {
            "model": ErrorOut,
            "description": "Too many live streams open from this address (CA_EVENT_STREAMS_PER_ADDRESS)",
        }
    },
)
async def events(
    conversation_id: ConversationId,
    request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
) -> EventSourceResponse:
    broker = request.app.state.broker
    after = replay_after(last_event_id)
    streams: OpenStreams = request.app.state.streams
    address = request.app.state.limiter.address(request)
    if not streams.take(address):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many live chat connections from your address ({streams.per_address} are open); "
            "close other chat tabs and try again in a minute.",
            headers={"Retry-After": "60"},
        )

    async def stream() -> AsyncIterator[dict[str, Any]]:
        async with broker.subscribe(conversation_id) as queue:
            if after is not None:  # a reconnect: replay what was pushed meanwhile
                for m in await asyncio.to_thread(conversations.pushed_since, conversation_id, after):
                    yield {"event": "message", "id": str(m.id), "data": json.dumps(reply_event(m))}
            while True:
                event = await queue.get()
                out = {"event": event["event"], "data": json.dumps(event["data"])}
                if "id" in event:
                    out["id"] = str(event["id"])
                yield out

    return CountedEventSource(stream(), ping=15, give_back=lambda: streams.give_back(address))


@router.get(
    "/{conversation_id}/messages",
    summary="The conversation so far, for the chat page after a reload",
    tags=["chat"],
    response_model=HistoryOut,
)
async def conversation_history(conversation_id: ConversationId) -> HistoryOut:
    messages = await asyncio.to_thread(conversations.history, conversation_id)
    mode = await asyncio.to_thread(conversations.mode_of, conversation_id)
    ratings = await asyncio.to_thread(conversations.ratings_of, conversation_id)
    return HistoryOut(
        conversation_id=conversation_id,
        mode=cast(Mode, mode),
        messages=[
            HistoryItem(
                id=m.id,
                sender=m.sender,  # type: ignore[arg-type]
                kind=m.kind,
                text=STATUS_REDACTED if m.kind == "status" else m.text,
                buttons=[] if m.kind == "status" else m.extra.get("buttons", []),
                sources=m.extra.get("sources", []),
                helpful=ratings.get(m.id),
                jobs=m.extra.get("jobs", []),
            )
            for m in messages
        ],
    )


@router.post(
    "/{conversation_id}/feedback",
    summary="Rate an answer (thumbs up or down)",
    tags=["chat"],
    status_code=204,
    responses={404: {"description": "No such answer in this conversation"}},
)
async def feedback(conversation_id: ConversationId, body: FeedbackIn) -> None:
    try:
        await asyncio.to_thread(conversations.rate, conversation_id, body.message_id, body.helpful)
    except ConversationError as exc:
        raise HTTPException(exc.status, exc.detail) from exc
    metrics.FEEDBACK.labels("up" if body.helpful else "down").inc()


@router.post(
    "/{conversation_id}/withdraw",
    tags=["chat"],
    summary="The candidate leaves the queue (start over while waiting for a person)",
    status_code=204,
    responses={
        403: {"model": ErrorOut, "description": "The conversation belongs to another signed-in candidate"},
        404: {"model": ErrorOut, "description": "No such conversation"},
        409: {"model": ErrorOut, "description": "The conversation is not waiting for (or with) a person"},
    },
)
async def withdraw(
    conversation_id: ConversationId,
    request: Request,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <signed candidate token>")] = None,
) -> None:
    identity = verify(settings, bearer(authorization))
    try:
        await asyncio.to_thread(
            handoff.withdraw, conversation_id, identity.candidate_id if identity.status == "valid" else None
        )
    except ConversationError as exc:
        raise HTTPException(exc.status, exc.detail) from exc
    request.app.state.broker.publish(conversation_id, {"event": "mode", "data": {"mode": "bot"}})


ERASE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not staff, or a missing CSRF token"},
    404: {"description": "Neither tier holds this conversation (it may have been erased already)"},
    503: {
        "description": "Rasa could not erase its copy (nothing was erased) or the database is not available; try again"
    },
}


@router.delete(
    "/{conversation_id}",
    summary="Erase a conversation from both tiers (transcript, ratings, Rasa's tracker); audited",
    tags=["staff"],
    response_model=ErasureOut,
    responses=ERASE_ERRORS,
)
async def erase_conversation(
    conversation_id: ConversationId, request: Request, settings: SettingsDep, user: CurrentStaff
) -> ErasureOut:
    try:
        removed = await privacy.erase(settings, request.app.state.rasa, user.username, conversation_id=conversation_id)
    except DialogueUnavailable as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"Nothing was erased: the dialogue tier could not erase its copy ({exc}). Try again in a minute.",
        ) from exc
    if not removed.anything:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No conversation {conversation_id}; nothing to erase.")
    return ErasureOut(**removed.__dict__)
