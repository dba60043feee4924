"""Sign-in for staff and writers: a session cookie (HttpOnly, SameSite=Strict) plus a CSRF token."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, Response, status

from api.deps import RATE_LIMITED, SESSION_COOKIE, CurrentUser, LoginRateLimit, SettingsDep
from api.users import service as users
from api.users.schemas import Credentials, Me
from api.users.service import SESSION_HOURS

router = APIRouter(prefix="/api/staff", tags=["staff"])


@router.post(
    "/login",
    summary="Sign in (sets the session cookie)",
    response_model=Me,
    responses={401: {"description": "Wrong username or password"}, **RATE_LIMITED},
)
async def login(body: Credentials, response: Response, settings: SettingsDep, _: LoginRateLimit) -> Me:
    result = await asyncio.to_thread(users.sign_in, body.username, body.password)
    if result is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password.")
    token, user = result
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return Me(username=user.username, role=user.role, csrf_token=user.csrf_token)


@router.post("/logout", summary="Sign out", status_code=204, responses={401: {"description": "Not signed in"}})
async def logout(request: Request, response: Response, _: CurrentUser) -> None:
    await asyncio.to_thread(users.sign_out, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", summary="Who is signed in", response_model=Me, responses={401: {"description": "Not signed in"}})
async def me(user: CurrentUser) -> Me:
    return Me(username=user.username, role=user.role, csrf_token=user.csrf_token)
