"""POST /api/chat: the one endpoint the chat page and the widget talk to."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request, status

from api.chat.payloads import sanitise
from api.chat.rasa_client import DialogueUnavailable, RasaClient
from api.chat.replies import to_replies
from api.chat.schemas import ChatRequest, ChatResponse, ErrorOut

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
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    rasa: RasaClient = request.app.state.rasa
    try:
        messages = await rasa.send(body.conversation_id, sanitise(body.message), metadata={})
    except DialogueUnavailable as exc:
        log.warning("dialogue tier unavailable: %s", exc)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is temporarily unavailable. Please try again in a minute.",
        ) from exc
    return ChatResponse(conversation_id=body.conversation_id, replies=to_replies(messages))
