"""The start-up hooks the gateway channel registers on Rasa's server (rasa_ext/startup.py)."""

from __future__ import annotations

import asyncio
import json
import os
from urllib.parse import urljoin

from rasa.core.channels.channel import register
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic

from rasa_ext import startup
from rasa_ext.channels import GatewayInput
from rasa_ext.privacy import PrivacyChannel


def test_rasa_mounting_the_channels_serves_the_routes_where_the_api_calls_them():
    app = Sanic("rasa_ext_routes_test")
    # As `rasa run --credentials bot/credentials.yml` does (rasa.core.run.configure_app).
    register([GatewayInput("token", startup_hooks=False), PrivacyChannel("token")], app, route="/webhooks/")
    app.router.finalize()
    paths = {route.path for route in app.router.routes}
    assert "webhooks/gateway/webhook" in paths
    assert {"ca/conversations/<conversation_id:str>/tracker", "ca/trackers/purge"} <= paths
    assert urljoin("/webhooks/", PrivacyChannel("token").url_prefix()) == "/ca"


def test_the_hooks_run_before_rasa_loads_the_model_and_once_it_is_loaded(monkeypatch):
    order: list[str] = []

    async def before(app, loop):
        order.append("hooks before start")

    async def after(app, loop):
        order.append("hooks after start")

    monkeypatch.setattr(startup, "before_start", before)
    monkeypatch.setattr(startup, "after_start", after)
    app = Sanic("rasa_ext_startup_test")
    register([GatewayInput("token"), PrivacyChannel("token")], app, route="/webhooks/")

    async def load_agent_on_start(app, loop):  # registered after the channels, as in rasa.core.run
        order.append("rasa loads the model")
        return "agent"

    app.register_listener(load_agent_on_start, "before_server_start")

    async def start() -> None:
        app.signal_router.finalize()
        loop = asyncio.get_running_loop()
        await app._server_event("init", "before", loop=loop)
        await app._server_event("init", "after", loop=loop)

    asyncio.run(start())
    assert order == ["hooks before start", "rasa loads the model", "hooks after start"]


def test_before_the_server_starts_new_files_are_private_and_logs_scrubbed(monkeypatch):
    import logging

    previous_umask = os.umask(0o022)
    previous_factory = logging.getLogRecordFactory()
    try:
        asyncio.run(startup.before_start(None, None))
        assert os.umask(0o077) == 0o077
        record = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "mail sam@example.org", None, None)
        assert "sam@example.org" not in record.getMessage()
    finally:
        os.umask(previous_umask)
        logging.setLogRecordFactory(previous_factory)


def test_once_the_server_has_started_what_startup_built_is_out_of_the_collectors_sight():
    import gc

    try:
        startup.freeze_what_startup_built()
        assert gc.get_freeze_count() > 100_000  # Rasa, TensorFlow, scikit-learn... all loaded by now
    finally:
        gc.unfreeze()


def test_the_agent_gets_a_kept_alive_action_endpoint_with_the_same_settings(agent, monkeypatch):
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", headers={"Authorization": "Bearer x"}, token="t")
    monkeypatch.setattr(agent, "action_endpoint", endpoint)
    monkeypatch.setattr(agent.processor, "action_endpoint", endpoint)
    startup.keep_action_endpoint_alive(agent)
    kept = agent.action_endpoint
    assert isinstance(kept, startup.KeptAliveEndpoint) and agent.processor.action_endpoint is kept
    assert vars(kept) | {"_kept": None} == vars(endpoint) | {"_kept": None}
    startup.keep_action_endpoint_alive(agent)
    assert agent.action_endpoint is kept  # once


def test_the_action_servers_request_body_carries_the_same_json_values(agent):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import UserMessage

    endpoint = startup.KeptAliveEndpoint.like(EndpointConfig("http://127.0.0.1:1"))
    tracker = asyncio.run(
        agent.processor.log_message(UserMessage("How long is the work style assessment? ¿Sí? a/b", sender_id="json"))
    )
    body = RemoteAction("action_answer_question", endpoint)._action_call_format(tracker, agent.domain)

    async def serialised() -> tuple[str, bool]:
        async with endpoint.session() as session:
            pass
        async with endpoint.session() as again:  # the same session, still open
            return again.json_serialize(body), again is session and not again.closed

    text, shared = asyncio.run(serialised())
    assert shared and json.loads(text) == json.loads(json.dumps(body))
