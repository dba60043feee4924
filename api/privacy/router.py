"""DELETE /api/conversations/{id}: a staff member erases a conversation from both tiers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from api.chat.rasa_client import DialogueUnavailable
from api.deps import CurrentStaff, SettingsDep
from api.handoff.router import ConversationId
from api.privacy import service as privacy
from api.privacy.schemas import ErasureOut

router = APIRouter(prefix="/api/conversations", tags=["staff"])

ERRORS: dict[int | str, dict[str, Any]] = {
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
    response_model=ErasureOut,
    responses=ERRORS,
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
