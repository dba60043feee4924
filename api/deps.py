"""Shared FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from api.config import Settings, get_settings
from api.knowledge.service import KnowledgeService
from api.users import service as users
from api.users.service import SignedIn

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


SESSION_COOKIE = "ca_session"


async def current_user(request: Request) -> SignedIn:
    """The signed-in staff member or writer; state-changing requests also need the CSRF header."""
    user = await asyncio.to_thread(users.current, request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Sign in at /staff/login first.")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent, user.csrf_token):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Missing or wrong X-CSRF-Token header; reload the page.")
    return user


CurrentUser = Annotated[SignedIn, Depends(current_user)]


async def current_staff(user: CurrentUser) -> SignedIn:
    if user.role != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only support staff can do this.")
    return user


CurrentStaff = Annotated[SignedIn, Depends(current_staff)]
