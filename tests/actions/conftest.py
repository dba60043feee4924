"""A stand-in for the service tier (a real aiohttp server on loopback) and tracker helpers."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.service_client as service_client
from actions.settings import ActionSettings


def make_tracker(
    text: str,
    intent: str = "ask_hiring",
    slots: dict | None = None,
    entities: list | None = None,
    metadata: dict | None = None,
) -> Tracker:
    return Tracker(
        sender_id="c1",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


class StandIn:
    """Answers each path with the configured (status, body, delay) and records the requests."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, Any, float]] = {}
        self.requests: list[dict[str, Any]] = []
        self.elapsed = 0.0

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.requests.append({"path": request.path, "headers": dict(request.headers), "body": body})
        status, payload, delay = self.routes.get(request.path, (404, {"detail": "no route"}, 0.0))
        await asyncio.sleep(delay)
        return web.json_response(payload, status=status)

    async def run(self, action, tracker: Tracker, domain: dict, timeout: float = 3.0, status_timeout: float = 2.5):
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        service_client._client = service_client.ServiceClient(
            ActionSettings(
                service_url=f"http://127.0.0.1:{port}",
                service_token="tok",
                timeout_seconds=timeout,
                status_timeout_seconds=status_timeout,
            )
        )
        dispatcher = CollectingDispatcher()
        started = time.monotonic()
        try:
            events = await action.run(dispatcher, tracker, domain)
            self.elapsed = time.monotonic() - started
        finally:
            await service_client._client._http().close()
            service_client._client = None
            await runner.cleanup()
        return dispatcher.messages, events


@pytest.fixture
def stand_in() -> StandIn:
    return StandIn()
