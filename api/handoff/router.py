"""Hand-off endpoints: the staff console's API and the action server's queue request."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Path, Query, Request

from api import metrics
from api.chat.replies import to_replies
from api.chat.schemas import Mode
from api.conversations import service as conversations
from api.conversations.live import reply_event
from api.conversations.schemas import ConversationId
from api.conversations.service import ConversationError
from api.deps import CurrentStaff, ServiceCaller, SettingsDep
from api.handoff import service as handoff
from api.handoff.hours import on_duty
from api.handoff.schemas import (
    ClosedItem,
    HandoffOut,
    HandoffRequest,
    MessageOut,
    QueueItem,
    SavedReplyIn,
    SavedReplyOut,
    StaffMessageIn,
    TranscriptOut,
)
from api.limits import HAS_TEXT
from api.rasa_client import DialogueUnavailable

log = logging.getLogger(__name__)
# A history search needs two visible characters (api/limits.py's HAS_TEXT), anywhere in it.
SEARCHABLE = rf"{HAS_TEXT}[\s\S]*{HAS_TEXT}"

staff_router = APIRouter(prefix="/api/staff", tags=["staff"])
internal_router = APIRouter(prefix="/api/internal", tags=["internal"])


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not staff, or a missing CSRF token"},
    404: {"description": "No such conversation"},
    409: {"description": "Someone else has it, or it is not in the right state"},
}


async def _run(fn: Any, *args: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args)
    except ConversationError as exc:  # a HandoffError too
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
    metrics.HANDOFFS.labels("on_duty" if duty else "off_duty").inc()
    mode = await asyncio.to_thread(conversations.mode_of, body.conversation_id)
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
    "/history",
    summary="Closed conversations (handled by a person) by candidate id or words; read-only",
    response_model=list[ClosedItem],
    responses={**ERRORS, 422: {"description": "The search is shorter than 2 or longer than 100 characters"}},
)
async def history(
    _: CurrentStaff,
    q: Annotated[
        str,
        # Documented here, enforced (with a readable message) below, as the chat's message is.
        Query(
            description="A candidate id, or words they or staff wrote (2-100 characters)",
            # Two characters a person can see, anywhere: the same pattern for the OpenAPI document
            # (ECMA regex) and the check below ("\x1d°" is two characters and one visible one).
            json_schema_extra={"minLength": 2, "maxLength": 100, "pattern": SEARCHABLE},
        ),
    ],
) -> list[ClosedItem]:
    if len(q) > 100 or not re.search(SEARCHABLE, q):
        raise HTTPException(422, "q: type 2-100 characters (a candidate id or words from the conversation)")
    entries = await asyncio.to_thread(handoff.closed, q)
    return [ClosedItem(**e.__dict__) for e in entries]


@staff_router.get(
    "/replies",
    summary="The team's saved replies, by title",
    response_model=list[SavedReplyOut],
    responses=ERRORS,
)
async def saved_replies(_: CurrentStaff) -> list[SavedReplyOut]:
    return [SavedReplyOut(**r.__dict__) for r in await asyncio.to_thread(handoff.saved_replies)]


@staff_router.post(
    "/replies",
    summary="Save a reply for the whole team",
    status_code=201,
    response_model=SavedReplyOut,
    responses={**ERRORS, 409: {"description": "A saved reply already has this title"}},
)
async def save_reply(body: SavedReplyIn, user: CurrentStaff) -> SavedReplyOut:
    saved = await _run(handoff.save_reply, body.title, body.text, user.username)
    return SavedReplyOut(**saved.__dict__)


@staff_router.delete(
    "/replies/{reply_id}",
    summary="Delete a saved reply",
    status_code=204,
    responses=ERRORS,
)
async def delete_reply(reply_id: Annotated[int, Path(ge=1, le=2_147_483_647)], _: CurrentStaff) -> None:
    await _run(handoff.delete_reply, reply_id)


@staff_router.get(
    "/conversations/{conversation_id}",
    summary="The whole transcript, bot turns included",
    response_model=TranscriptOut,
    responses=ERRORS,
)
async def transcript(conversation_id: ConversationId, _: CurrentStaff) -> TranscriptOut:
    conv, messages = await _run(conversations.transcript, conversation_id)
    typed = [m.text for m in messages if m.sender == "candidate" and not conversations.clicked_payload(m)]
    return TranscriptOut(
        conversation_id=conv.id,
        title=conversations.title_of(conv.candidate_id, typed[0] if typed else None),
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
                buttons=m.extra.get("buttons", []),
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
    notice = await _run(handoff.claim, conversation_id, user.username)
    broker = request.app.state.broker
    broker.publish(conversation_id, {"event": "mode", "data": {"mode": "human"}})
    broker.publish(conversation_id, {"event": "message", "id": notice.id, "data": reply_event(notice)})


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
    notice = await _run(handoff.release, conversation_id, username, not greet)
    broker = request.app.state.broker
    broker.publish(conversation_id, {"event": "mode", "data": {"mode": "bot"}})
    broker.publish(conversation_id, {"event": "message", "id": notice.id, "data": reply_event(notice)})
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
            conversations.push,
            conversation_id,
            "bot",
            r.kind,
            r.text,
            None,
            {"buttons": [b.model_dump() for b in r.buttons]},
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
