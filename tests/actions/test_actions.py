"""The actions against a small stand-in for the service tier (the real chain is in tests/e2e)."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.service_client as service_client
from actions.actions import ActionAnswerQuestion, ActionCheckStatus
from actions.replies import clarify_payload, response_text
from actions.settings import ActionSettings

DOMAIN = {
    "responses": {
        "utter_clarify": [{"custom": {"kind": "clarify", "text": "Did you mean:"}}],
    }
}

PASSAGE = {
    "id": "phone-interview#when-you-hear-back",
    "title": "Phone interview",
    "heading": "When you hear back",
    "text": "AWS aims to get back to you within two business days.",
    "path": "knowledge/phone-interview.md",
    "url": "https://aws.amazon.com/careers/how-we-hire/",
    "score": 0.7,
}


def tracker(text: str, intent: str = "ask_hiring", slots: dict | None = None, entities: list | None = None) -> Tracker:
    return Tracker(
        sender_id="c1",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


@pytest.fixture
def service():
    """Runs a stand-in search endpoint; yields (set_response, requests, base_url)."""
    state = {"status": 200, "body": {}, "delay": 0.0, "requests": []}

    async def search(request: web.Request) -> web.Response:
        state["requests"].append({"headers": dict(request.headers), "body": await request.json()})
        await asyncio.sleep(state["delay"])
        return web.json_response(state["body"], status=state["status"])

    return state, search


async def run_action(action, trk, state, search, timeout=3.0):
    app = web.Application()
    app.router.add_post("/api/internal/search", search)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    service_client._client = service_client.ServiceClient(
        ActionSettings(service_url=f"http://127.0.0.1:{port}", service_token="tok", timeout_seconds=timeout)
    )
    dispatcher = CollectingDispatcher()
    try:
        events = await action.run(dispatcher, trk, DOMAIN)
    finally:
        await service_client._client._http().close()
        service_client._client = None
        await runner.cleanup()
    return dispatcher.messages, events


def test_answer_carries_text_and_sources_and_remembers_the_question(service):
    state, search = service
    state["body"] = {"decision": "answer", "query": "when do I hear back", "passages": [PASSAGE], "index_version": "v1"}
    messages, events = asyncio.run(run_action(ActionAnswerQuestion(), tracker("when do I hear back"), state, search))
    payload = messages[0]["custom"]
    assert payload["kind"] == "answer"
    assert "two business days" in payload["text"]
    assert payload["sources"][0]["path"] == "knowledge/phone-interview.md"
    assert events == [{"event": "slot", "timestamp": None, "name": "last_question", "value": "when do I hear back"}]
    sent = state["requests"][0]
    assert sent["headers"]["X-Service-Token"] == "tok"
    assert sent["body"] == {
        "query": "when do I hear back",
        "previous": None,
        "section_id": None,
        "nlu_intent": "ask_hiring",
    }


def test_follow_up_sends_the_previous_question(service):
    state, search = service
    state["body"] = {"decision": "answer", "query": "q", "passages": [PASSAGE], "index_version": "v1"}
    trk = tracker("how long does that take?", slots={"last_question": "what is the work sample simulation"})
    asyncio.run(run_action(ActionAnswerQuestion(), trk, state, search))
    assert state["requests"][0]["body"]["previous"] == "what is the work sample simulation"


def test_fallback_uses_the_domain_response(service):
    state, search = service
    state["body"] = {"decision": "fallback", "query": "q", "passages": [], "index_version": "v1"}
    messages, events = asyncio.run(
        run_action(ActionAnswerQuestion(), tracker("salary?", "out_of_scope"), state, search)
    )
    assert messages[0]["response"] == "utter_not_covered" and events == []


def test_clarify_offers_one_button_per_option(service):
    state, search = service
    other = {**PASSAGE, "id": "application-status#when-you-will-hear-back", "heading": "When you will hear back"}
    state["body"] = {"decision": "clarify", "query": "q", "passages": [PASSAGE, other], "index_version": "v1"}
    messages, _ = asyncio.run(run_action(ActionAnswerQuestion(), tracker("hear back"), state, search))
    payload = messages[0]["custom"]
    assert payload["kind"] == "clarify" and payload["text"] == "Did you mean:"
    assert [b["payload"] for b in payload["buttons"]] == [
        '/ask_hiring{"section_id":"phone-interview#when-you-hear-back"}',
        '/ask_hiring{"section_id":"application-status#when-you-will-hear-back"}',
    ]


def test_chosen_option_is_fetched_by_section_id(service):
    state, search = service
    state["body"] = {"decision": "answer", "query": "q", "passages": [PASSAGE], "index_version": "v1"}
    trk = tracker(
        '/ask_hiring{"section_id":"phone-interview#when-you-hear-back"}',
        entities=[{"entity": "section_id", "value": "phone-interview#when-you-hear-back"}],
    )
    _, events = asyncio.run(run_action(ActionAnswerQuestion(), trk, state, search))
    assert state["requests"][0]["body"]["section_id"] == "phone-interview#when-you-hear-back"
    assert events[0]["value"] == "When you hear back"


def test_service_error_status_gives_the_error_reply(service):
    state, search = service
    state["status"] = 500
    messages, _ = asyncio.run(run_action(ActionAnswerQuestion(), tracker("bar raiser?"), state, search))
    assert messages[0]["response"] == "utter_service_error"


def test_slow_service_gives_the_error_reply_within_the_timeout(service):
    state, search = service
    state["delay"] = 2.0
    state["body"] = {"decision": "answer", "query": "q", "passages": [PASSAGE], "index_version": "v1"}
    messages, _ = asyncio.run(run_action(ActionAnswerQuestion(), tracker("bar raiser?"), state, search, timeout=0.3))
    assert messages[0]["response"] == "utter_service_error"


def test_service_down_gives_the_error_reply():
    service_client._client = service_client.ServiceClient(
        ActionSettings(service_url="http://127.0.0.1:9", service_token="tok", timeout_seconds=1)
    )
    dispatcher = CollectingDispatcher()

    async def go():
        try:
            return await ActionAnswerQuestion().run(dispatcher, tracker("bar raiser?"), DOMAIN)
        finally:
            await service_client._client._http().close()
            service_client._client = None

    asyncio.run(go())
    assert dispatcher.messages[0]["response"] == "utter_service_error"


def test_status_request_without_sign_in_asks_to_verify():
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionCheckStatus().run(dispatcher, tracker("status?", "check_my_status"), DOMAIN))
    assert dispatcher.messages[0]["response"] == "utter_status_sign_in"


def test_response_text_reads_the_domain_wording():
    assert response_text(DOMAIN, "utter_clarify") == "Did you mean:"
    assert response_text(DOMAIN, "utter_missing") == ""


def test_clarify_payload_buttons_are_valid_json_entities():
    payload = clarify_payload({"passages": [PASSAGE]}, "Did you mean:")
    entity = json.loads(payload["buttons"][0]["payload"].removeprefix("/ask_hiring"))
    assert entity == {"section_id": PASSAGE["id"]}
