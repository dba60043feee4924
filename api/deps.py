"""Shared FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

import asyncio
import hmac
import math
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, APIKeyHeader

from api.chat.schemas import ChatRequest, ErrorOut
from api.config import Settings, get_settings
from api.knowledge.service import KnowledgeService
from api.ratelimit import RateLimiter
from api.users import service as users
from api.users.schemas import Credentials
from api.users.service import SignedIn


async def settings() -> Settings:
    return get_settings()


# The dependencies here are `async def` although none of them awaits: FastAPI runs a plain `def`
# dependency in its thread pool, and that hop cost more CPU than anything they do (about a fifth of
# the API's time per chat message under load, measured with py-spy).
SettingsDep = Annotated[Settings, Depends(settings)]


async def get_knowledge(request: Request) -> KnowledgeService:
    knowledge: KnowledgeService | None = getattr(request.app.state, "knowledge", None)
    if knowledge is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "The knowledge index is still loading; try again shortly."
        )
    return knowledge


KnowledgeDep = Annotated[KnowledgeService, Depends(get_knowledge)]


# Declared as security schemes (not plain parameters) so that the OpenAPI document says which
# operations need which credentials, and schemathesis' `ignored_auth` check holds them to it.
# auto_error=False: the dependencies below refuse with their own readable `detail`.
_service_token = APIKeyHeader(
    name="X-Service-Token",
    scheme_name="serviceToken",
    description="The shared secret CA_SERVICE_TOKEN: for the action server and Rasa only",
    auto_error=False,
)
SESSION_COOKIE = "ca_session"
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="staffSession",
    description="Set by POST /api/staff/login (staff and writers); state-changing requests also need the "
    "X-CSRF-Token header with the csrf_token the sign-in returned",
    auto_error=False,
)


def same_secret(sent: str, expected: str) -> bool:
    """A constant-time comparison of a header's value with a secret. On bytes: compare_digest refuses
    a str with non-ASCII characters (TypeError, a 500), and a header may hold any byte."""
    return hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))


async def require_service_token(
    settings: SettingsDep, x_service_token: Annotated[str | None, Depends(_service_token)] = None
) -> None:
    expected = settings.service_secret()
    if not x_service_token or not same_secret(x_service_token, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "This endpoint is for the action server; send X-Service-Token."
        )


ServiceCaller = Annotated[None, Depends(require_service_token)]


async def current_user(request: Request, session: Annotated[str | None, Depends(_session_cookie)] = None) -> SignedIn:
    """The signed-in staff member or writer; state-changing requests also need the CSRF header."""
    user = await asyncio.to_thread(users.current, session)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Sign in at /staff/login first.")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token", "")
        if not same_secret(sent, user.csrf_token):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Missing or wrong X-CSRF-Token header; reload the page.")
    return user


CurrentUser = Annotated[SignedIn, Depends(current_user)]


async def current_staff(user: CurrentUser) -> SignedIn:
    if user.role != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only support staff can do this.")
    return user


CurrentStaff = Annotated[SignedIn, Depends(current_staff)]


# The 503 of every route that uses the database (api/main.py answers it), for the OpenAPI document.
DATABASE_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorOut, "description": "The database is not available right now; try again in a minute"}
}

# The 429 of the rate-limited routes, for their OpenAPI `responses`.
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorOut,
        "description": "Too many requests from this conversation, address or account; wait and try again",
        "headers": {
            "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
        },
    }
}


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


async def _limit(request: Request, checks: list[tuple[str, str]], too_many: str) -> None:
    """Counts the request against each rate in turn; the first one it exceeds refuses it with 429.
    Later rates are not counted for a refused request."""
    limiter: RateLimiter = request.app.state.limiter
    for name, value in checks:
        wait = await limiter.wait(name, value)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"{too_many}; please wait {_wait_text(seconds)} and try again.",
                headers={"Retry-After": str(seconds)},
            )


async def limit_chat(request: Request, body: ChatRequest) -> None:
    limiter: RateLimiter = request.app.state.limiter
    checks = [("chat_address", limiter.address(request)), ("chat_conversation", body.conversation_id)]
    await _limit(request, checks, "Too many messages")


ChatRateLimit = Annotated[None, Depends(limit_chat)]


async def limit_login(request: Request, body: Credentials) -> None:
    limiter: RateLimiter = request.app.state.limiter
    # Case-folded so that spelling a name differently never opens a second budget.
    checks = [("login_address", limiter.address(request)), ("login_username", body.username.casefold())]
    await _limit(request, checks, "Too many sign-in attempts")


LoginRateLimit = Annotated[None, Depends(limit_login)]
