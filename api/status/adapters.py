"""Where application status comes from: the built-in store (default) or an ATS over HTTP."""

from __future__ import annotations

import asyncio
from typing import Protocol

import httpx
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from api.config import Settings
from api.status.schemas import ApplicationOut


class StatusUnavailable(Exception):
    """The status source did not answer in time or answered nonsense."""


class StatusAdapter(Protocol):
    async def applications(self, candidate_id: str) -> list[ApplicationOut]:
        """The candidate's applications, most recently updated first."""
        ...


class BuiltinStatusAdapter:
    """The service tier's own tables (api/status/models.py), filled by `python -m api.status import`."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout

    async def applications(self, candidate_id: str) -> list[ApplicationOut]:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self._query, candidate_id), self._timeout)
        except (TimeoutError, SQLAlchemyError) as exc:
            raise StatusUnavailable(type(exc).__name__) from exc

    @staticmethod
    def _query(candidate_id: str) -> list[ApplicationOut]:
        from api.db import session_scope
        from api.status.models import Application

        with session_scope() as session:
            rows = session.scalars(
                select(Application)
                .where(Application.candidate_id == candidate_id)
                .order_by(Application.last_update.desc(), Application.id)
            ).all()
            return [ApplicationOut.model_validate(row, from_attributes=True) for row in rows]


_LIST = TypeAdapter(list[ApplicationOut])


class HttpStatusAdapter:
    """A company's applicant-tracking system: GET {base}/candidates/{id}/applications -> JSON list of
    objects with the fields of ApplicationOut (stage and state from the documented vocabularies)."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def applications(self, candidate_id: str) -> list[ApplicationOut]:
        try:
            resp = await self._http.get(f"/candidates/{candidate_id}/applications")
            if resp.status_code == 404:
                return []
            resp.raise_for_status()
            return _LIST.validate_python(resp.json())
        except (httpx.HTTPError, ValueError, ValidationError) as exc:
            raise StatusUnavailable(type(exc).__name__) from exc


def create_adapter(settings: Settings) -> StatusAdapter:
    if settings.status_adapter == "http":
        if not settings.status_ats_url:
            raise RuntimeError("CA_STATUS_ADAPTER=http needs CA_STATUS_ATS_URL")
        return HttpStatusAdapter(settings.status_ats_url, settings.status_timeout_seconds)
    return BuiltinStatusAdapter(settings.status_timeout_seconds)
