"""The dialogue tier's one input channel: Rasa's REST channel, for the service tier's gateway only.

The gateway puts what it verified about the sender (a signed-in candidate's id, a per-turn status
grant) in each message's metadata, and the actions trust it. Rasa's stock `rest` channel takes a
message, and that metadata, from any local process: one could forge another candidate's identity,
or continue anyone's conversation. This channel is the same REST channel behind the service secret
(`Authorization: Bearer <CA_SERVICE_TOKEN>`, compared in constant time), named in credentials.yml:
`POST /webhooks/gateway/webhook`. It is a public seam of Rasa (a channel class named in
credentials.yml), so `rasa run` with these credentials serves exactly this. Its blueprint also
carries the server's start-up hooks (rasa_ext/startup.py).

A message may carry the client's id (`message_id` in the body, 1-64 of [A-Za-z0-9_-]): the gateway
sends a message again, to another Rasa instance, when the first died with it in flight. Under the
conversation's lock the channel looks for a user message with that id among the conversation's
latest events (Rasa keeps it as `UserUttered.message_id`); when found, it answers with the bot
utterances that followed it instead of handling the message a second time. The instance that died
either saved the whole turn or nothing of it (the tracker is saved once, at the end of the turn).
"""

from __future__ import annotations

import logging
import os
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json

from rasa_ext import startup
from rasa_ext.privacy import find_store
from rasa_ext.service_auth import authorized

log = logging.getLogger(__name__)
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class GatewayInput(RestInput):
    """Rasa's REST channel, refusing (401) any request without the service secret."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def __init__(self, service_token: str, startup_hooks: bool = True) -> None:
        self._service_token = service_token
        # Process-wide (umask, log scrubbing, gc.freeze): off only for tests serving the channel.
        self._startup_hooks = startup_hooks

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        # The secret comes from the environment (scripts/stack.py sets it from var/secrets/, a
        # deployment from its secret store), never from a file in the repository.
        token = (credentials or {}).get("service_token") or os.environ.get("CA_SERVICE_TOKEN", "")
        if not token:
            raise ValueError("CA_SERVICE_TOKEN is not set: the gateway channel would refuse every message")
        return cls(str(token))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        token = self._service_token
        if self._startup_hooks:
            startup.register(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # RestInput's handler (without streaming, which the gateway does not use), plus the
            # client's message id, which RestInput drops.
            body = request.json if isinstance(request.json, dict) else {}
            message_id = body.get("message_id")
            if message_id is not None and not (isinstance(message_id, str) and _MESSAGE_ID.match(message_id)):
                return json({"detail": "message_id must be 1-64 letters, digits, '-' or '_'."}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request),
                collector,
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
                message_id=message_id,
            )
            agent = getattr(request.app.ctx, "agent", None)
            try:
                if message_id and getattr(agent, "processor", None) and find_store(agent.tracker_store):
                    await _once(agent, message)
                else:
                    await on_new_message(message)
            except CancelledError:
                log.error("rest.message.received.timeout")
            except Exception:
                log.exception("rest.message.received.failure")
            return json(collector.messages)

        @webhook.middleware("request")
        async def only_the_gateway(request: Request) -> HTTPResponse | None:
            if not authorized(request.headers.get("authorization"), token):
                return json({"detail": "Only the service tier's gateway may post here."}, status=401)
            return None

        return webhook


async def _once(agent: Any, message: UserMessage) -> None:
    """Agent.handle_message, unless the conversation already has this message: then its replies again.

    The check and the handling share the conversation's lock (Rasa's own lock, taken here rather
    than in Agent.handle_message): of two copies of a message on two instances, the second waits
    for the first's turn to be saved, then finds it.
    """
    store = find_store(agent.tracker_store)
    assert store is not None and message.message_id
    async with agent.lock_store.lock(message.sender_id):
        replies = store.replies_to(message.sender_id, message.message_id)
        if replies is None:
            await agent.processor.handle_message(message)
            return
        log.info("message %s was handled before: its replies are sent again", message.message_id)
        for event in replies:
            data = {k: v for k, v in (event.get("data") or {}).items() if v}
            await message.output_channel.send_response(message.sender_id, {"text": event.get("text"), **data})
