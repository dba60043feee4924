"""Serves the pages: the candidate chat at /, the staff console at /staff."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(tags=["pages"])


@router.get("/", summary="The candidate chat page", response_class=FileResponse, include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html")


@router.get("/staff", summary="The staff console", response_class=FileResponse, include_in_schema=False)
async def staff() -> FileResponse:
    # The page itself holds no data; every call it makes requires a signed-in staff member.
    return FileResponse(STATIC_DIR / "staff.html")


@router.get("/staff/login", summary="Staff sign-in", response_class=FileResponse, include_in_schema=False)
async def staff_login() -> FileResponse:
    return FileResponse(STATIC_DIR / "staff-login.html")
