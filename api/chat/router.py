"""POST /api/chat: the one endpoint the chat page and the widget talk to."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status

from api.chat.payloads import sanitise
from api.chat.rasa_client import DialogueUnavailable, RasaClient
from api.chat.replies import to_replies
from api.chat.schemas import ChatRequest, ChatResponse, ErrorOut
from api.deps import SettingsDep
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
        503: {"model": ErrorOut, "description": "The dialogue tier is not reachable"},
    },
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
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
    try:
        messages = await rasa.send(body.conversation_id, sanitise(body.message), metadata={"auth": auth})
    except DialogueUnavailable as exc:
        log.warning("dialogue tier unavailable: %s", exc)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is temporarily unavailable. Please try again in a minute.",
        ) from exc
    return ChatResponse(conversation_id=body.conversation_id, replies=to_replies(messages))
