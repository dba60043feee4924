"""Serves the pages: a demo careers page with the widget at /, /widget.js, the staff console at /staff."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).parent / "static"
# Swagger UI's files as the fastapi-offline package ships them (a recent Swagger UI 5, which reads
# OpenAPI 3.1); only these files of the package are used.
SWAGGER_UI_DIR = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(tags=["pages"])


@router.get("/", summary="The candidate chat page", response_class=FileResponse, include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html")


@router.get("/widget.js", summary="The embeddable chat widget", response_class=FileResponse, include_in_schema=False)
async def widget() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "widget.js", media_type="text/javascript", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get(
    "/privacy", summary="Privacy notice of the chat (demo)", response_class=FileResponse, include_in_schema=False
)
async def privacy() -> FileResponse:
    return FileResponse(STATIC_DIR / "privacy.html")


@router.get("/staff", summary="The staff console", response_class=FileResponse, include_in_schema=False)
async def staff() -> FileResponse:
    # The page itself holds no data; every call it makes requires a signed-in staff member.
    return FileResponse(STATIC_DIR / "staff.html")


@router.get("/staff/insights", summary="The insights dashboard", response_class=FileResponse, include_in_schema=False)
async def insights() -> FileResponse:
    # Like /staff: the page holds no data; /api/insights needs a signed-in staff member or writer.
    return FileResponse(STATIC_DIR / "insights.html")


@router.get("/writers", summary="The writers' page", response_class=FileResponse, include_in_schema=False)
async def writers() -> FileResponse:
    # Like /staff: the page holds no data; its API calls need a signed-in writer or staff member.
    return FileResponse(STATIC_DIR / "writers.html")


@router.get("/staff/login", summary="Staff sign-in", response_class=FileResponse, include_in_schema=False)
async def staff_login() -> FileResponse:
    return FileResponse(STATIC_DIR / "staff-login.html")


@router.get(
    "/docs", summary="The API's interactive documentation", response_class=FileResponse, include_in_schema=False
)
async def docs() -> FileResponse:
    # FastAPI's own /docs loads Swagger UI from a CDN, which the pages' CSP (script-src 'self')
    # blocks: this page loads the copy the app serves at /docs/assets (api/main.py).
    return FileResponse(STATIC_DIR / "docs.html")
