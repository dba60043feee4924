"""The gateway channel (rasa_ext/channels.py): Rasa's REST channel behind the service secret, served by a
real Sanic app with a real Rasa UserMessage handler."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from rasa_ext.channels import GatewayInput
from tests.rasa_ext.conftest import TOKEN


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


class TurnCounter:
    """Rasa's message processor, as far as the channel sees it: each handled message is one turn
    (the user message with its id, then a reply with buttons and a custom payload), saved at its end."""

    def __init__(self, store) -> None:
        self.store = store
        self.handled: list[str] = []

    async def handle_message(self, message) -> None:
        import asyncio

        from rasa.shared.core.events import BotUttered, UserUttered

        self.handled.append(message.text)
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, message_id=message.message_id))
        await asyncio.sleep(0.2)  # long enough for a copy sent at the same time to arrive meanwhile
        reply = {"text": f"answer {len(self.handled)}", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
        await message.output_channel.send_response(message.sender_id, {**reply, "custom": {"kind": "answer"}})
        tracker.update(BotUttered(reply["text"], {**reply, "custom": {"kind": "answer"}}))
        await self.store.save(tracker)


@pytest.fixture(params=[5000, 0], ids=["cached", "one-of-several-instances"])
def counted_agent(rasa_app, tmp_path, request):
    from types import SimpleNamespace

    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import FailSafeTrackerStore

    from rasa_ext.tracker_store import CachedSQLTrackerStore
    from tests.rasa_ext.test_tracker_store import DOMAIN

    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"), cache_size=request.param)
    processor = TurnCounter(store)
    before = getattr(rasa_app.ctx, "agent", None)
    rasa_app.ctx.agent = SimpleNamespace(
        tracker_store=FailSafeTrackerStore(store), lock_store=InMemoryLockStore(), processor=processor
    )
    yield processor
    rasa_app.ctx.agent = before


def say(app, text: str, message_id: str | None, sender: str = "c-dedupe") -> tuple[int, list]:
    body = {"sender": sender, "message": text, "metadata": {}}
    if message_id is not None:
        body["message_id"] = message_id
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    request = urllib.request.Request(
        app.ctx.url + "/webhooks/gateway/webhook", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, []


def test_a_message_already_in_the_tracker_is_answered_with_its_replies_not_handled_again(rasa_app, counted_agent):
    first = say(rasa_app, "how long is the interview?", "m-1")
    again = say(rasa_app, "how long is the interview?", "m-1")
    assert counted_agent.handled == ["how long is the interview?"]
    assert first == again and first[0] == 200
    assert first[1][0]["text"] == "answer 1" and first[1][0]["buttons"]
    assert {"kind": "answer"} in [m.get("custom") for m in first[1]]
    # A later message, even with the same text, is a new turn; the earlier one still replays.
    assert say(rasa_app, "how long is the interview?", "m-2")[1][0]["text"] == "answer 2"
    assert say(rasa_app, "how long is the interview?", "m-1") == first
    assert len(counted_agent.handled) == 2


def test_two_copies_at_once_wait_for_each_other_and_are_handled_once(rasa_app, counted_agent):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: say(rasa_app, "hello", "m-9"), range(2)))
    assert counted_agent.handled == ["hello"]
    assert answers[0] == answers[1] and answers[0][1][0]["text"] == "answer 1"


def test_a_malformed_message_id_is_refused(rasa_app, counted_agent):
    assert say(rasa_app, "hello", "not an id!")[0] == 400
    assert counted_agent.handled == []
