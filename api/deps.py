"""Shared FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from api.config import Settings, get_settings
from api.knowledge.service import KnowledgeService

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_knowledge(request: Request) -> KnowledgeService:
    knowledge: KnowledgeService | None = getattr(request.app.state, "knowledge", None)
    if knowledge is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "The knowledge index is still loading; try again shortly."
        )
    return knowledge


KnowledgeDep = Annotated[KnowledgeService, Depends(get_knowledge)]


def require_service_token(settings: SettingsDep, x_service_token: Annotated[str | None, Header()] = None) -> None:
    expected = settings.service_token.get_secret_value()
    if not x_service_token or not hmac.compare_digest(x_service_token, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "This endpoint is for the action server; send X-Service-Token."
        )


ServiceCaller = Annotated[None, Depends(require_service_token)]
