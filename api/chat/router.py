"""POST /api/chat: the one endpoint the chat page and the widget talk to."""

from __future__ import annotations

import logging
from typing import Annotated, Any, cast

from fastapi import APIRouter, Header, HTTPException, Request, status

from api import db
from api.chat.payloads import sanitise
from api.chat.rasa_client import DialogueBusy, DialogueUnavailable, RasaClient
from api.chat.replies import offer_person, to_replies
from api.chat.schemas import Button, ChatRequest, ChatResponse, ErrorOut, Mode, Reply, Source
from api.deps import RATE_LIMITED, ChatRateLimit, SettingsDep
from api.handoff import service as handoff
from api.handoff.service import StoredMessage
from api.tokens import bearer, verify

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    summary="Send a candidate's message and get the assistant's replies",
    response_model=ChatResponse,
    responses={
        413: {"model": ErrorOut, "description": "Body over 64 KB"},
        422: {"model": ErrorOut, "description": "Empty or too long message, malformed id or invalid JSON"},
        503: {
            "model": ErrorOut,
            "description": "The dialogue tier or the database is not reachable; nothing was stored",
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
    rasa: RasaClient = request.app.state.rasa
    # Only the gateway writes metadata, and only from a verified token: the action presents the
    # token to the status endpoint, which returns that candidate's applications and no others.
    token = bearer(authorization)
    identity = verify(settings, token)
    auth: dict[str, str] = {"status": identity.status}
    if identity.status == "valid" and identity.candidate_id and token:
        auth.update(candidate_id=identity.candidate_id, token=token)
    cid = body.conversation_id
    text = sanitise(body.message)
    # Most messages are questions, and a question's search usually waits for its vector (in 6 of
    # 10 sequential questions, measured: 5.0 ms for the search then, 0.5 ms when the vector was
    # ready). So the embedding starts first, before the hand-off check, and runs while Rasa works.
    with request.app.state.knowledge.prefetching(text, cid):
        mode, pushed = await db.run(handoff.message_for_a_person, cid, body.message, identity.candidate_id)
        if mode != "bot":
            # A person has (or will take) the conversation: the bot stays silent.
            return ChatResponse(conversation_id=cid, mode=cast(Mode, mode), replies=[_pushed(m) for m in pushed])
        messages = await _dialogue(rasa, cid, text, auth)
    replies = to_replies(messages)
    version = request.app.state.knowledge.index.version
    # The message and its replies in one transaction: when Rasa or the database fails the client is
    # told (503) and nothing of this turn is stored, so its retry leaves no duplicate.
    mode, unhelpful, ids, pushed = await db.run(
        handoff.bot_replies, cid, [r.model_dump() for r in replies], version, body.message, identity.candidate_id
    )
    for reply, message_id in zip(replies, ids, strict=True):
        reply.id = message_id
    if mode == "bot" and unhelpful >= 2:
        offer_person(replies)
    return ChatResponse(conversation_id=cid, mode=cast(Mode, mode), replies=[_pushed(m) for m in pushed] + replies)


async def _dialogue(rasa: RasaClient, cid: str, text: str, auth: dict[str, str]) -> list[dict[str, Any]]:
    """Rasa's replies to the message; 503 when the dialogue tier is busy or down."""
    try:
        return await rasa.send(cid, text, metadata={"auth": auth})
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
    )
