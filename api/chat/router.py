"""POST /api/chat: the one endpoint the chat page and the widget talk to."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar, cast

from fastapi import APIRouter, Header, HTTPException, Request, status

from api import db, metrics
from api.chat.payloads import sanitise
from api.chat.replies import offer_person, to_replies
from api.chat.schemas import Button, ChatRequest, ChatResponse, ErrorOut, JobCard, Mode, Reply, Source
from api.conversations import service as conversations
from api.conversations.service import StoredMessage
from api.deps import RATE_LIMITED, ChatRateLimit, SettingsDep
from api.rasa_client import DialogueBusy, DialogueUnavailable, RasaClient
from api.tokens import Identity, bearer, issue_turn_grant, verify

log = logging.getLogger(__name__)
T = TypeVar("T")

router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    summary="Send a candidate's message and get the assistant's replies",
    response_model=ChatResponse,
    responses={
        413: {"model": ErrorOut, "description": "Body over 64 KB"},
        422: {"model": ErrorOut, "description": "Empty or too long message, malformed id or invalid JSON"},
        403: {
            "model": ErrorOut,
            "description": "The conversation belongs to another signed-in candidate; start a new conversation",
        },
        503: {
            "model": ErrorOut,
            "description": "The dialogue tier or the database is not reachable; nothing was stored",
        },
        409: {
            "model": ErrorOut,
            "description": "A copy of this message (same client_message_id) was stored and erased meanwhile",
        },
        **RATE_LIMITED,
    },
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
    # Refused before anything is stored or sent to Rasa.
    _: ChatRateLimit,
    authorization: Annotated[
        str | None, Header(description="Bearer <signed candidate token>, for status look-ups")
    ] = None,
) -> ChatResponse:
    with metrics.CHAT_SECONDS.time():
        response = await _chat(body, request, settings, authorization)
    # Exactly what the client receives, replays of a retried message included.
    for reply in response.replies:
        metrics.reply_counted(reply.kind)
    return response


async def _chat(body: ChatRequest, request: Request, settings: SettingsDep, authorization: str | None) -> ChatResponse:
    rasa: RasaClient = request.app.state.rasa
    # Only the gateway writes metadata (Rasa's channel takes messages from it alone), and only from
    # a verified token. The token itself never reaches the dialogue tier, whose tracker store keeps
    # metadata: the action presents a grant for this turn and conversation to the status endpoint.
    identity = verify(settings, bearer(authorization))
    cid = body.conversation_id
    auth: dict[str, str] = {"status": identity.status}
    if identity.status == "valid" and identity.candidate_id:
        seconds = settings.rasa_timeout_seconds + settings.dialogue_queue_seconds + 5
        auth.update(
            candidate_id=identity.candidate_id,
            grant=issue_turn_grant(settings, identity.candidate_id, cid, seconds),
        )
    text = sanitise(body.message)
    asked = body.client_message_id
    if asked is not None and (done := await _replay(cid, asked, identity)) is not None:
        return done
    # Most messages are questions, and a question's search usually waits for its vector (in 6 of
    # 10 sequential questions, measured: 5.0 ms for the search then, 0.5 ms when the vector was
    # ready). So the embedding starts first, before the hand-off check, and runs while Rasa works.
    with request.app.state.knowledge.prefetching(text, cid):
        try:
            mode, pushed = await _owned(
                db.run(conversations.message_for_a_person, cid, body.message, identity.candidate_id, asked)
            )
        except conversations.AlreadyStored:
            return await _replayed(cid, asked, identity)
        if mode != "bot":
            # A person has (or will take) the conversation: the bot stays silent.
            metrics.CHAT_MESSAGES.inc()
            return ChatResponse(conversation_id=cid, mode=cast(Mode, mode), replies=[_pushed(m) for m in pushed])
        # Rasa knows the message by this id too: a copy the gateway or the client sends again, after
        # an instance died with it, is answered from the tracker rather than handled twice.
        with metrics.DIALOGUE_SECONDS.time():
            messages = await _dialogue(rasa, cid, text, auth, asked or uuid.uuid4().hex)
    replies = to_replies(messages)
    replies = _for_the_sender(identity, replies)
    version = request.app.state.knowledge.index.version
    # The message and its replies in one transaction: when Rasa or the database fails the client is
    # told (503) and nothing of this turn is stored, so its retry leaves no duplicate.
    try:
        mode, unhelpful, ids, pushed = await _owned(
            db.run(
                conversations.bot_replies,
                cid,
                [r.model_dump() for r in replies],
                version,
                body.message,
                identity.candidate_id,
                asked,
            )
        )
    except conversations.AlreadyStored:
        # A copy of this message (a retry whose first try is still running) was stored meanwhile.
        return await _replayed(cid, asked, identity)
    metrics.CHAT_MESSAGES.inc()
    for reply, message_id in zip(replies, ids, strict=True):
        reply.id = message_id
    if mode == "bot" and unhelpful >= 2:
        offer_person(replies)
    return ChatResponse(conversation_id=cid, mode=cast(Mode, mode), replies=[_pushed(m) for m in pushed] + replies)


async def _replay(cid: str, asked: str, identity: Identity) -> ChatResponse | None:
    """The stored answer to a message this conversation already has (by its client id), or None."""
    done = await _owned(db.run(conversations.replayed, cid, asked, identity.candidate_id))
    if done is None:
        return None
    mode, replies = done
    return ChatResponse(
        conversation_id=cid, mode=cast(Mode, mode), replies=_for_the_sender(identity, [_pushed(m) for m in replies])
    )


async def _replayed(cid: str, asked: str | None, identity: Identity) -> ChatResponse:
    done = await _replay(cid, asked or "", identity)
    if done is None:  # erased in between: nothing to replay
        raise HTTPException(status.HTTP_409_CONFLICT, "This message was just sent; reload the conversation.")
    return done


async def _owned(work: Awaitable[T]) -> T:
    """The stored work of a turn, or 403 when the conversation belongs to another candidate."""
    try:
        return await work
    except conversations.NotYours as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from exc


def _for_the_sender(identity: Identity, replies: list[Reply]) -> list[Reply]:
    """Defence in depth: whatever the dialogue did (or a replay of a stored turn holds), no status
    detail answers a request without a valid candidate token."""
    if identity.status == "valid":
        return replies
    return [_sign_in_first(identity.status) if r.kind == "status" else r for r in replies]


def _sign_in_first(identity_status: str) -> Reply:
    expired = identity_status == "expired"
    return Reply(
        kind="verify",
        text=(
            "Your session has expired, so I can't show application details. Please sign in again and ask me once more."
            if expired
            else "I can only show application details once you're signed in. Sign in on the careers site and ask me again."
        ),
    )


async def _dialogue(
    rasa: RasaClient, cid: str, text: str, auth: dict[str, str], message_id: str
) -> list[dict[str, Any]]:
    """Rasa's replies to the message; 503 when the dialogue tier is busy or down."""
    try:
        return await rasa.send(cid, text, metadata={"auth": auth}, message_id=message_id)
    except DialogueBusy as exc:
        log.warning("dialogue tier busy: %s", exc)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is very busy right now. Please send your message again in a few seconds.",
            headers={"Retry-After": "5"},
        ) from exc
    except DialogueUnavailable as exc:
        log.warning("dialogue tier unavailable: %s", exc)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is temporarily unavailable. Please try again in a minute.",
        ) from exc


def _pushed(m: StoredMessage) -> Reply:
    return Reply(
        id=m.id,
        kind=m.kind,  # type: ignore[arg-type]
        text=m.text,
        buttons=[Button(**b) for b in m.extra.get("buttons", [])],
        sources=[Source(**x) for x in m.extra.get("sources", [])],
        jobs=[JobCard(**j) for j in m.extra.get("jobs", [])],
    )
