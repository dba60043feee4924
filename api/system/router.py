"""GET /api/health: ready only when Rasa, the action server and the index all are."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import SettingsDep

router = APIRouter(prefix="/api", tags=["system"])


class Health(BaseModel):
    status: str
    parts: dict[str, str]


@router.get(
    "/health",
    summary="Readiness of every part of the assistant",
    response_model=Health,
    responses={503: {"model": Health}},
)
async def health(request: Request, settings: SettingsDep) -> JSONResponse:
    parts: dict[str, str] = {}
    up, total = await request.app.state.rasa.ready()
    if up == 0:
        parts["rasa"] = "not reachable"
    else:  # one live instance of several still serves every conversation (shared tracker store)
        parts["rasa"] = "ok" if up == total else f"ok ({up} of {total} instances)"
    try:
        resp = await request.app.state.http.get(f"{settings.action_server_url}/health", timeout=2.0)
        parts["action_server"] = "ok" if resp.status_code == 200 else f"status {resp.status_code}"
    except httpx.HTTPError:
        parts["action_server"] = "not reachable"
    knowledge = getattr(request.app.state, "knowledge", None)
    parts["index"] = f"ok ({len(knowledge.index.sections)} sections)" if knowledge else "loading"
    ok = all(v.startswith("ok") for v in parts.values())
    body = Health(status="ok" if ok else "unavailable", parts=parts)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
