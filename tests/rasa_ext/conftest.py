"""Fixtures for the dialogue tier's own code (Python 3.10, the Rasa virtualenv): real Redis and
PostgreSQL servers, as in the service tier's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import postgres_server, postgres_url  # noqa: F401  (stdlib-only fixtures, shared by both tiers)
from tests.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


TOKEN = "service-token-for-tests"

MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "candidate-assistant.tar.gz"


@pytest.fixture(scope="session")
def agent():
    """The trained model, loaded by Rasa's own Agent.load as `rasa run` and `rasa test` load it."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains one) or `make model`")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


@pytest.fixture(scope="session")
def rasa_app():
    """One real Sanic app with the channels bot/credentials.yml names, mounted as Rasa mounts them
    (rasa.core.channels.channel.register): the gateway channel (whose messages are recorded in
    `app.ctx.received`) and the privacy routes. Served from a thread; one app for the whole session,
    as Sanic 21.12 cannot start a second one in a process. The gateway's start-up hooks (umask,
    gc.freeze) are left out: they are process-wide (tests/rasa_ext/test_startup.py covers them)."""
    import asyncio
    import socket
    import threading
    from urllib.parse import urljoin

    from sanic import Sanic

    from rasa_ext.channels import GatewayInput
    from rasa_ext.privacy import PrivacyChannel

    app = Sanic("rasa_ext_test")
    app.ctx.received = []

    async def on_new_message(message):
        app.ctx.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    for channel in (
        GatewayInput(TOKEN, startup_hooks=False),
        PrivacyChannel.from_credentials({"service_token": TOKEN}),
    ):
        app.blueprint(channel.blueprint(on_new_message), url_prefix=urljoin("/webhooks/", channel.url_prefix()))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True))
    loop.run_until_complete(server.startup())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    app.ctx.url = f"http://127.0.0.1:{port}"
    yield app
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()
