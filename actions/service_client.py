"""HTTP client for the service tier (loopback), created lazily on first use."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from actions.settings import ActionSettings, get_settings

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """The service tier did not give a usable answer in time."""


class NotVerified(Exception):
    """The status endpoint refused the candidate token (expired or invalid)."""


class ServiceClient:
    def __init__(self, settings: ActionSettings) -> None:
        self._settings = settings
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        # Created inside the running loop on first use: nothing connects at import time.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                base_url=self._settings.service_url,
                timeout=aiohttp.ClientTimeout(total=self._settings.timeout_seconds),
                headers={"X-Service-Token": self._settings.service_token},
            )
        return self._session

    async def _json(self, method: str, path: str, what: str, body: dict[str, Any] | None = None) -> Any:
        """The JSON of a 200 answer; anything else (another status, no answer in time, not JSON) is
        ServiceUnavailable, named after `what`."""
        try:
            async with self._http().request(method, path, json=body) as resp:
                if resp.status != 200:
                    raise ServiceUnavailable(f"{what} answered {resp.status}")
                return await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc

    async def search(
        self,
        query: str,
        previous: str | None,
        section_id: str | None,
        intent: str | None,
        conversation_id: str = "",
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # The conversation lets the service find the vector it started on when the message came in;
        # the context (the slots' state) lets it resolve a follow-up.
        body = {
            "query": query,
            "previous": previous,
            "section_id": section_id,
            "nlu_intent": intent,
            "conversation_id": conversation_id,
            "context": context,
        }
        result: dict[str, Any] = await self._json("POST", "/api/internal/search", "search", body)
        return result

    async def applications(self, grant: str, conversation_id: str) -> list[dict[str, Any]]:
        """The signed-in candidate's applications: the gateway's grant for this turn and conversation,
        not anything typed, says whose."""
        headers = {"Authorization": f"Bearer {grant}", "X-Conversation-Id": conversation_id}
        timeout = aiohttp.ClientTimeout(total=self._settings.status_timeout_seconds)
        try:
            async with self._http().get("/api/status/applications", headers=headers, timeout=timeout) as resp:
                if resp.status == 401:
                    raise NotVerified
                if resp.status != 200:
                    raise ServiceUnavailable(f"status answered {resp.status}")
                return list((await resp.json())["applications"])
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError) as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc

    async def handoff(self, conversation_id: str, candidate_id: str | None) -> dict[str, Any]:
        """Queue the conversation for a person; returns {mode, position, on_duty}."""
        body = {"conversation_id": conversation_id, "candidate_id": candidate_id}
        return dict(await self._json("POST", "/api/internal/handoff", "handoff", body))

    async def practice_questions(self) -> list[dict[str, Any]]:
        """The practice questions by principle: [{name, description, questions: [{id, text, principle}]}]."""
        answer = await self._json("GET", "/api/practice/questions", "practice questions")
        try:
            return list(answer["principles"])
        except KeyError as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc

    async def practice_review(self, answer: str, question_id: str | None) -> dict[str, Any]:
        """Feedback on a practice answer (the service keeps nothing; the service token exempts this
        call from the per-address limit, the chat's limits having counted the message)."""
        body = {"answer": answer, "question_id": question_id}
        try:
            async with self._http().post("/api/practice/review", json=body) as resp:
                if resp.status == 404 and question_id is not None:
                    # The question left the bank since it was asked (a writer's edit): review it alone.
                    return await self.practice_review(answer, None)
                if resp.status != 200:
                    raise ServiceUnavailable(f"practice review answered {resp.status}")
                return dict(await resp.json())
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc

    async def search_jobs(
        self, text: str, previous: dict[str, Any] | None, more: bool = False, offset: int = 0, limit: int = 5
    ) -> dict[str, Any]:
        """The jobs a chat message asks for: the service reads the role, place and type from the text,
        refining `previous` (the last search's criteria) for a follow-up; `more` pages `previous`."""
        body = {"text": text, "previous": previous, "more": more, "offset": offset, "limit": limit}
        return dict(await self._json("POST", "/api/internal/jobs/search", "job search", body))

    async def join_talent_community(
        self, email: str, interests: dict[str, Any] | None, location: str, consent_text: str
    ) -> int:
        """Signs the candidate up (the service sends the confirmation email); returns the HTTP status:
        202 pending, 422 not an address. Anything else raises ServiceUnavailable."""
        body = {
            "email": email,
            "interests": interests,
            "location": location,
            "consent": True,
            "consent_text": consent_text,
        }
        try:
            async with self._http().post("/api/internal/talent/join", json=body) as resp:
                if resp.status not in (202, 422):
                    raise ServiceUnavailable(f"talent sign-up answered {resp.status}")
                return resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc


_client: ServiceClient | None = None


def get_client() -> ServiceClient:
    global _client
    if _client is None:
        _client = ServiceClient(get_settings())
    return _client
