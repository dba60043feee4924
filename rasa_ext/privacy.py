"""Erasure, export and retention of conversation trackers, on Rasa's own server.

The tracker store belongs to the Rasa process: it holds live trackers in memory
(rasa_ext/tracker_store.py), so the service tier cannot erase a conversation by deleting database
rows itself. These routes are served by Rasa's own server through a channel named in
credentials.yml (`rasa_ext.privacy.PrivacyChannel`, a public seam of Rasa: its blueprint is mounted
at its `url_prefix`, here `/ca`); it receives no messages. The service tier calls them over loopback
with `Authorization: Bearer <CA_SERVICE_TOKEN>`:

  DELETE /ca/conversations/<id>/tracker   delete the conversation's events and cached tracker
  GET    /ca/conversations/<id>/tracker   its stored events (for an export)
  POST   /ca/trackers/purge {"before": t} delete every conversation idle since Unix time t

Each deletion holds the conversation's lock, so a message being handled finishes first and is
deleted with the rest. Deleting is idempotent: an unknown conversation deletes 0 events.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json

from rasa_ext.service_auth import authorized
from rasa_ext.tracker_store import CachedSQLTrackerStore

log = logging.getLogger(__name__)


def find_store(tracker_store: Any) -> CachedSQLTrackerStore | None:
    """Our store inside Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore)."""
    store = tracker_store
    for _ in range(5):
        if isinstance(store, CachedSQLTrackerStore):
            return store
        store = getattr(store, "_tracker_store", None)
    return None


def _forget_fallback_copy(tracker_store: Any, sender_id: str) -> None:
    """Rasa's fail-safe wrapper keeps a tracker in memory when a save to the database failed."""
    fallback = getattr(tracker_store, "_fallback_tracker_store", None)
    if isinstance(fallback, InMemoryTrackerStore):
        fallback.store.pop(sender_id, None)


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class PrivacyChannel(InputChannel):
    """Erasure, export and retention routes for the service tier, under /ca (not /webhooks/...)."""

    @classmethod
    def name(cls) -> str:
        return "privacy"

    def __init__(self, service_token: str) -> None:
        self._service_token = service_token

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PrivacyChannel:
        # As the gateway channel: the secret comes from the environment, never from a file here.
        token = (credentials or {}).get("service_token") or os.environ.get("CA_SERVICE_TOKEN", "")
        if not token:
            raise ValueError("CA_SERVICE_TOKEN is not set: the privacy routes would refuse every call")
        return cls(str(token))

    def url_prefix(self) -> str:
        # Rasa mounts a channel at urljoin("/webhooks/", url_prefix()): an absolute path stays as is.
        return "/ca"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        add_routes(routes, self._service_token)
        return routes


def add_routes(routes: Blueprint, service_token: str) -> None:
    """The routes, relative to the channel's prefix /ca."""

    def guarded(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Awaitable[HTTPResponse]]:
        @functools.wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            try:
                if not authorized(request.headers.get("authorization"), service_token):
                    raise _Refused(401, "Send Authorization: Bearer <CA_SERVICE_TOKEN>.")
                return await handler(request, *args, **kwargs)
            except _Refused as exc:
                return json({"detail": exc.detail}, status=exc.status)

        return checked

    def agent_and_store(request: Request) -> tuple[Any, CachedSQLTrackerStore]:
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            raise _Refused(503, "Rasa is still loading its model; try again shortly.")
        store = find_store(agent.tracker_store)
        if store is None:
            name = type(agent.tracker_store).__name__
            raise _Refused(501, f"The tracker store ({name}) is not rasa_ext.tracker_store.CachedSQLTrackerStore.")
        return agent, store

    async def delete(agent: Any, store: CachedSQLTrackerStore, sender_id: str, idle_before: float | None) -> int:
        async with agent.lock_store.lock(sender_id):
            deleted = store.delete_conversation(sender_id, idle_before)
            _forget_fallback_copy(agent.tracker_store, sender_id)
            return deleted

    @guarded
    async def delete_tracker(request: Request, conversation_id: str) -> HTTPResponse:
        agent, store = agent_and_store(request)
        deleted = await delete(agent, store, conversation_id, None)
        log.info("erased a conversation tracker (%d events)", deleted)
        return json({"events_deleted": deleted})

    @guarded
    async def tracker_events(request: Request, conversation_id: str) -> HTTPResponse:
        _, store = agent_and_store(request)
        return json({"events": store.stored_events(conversation_id)})

    @guarded
    async def purge(request: Request) -> HTTPResponse:
        agent, store = agent_and_store(request)
        body = request.json if isinstance(request.json, dict) else {}
        before = body.get("before")
        if not isinstance(before, (int, float)) or isinstance(before, bool):
            raise _Refused(422, 'Send {"before": <Unix time>}.')
        conversations = events = 0
        # Off Rasa's event loop: on a store of four million events the query took 7 s, and every chat
        # message waiting behind it timed out (the API answered 503).
        idle = await asyncio.to_thread(store.idle_since, float(before))
        for sender_id in idle:
            deleted = await delete(agent, store, sender_id, float(before))
            conversations += 1 if deleted else 0
            events += deleted
        if conversations:
            log.info("retention: purged %d conversation trackers (%d events)", conversations, events)
        return json({"conversations": conversations, "events_deleted": events})

    tracker = "/conversations/<conversation_id:str>/tracker"
    routes.add_route(delete_tracker, tracker, methods=["DELETE"], name="ca_delete_tracker")
    routes.add_route(tracker_events, tracker, methods=["GET"], name="ca_tracker_events")
    routes.add_route(purge, "/trackers/purge", methods=["POST"], name="ca_purge_trackers")
