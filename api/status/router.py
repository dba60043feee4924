"""GET /api/status/applications: the signed-in candidate's own applications (action server only).

The action presents the per-turn grant the gateway minted for the message it handles (and the
conversation it belongs to); a candidate's own token is accepted too, for a direct integration."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status

from api.deps import ServiceCaller, SettingsDep
from api.status.adapters import StatusAdapter, StatusUnavailable
from api.status.schemas import StatusResponse
from api.tokens import bearer, verify, verify_turn_grant

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/status", tags=["status"])


@router.get(
    "/applications",
    summary="The applications of the candidate whose token is presented",
    response_model=StatusResponse,
    responses={
        401: {"description": "Missing service token, or a missing, expired or invalid candidate token"},
        503: {"description": "The status source did not answer in time, or the database is not available"},
    },
)
async def applications(
    request: Request,
    settings: SettingsDep,
    _: ServiceCaller,
    authorization: Annotated[str | None, Header(description="Bearer <turn grant or candidate token>")] = None,
    x_conversation_id: Annotated[str | None, Header(description="The conversation a turn grant is for")] = None,
) -> StatusResponse:
    credential = bearer(authorization)
    identity = verify_turn_grant(settings, credential, x_conversation_id)
    if identity.status == "invalid":  # not a grant (or not for this conversation): a candidate token?
        identity = verify(settings, credential)
    if identity.status != "valid" or identity.candidate_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"The candidate token is {identity.status}; sign in again.")
    adapter: StatusAdapter = request.app.state.status
    try:
        apps = await adapter.applications(identity.candidate_id)
    except StatusUnavailable as exc:
        log.warning("status source unavailable: %s", exc)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "Application status is unavailable right now."
        ) from exc
    return StatusResponse(candidate_id=identity.candidate_id, applications=apps)
