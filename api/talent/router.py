"""The talent community's routes: the action server's sign-up, and the pages the emails link to
(confirm, unsubscribe). A link only shows a page; its button posts, so a mail scanner that opens
links confirms or unsubscribes no one. Mail clients' one-click unsubscribe (RFC 8058) posts too."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, field_validator

from api.chat.schemas import ErrorOut
from api.deps import ServiceCaller, SettingsDep
from api.jobs.schemas import CriteriaIO
from api.jobs.search import Criteria
from api.talent import service
from api.talent.mail import MailError

router = APIRouter(prefix="/api/talent", tags=["talent community"])
internal_router = APIRouter(prefix="/api/internal/talent", tags=["internal"])

Token = Annotated[str, Query(max_length=200, description="The secret of the emailed link")]
GONE = "This link is not valid any more: it was used already, the sign-up expired, or you unsubscribed."


class JoinIn(BaseModel):
    # The pattern is documented here and enforced, with a readable message, by the validator below.
    email: str = Field(
        max_length=254,
        description="One address: name@example.com",
        json_schema_extra={"pattern": service.EMAIL_PATTERN},
    )
    interests: CriteriaIO | None = Field(default=None, description="The conversation's last job search")
    location: str = Field(default="", max_length=200, description="Where the jobs should be; empty: anywhere")
    consent: Literal[True] = Field(description="The candidate agreed to consent_text (without it nothing is kept)")
    consent_text: str = Field(max_length=1000, description="The purpose they agreed to, as they were shown it")

    @field_validator("email")
    @classmethod
    def _one_address(cls, value: str) -> str:
        if not service.valid_email(value):
            raise ValueError("that is not an email address; ask for one like name@example.com")
        return value


class JoinOut(BaseModel):
    status: str = Field(description="pending: a confirmation email was sent; nothing else is sent before it")


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No or wrong X-Service-Token"},
    422: {"model": ErrorOut, "description": "Not an email address, or no consent"},
    503: {"model": ErrorOut, "description": "The confirmation email could not be sent"},
}


@internal_router.post(
    "/join", summary="Sign a candidate up (double opt-in)", status_code=202, response_model=JoinOut, responses=ERRORS
)
async def join(body: JoinIn, settings: SettingsDep, _: ServiceCaller) -> JoinOut:
    interests = Criteria(**(body.interests.model_dump() if body.interests else {}))
    location = body.location.strip()
    interests = Criteria(
        q=interests.q,
        location="" if location.lower() in ("", "anywhere", "any") else location,
        team=interests.team,
        employment_type=interests.employment_type,
        remote=interests.remote,
    )
    try:
        await asyncio.to_thread(service.join, settings, body.email, interests, body.consent_text)
    except MailError as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "The confirmation email could not be sent; try again later."
        ) from exc
    return JoinOut(status="pending")


def _html(title: str, text: str, code: int = 200, button: str | None = None, action: str | None = None) -> HTMLResponse:
    return HTMLResponse(service.page(title, text, button, action), status_code=code)


@router.get("/confirm", summary="The confirmation page an email links to", response_class=HTMLResponse)
async def confirm_page(token: Token) -> HTMLResponse:
    return _html(
        "Confirm your job emails",
        "Press the button to start getting emails about new jobs that match what you asked for (at most one a day).",
        button="Yes, send me new jobs",
        action=f"/api/talent/confirm?token={token}",
    )


LINK_GONE: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "The link is not valid (used, expired or unsubscribed): an HTML page",
        "content": {"text/html": {}},
    }
}


@router.post("/confirm", summary="Confirm a sign-up", response_class=HTMLResponse, responses=LINK_GONE)
async def confirm(token: Token) -> HTMLResponse:
    try:
        await asyncio.to_thread(service.confirm, token)
    except service.NotAMember:
        return _html("Link not valid", GONE, 404)
    return _html("You're in", "Thank you. We'll email you when new matching jobs are posted, at most once a day.")


@router.get("/unsubscribe", summary="The unsubscribe page an email links to", response_class=HTMLResponse)
async def unsubscribe_page(token: Token) -> HTMLResponse:
    return _html(
        "Unsubscribe",
        "Press the button to stop the job emails. We then delete your address and what you asked for.",
        button="Unsubscribe",
        action=f"/api/talent/unsubscribe?token={token}",
    )


@router.post(
    "/unsubscribe", summary="Unsubscribe (also RFC 8058 one-click)", response_class=HTMLResponse, responses=LINK_GONE
)
async def unsubscribe(token: Token, settings: SettingsDep) -> HTMLResponse:
    try:
        await asyncio.to_thread(service.unsubscribe, settings, token)
    except service.NotAMember:
        return _html("Link not valid", GONE, 404)
    return _html("Unsubscribed", "You won't get any more job emails from us, and we deleted your address.")
