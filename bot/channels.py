"""The dialogue tier's one input channel: Rasa's REST channel, for the service tier's gateway only.

The gateway puts what it verified about the sender (a signed-in candidate's id, a per-turn status
grant) in each message's metadata, and the actions trust it. Rasa's stock `rest` channel takes a
message, and that metadata, from any local process: one could forge another candidate's identity,
or continue anyone's conversation. This channel is the same REST channel behind the service secret
(`Authorization: Bearer <CA_SERVICE_TOKEN>`, compared in constant time), named in credentials.yml:
`POST /webhooks/gateway/webhook`. It is a public seam of Rasa (a channel class named in
credentials.yml), so `rasa run` with these credentials serves exactly this.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.service_auth import authorized


class GatewayInput(RestInput):
    """Rasa's REST channel, refusing (401) any request without the service secret."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def __init__(self, service_token: str) -> None:
        self._service_token = service_token

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        # The secret comes from the environment (scripts/stack.py sets it from var/secrets/, a
        # deployment from its secret store), never from a file in the repository.
        token = (credentials or {}).get("service_token") or os.environ.get("CA_SERVICE_TOKEN", "")
        if not token:
            raise ValueError("CA_SERVICE_TOKEN is not set: the gateway channel would refuse every message")
        return cls(str(token))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        token = self._service_token

        @webhook.middleware("request")
        async def only_the_gateway(request: Request) -> HTTPResponse | None:
            if not authorized(request.headers.get("authorization"), token):
                return json({"detail": "Only the service tier's gateway may post here."}, status=401)
            return None

        return webhook
