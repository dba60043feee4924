"""Hand-off endpoints: the staff console's API, the action server's queue request and the
candidate page's live event stream."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, cast

from fastapi import APIRouter, Header, HTTPException, Path, Request, status
from sse_starlette.sse import EventSourceResponse
from starlette.types import Receive, Scope, Send

from api.chat.rasa_client import DialogueUnavailable
from api.chat.replies import to_replies
from api.chat.schemas import ErrorOut, Mode
from api.deps import CurrentStaff, ServiceCaller, SettingsDep
from api.handoff import service as handoff
from api.handoff.broker import OpenStreams
from api.handoff.hours import on_duty
from api.handoff.schemas import (
    FeedbackIn,
    HandoffOut,
    HandoffRequest,
    HistoryItem,
    HistoryOut,
    MessageOut,
    QueueItem,
    StaffMessageIn,
    TranscriptOut,
)
from api.handoff.service import HandoffError, StoredMessage

log = logging.getLogger(__name__)

ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

staff_router = APIRouter(prefix="/api/staff", tags=["staff"])
internal_router = APIRouter(prefix="/api/internal", tags=["internal"])
candidate_router = APIRouter(prefix="/api/conversations", tags=["chat"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not staff, or a missing CSRF token"},
    404: {"description": "No such conversation"},
    409: {"description": "Someone else has it, or it is not in the right state"},
}


def reply_event(m: StoredMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind,
        "text": m.text,
        "buttons": m.extra.get("buttons", []),
        "sources": m.extra.get("sources", []),
    }


async def _run(fn: Any, *args: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args)
    except HandoffError as exc:
        raise HTTPException(exc.status, exc.detail) from exc


@internal_router.post(
    "/handoff",
    summary="Queue a conversation for a person (action server only)",
    response_model=HandoffOut,
    responses={401: {"description": "Missing or wrong service token"}},
)
async def request_handoff(
    body: HandoffRequest, request: Request, settings: SettingsDep, _: ServiceCaller
) -> HandoffOut:
    duty = on_duty(settings.staff_hours, settings.staff_timezone)
    position = await asyncio.to_thread(handoff.request_handoff, body.conversation_id, body.candidate_id, duty)
    mode = await asyncio.to_thread(handoff.mode_of, body.conversation_id)
    request.app.state.broker.publish(body.conversation_id, {"event": "mode", "data": {"mode": mode}})
    return HandoffOut(mode=cast(Mode, mode), position=position, on_duty=duty)


@staff_router.get(
    "/queue",
    summary="Conversations waiting for or handled by a person",
    response_model=list[QueueItem],
    responses=ERRORS,
)
async def queue(_: CurrentStaff) -> list[QueueItem]:
    entries = await asyncio.to_thread(handoff.queue)
    return [QueueItem(**e.__dict__) for e in entries]


@staff_router.get(
    "/conversations/{conversation_id}",
    summary="The whole transcript, bot turns included",
    response_model=TranscriptOut,
    responses=ERRORS,
)
async def transcript(conversation_id: ConversationId, _: CurrentStaff) -> TranscriptOut:
    conv, messages = await _run(handoff.transcript, conversation_id)
    return TranscriptOut(
        conversation_id=conv.id,
        mode=conv.mode,
        claimed_by=conv.claimed_by,
        candidate_id=conv.candidate_id,
        contact_email=conv.contact_email,
        messages=[
            MessageOut(
                id=m.id,
                sender=m.sender,
                kind=m.kind,
                text=m.text,
                staff_username=m.staff_username,
                sources=m.extra.get("sources", []),
                created_at=m.created_at,
            )
            for m in messages
        ],
    )


@staff_router.post(
    "/conversations/{conversation_id}/claim",
    summary="Take the conversation (one staff member wins)",
    status_code=204,
    responses=ERRORS,
)
async def claim(conversation_id: ConversationId, request: Request, user: CurrentStaff) -> None:
    await _run(handoff.claim, conversation_id, user.username)
    request.app.state.broker.publish(conversation_id, {"event": "mode", "data": {"mode": "human"}})


@staff_router.post(
    "/conversations/{conversation_id}/messages",
    summary="Reply to the candidate",
    response_model=MessageOut,
    responses=ERRORS,
)
async def send(
    conversation_id: ConversationId, body: StaffMessageIn, request: Request, user: CurrentStaff
) -> MessageOut:
    m = await _run(handoff.staff_reply, conversation_id, user.username, body.text.strip())
    request.app.state.broker.publish(conversation_id, {"event": "message", "id": m.id, "data": reply_event(m)})
    return MessageOut(
        id=m.id, sender="staff", kind=m.kind, text=m.text, staff_username=m.staff_username, created_at=m.created_at
    )


async def _release(conversation_id: str, request: Request, username: str, greet: bool) -> None:
    await _run(handoff.release, conversation_id, username)
    broker = request.app.state.broker
    broker.publish(conversation_id, {"event": "mode", "data": {"mode": "bot"}})
    if not greet:
        return
    # The bot greets again, in the domain's own words.
    try:
        messages = await request.app.state.rasa.send(conversation_id, "/greet", metadata={"auth": {"status": "none"}})
    except DialogueUnavailable:
        log.warning("could not greet after hand-back: the dialogue tier is unavailable")
        return
    for r in to_replies(messages):
        m = await asyncio.to_thread(
            handoff.push, conversation_id, "bot", r.kind, r.text, None, {"buttons": [b.model_dump() for b in r.buttons]}
        )
        broker.publish(conversation_id, {"event": "message", "id": m.id, "data": reply_event(m)})


@staff_router.post(
    "/conversations/{conversation_id}/handback",
    summary="Hand the conversation back to the bot",
    status_code=204,
    responses=ERRORS,
)
async def handback(conversation_id: ConversationId, request: Request, user: CurrentStaff) -> None:
    await _release(conversation_id, request, user.username, greet=True)


@staff_router.post(
    "/conversations/{conversation_id}/close",
    summary="Close the hand-off (the bot takes further messages)",
    status_code=204,
    responses=ERRORS,
)
async def close(conversation_id: ConversationId, request: Request, user: CurrentStaff) -> None:
    await _release(conversation_id, request, user.username, greet=False)


# The ids of stored messages: a 32-bit integer column on PostgreSQL.
_MESSAGE_ID = re.compile(r"[0-9]{1,10}")
MAX_MESSAGE_ID = 2_147_483_647


def _last_event_id(value: str | None) -> int | None:
    """The id the browser last saw, or None (no replay) for anything that is not a stored
    message's id: the header is the client's to write, and a number too large for the database
    (or a non-ASCII digit, which str.isdigit accepts) was a 500."""
    if value is None or not _MESSAGE_ID.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if number <= MAX_MESSAGE_ID else None


class _CountedEventSource(EventSourceResponse):
    """Gives the stream's place back however the stream ends (the client leaves, the server stops)."""

    def __init__(self, *args: Any, give_back: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._give_back = give_back

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._give_back()


@candidate_router.get(
    "/{conversation_id}/events",
    summary="Live events for the candidate's chat page (Server-Sent Events: message, mode)",
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
    after = _last_event_id(last_event_id)
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
                for m in await asyncio.to_thread(handoff.pushed_since, conversation_id, after):
                    yield {"event": "message", "id": str(m.id), "data": json.dumps(reply_event(m))}
            while True:
                event = await queue.get()
                out = {"event": event["event"], "data": json.dumps(event["data"])}
                if "id" in event:
                    out["id"] = str(event["id"])
                yield out

    return _CountedEventSource(stream(), ping=15, give_back=lambda: streams.give_back(address))


# A status reply holds someone's application data: after a reload the page shows that it was there,
# not what it said (the conversation id alone is not proof of identity).
STATUS_REDACTED = "(Your application status was shown here. Ask again to see it.)"


@candidate_router.get(
    "/{conversation_id}/messages",
    summary="The conversation so far, for the chat page after a reload",
    response_model=HistoryOut,
)
async def conversation_history(conversation_id: ConversationId) -> HistoryOut:
    messages = await asyncio.to_thread(handoff.history, conversation_id)
    mode = await asyncio.to_thread(handoff.mode_of, conversation_id)
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
            )
            for m in messages
        ],
    )


@candidate_router.post(
    "/{conversation_id}/feedback",
    summary="Rate an answer (thumbs up or down)",
    status_code=204,
    responses={404: {"description": "No such answer in this conversation"}},
)
async def feedback(conversation_id: ConversationId, body: FeedbackIn) -> None:
    await _run(handoff.rate, conversation_id, body.message_id, body.helpful)
