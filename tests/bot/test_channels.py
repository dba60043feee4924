"""The gateway channel (bot/channels.py): Rasa's REST channel behind the service secret, served by a
real Sanic app with a real Rasa UserMessage handler."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.channels import GatewayInput
from tests.bot.conftest import TOKEN


def post(app, authorization: str | None) -> int:
    body = {"sender": "c1", "message": "where is my application?", "metadata": {"auth": {"status": "valid"}}}
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        app.ctx.url + "/webhooks/gateway/webhook", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("authorization", [None, "Bearer guess", f"Bearer {TOKEN}x", TOKEN, "Basic " + TOKEN])
def test_a_message_without_the_service_secret_is_refused_and_never_handled(rasa_app, authorization):
    before = len(rasa_app.ctx.received)
    assert post(rasa_app, authorization) == 401
    assert len(rasa_app.ctx.received) == before


def test_the_gateway_with_the_secret_is_served_with_its_metadata(rasa_app):
    assert post(rasa_app, f"Bearer {TOKEN}") == 200
    message = rasa_app.ctx.received[-1]
    assert message.sender_id == "c1" and message.metadata == {"auth": {"status": "valid"}}
    assert message.input_channel == "gateway"


def test_without_a_configured_secret_the_channel_does_not_start(monkeypatch):
    monkeypatch.delenv("CA_SERVICE_TOKEN", raising=False)
    with pytest.raises(ValueError, match="CA_SERVICE_TOKEN"):
        GatewayInput.from_credentials(None)
