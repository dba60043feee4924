"""What the Rasa server does around start-up, registered by the gateway channel (rasa_ext/channels.py,
named in credentials.yml) as Sanic listeners on its blueprint, so `rasa run` runs them.

Before the server starts (before Rasa's own listener loads the model, which is registered later):
  * umask 077: everything Rasa creates (the tracker database and its -wal/-shm files, unpacked
    models) is readable by this user only, as the trackers hold every conversation;
  * log records are scrubbed of emails, tokens and phone numbers (the shared `redaction` package, libs/redaction/).
After it has started (the model is loaded):
  * the agent's action endpoint keeps one HTTP session (`KeptAliveEndpoint`);
  * what start-up built is moved out of the garbage collector's sight (`freeze_what_startup_built`).
"""

from __future__ import annotations

import asyncio
import gc
import os
from typing import Any

import aiohttp
import redaction
import ujson
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from sanic import Blueprint


def register(blueprint: Blueprint) -> None:
    blueprint.listener("before_server_start")(before_start)
    blueprint.listener("after_server_start")(after_start)


async def before_start(_app: Any, _loop: Any) -> None:
    os.umask(0o077)
    redaction.install()


async def after_start(app: Any, _loop: Any) -> None:
    keep_action_endpoint_alive(getattr(app.ctx, "agent", None))
    freeze_what_startup_built()


def freeze_what_startup_built() -> None:
    """After the model is loaded, its objects (and TensorFlow's, scikit-learn's...) are moved out of
    the garbage collector's sight: they live as long as the process, yet every full collection
    walked all of them again (over 400,000 objects; 0.4 s of CPU each, one every few hundred
    messages). Only what serving creates is collected, as before."""
    gc.collect()
    gc.freeze()


def keep_action_endpoint_alive(agent: Any) -> None:
    """The agent's action endpoint (from endpoints.yml) as a KeptAliveEndpoint. Rasa builds the
    endpoint itself from `action_endpoint:`, which names no class; its processor reads it from
    there for every custom action."""
    processor = getattr(agent, "processor", None)
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or isinstance(endpoint, KeptAliveEndpoint):
        return
    agent.action_endpoint = KeptAliveEndpoint.like(endpoint)
    if processor is not None and processor.action_endpoint is endpoint:
        processor.action_endpoint = agent.action_endpoint


class KeptAliveEndpoint(EndpointConfig):
    """An EndpointConfig whose requests share one kept-alive HTTP session.

    Rasa opens a new HTTP client session (and TCP connection) to the action server for every custom
    action; one kept-alive session per endpoint does the same requests with less work. Its idle
    connections are dropped after 2 s, before the action server (Sanic: 5 s) closes them: a request
    sent on a connection the server is closing fails ("Couldn't connect to the server"), which the
    bench showed at 100 concurrent conversations. The request body is written with ujson (which
    Rasa installs): the action call's 10-15 KB took json.dumps 5 % of Rasa's CPU per message; ujson
    writes the same JSON values 2.6x faster.
    """

    _kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = None

    @classmethod
    def like(cls, endpoint: EndpointConfig) -> KeptAliveEndpoint:
        kept = cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **endpoint.kwargs,
        )
        kept.type = endpoint.type
        return kept

    def session(self) -> Any:
        loop = asyncio.get_running_loop()
        kept = self._kept
        if kept is None or kept[0] is not loop or kept[1].closed:
            kept = self._kept = (loop, self._new_session())
        return _KeptOpen(kept[1])

    def _new_session(self) -> aiohttp.ClientSession:
        # As EndpointConfig.session, plus the keep-alive and ujson.
        basic = self.basic_auth
        auth = aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=2),
            json_serialize=ujson.dumps,
        )


class _KeptOpen:
    """`async with` yields the shared session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: object) -> bool:
        return False
