"""The knowledge action against a stand-in for the service tier (the real chain is in tests/e2e)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher

import actions.service_client as service_client
from actions.actions import ActionAnswerQuestion
from actions.replies import clarify_payload, response_text
from actions.settings import ActionSettings
from tests.actions.conftest import make_tracker as tracker

DOMAIN = {"responses": {"utter_clarify": [{"custom": {"kind": "clarify", "text": "Did you mean:"}}]}}

PASSAGE = {
    "id": "phone-interview#when-you-hear-back",
    "title": "Phone interview",
    "heading": "When you hear back",
    "text": "AWS aims to get back to you within two business days.",
    "path": "knowledge/phone-interview.md",
    "url": "https://aws.amazon.com/careers/how-we-hire/",
    "score": 0.7,
}


def result(decision="answer", passages=(PASSAGE,), query="q"):
    return {"decision": decision, "query": query, "passages": list(passages), "index_version": "v1"}


def search_route(stand_in, body, status=200, delay=0.0):
    stand_in.routes["/api/internal/search"] = (status, body, delay)


def test_answer_carries_text_and_sources_and_remembers_the_question(stand_in):
    search_route(stand_in, result(query="when do I hear back"))
    messages, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("when do I hear back"), DOMAIN))
    payload = messages[0]["custom"]
    assert payload["kind"] == "answer"
    assert "two business days" in payload["text"]
    assert payload["sources"][0]["path"] == "knowledge/phone-interview.md"
    assert events == [{"event": "slot", "timestamp": None, "name": "last_question", "value": "when do I hear back"}]
    sent = stand_in.requests[0]
    assert sent["headers"]["X-Service-Token"] == "tok"
    assert sent["body"] == {
        "query": "when do I hear back",
        "previous": None,
        "section_id": None,
        "nlu_intent": "ask_hiring",
        "conversation_id": "c1",  # finds the vector the gateway started on for this message
        "context": {"doc": None, "section": None, "listed": [], "step": None, "refused": False},
    }


def test_follow_up_sends_the_previous_question(stand_in):
    search_route(stand_in, result())
    trk = tracker("how long does that take?", slots={"last_question": "what is the work sample simulation"})
    asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert stand_in.requests[0]["body"]["previous"] == "what is the work sample simulation"


def test_the_conversation_state_goes_with_the_search_and_comes_back_as_slots(stand_in):
    state = {
        "doc": "knowledge/online-assessments.md",
        "section": "online-assessments#types",
        "listed": ["knowledge/work-style-assessment.md", "knowledge/work-sample-simulation.md"],
        "step": "knowledge/online-assessments.md",
        "refused": False,
    }
    after = {**state, "doc": "knowledge/work-sample-simulation.md", "section": "work-sample-simulation#how-long"}
    search_route(stand_in, {**result(query="how long is the second one?"), "context": after})
    slots = {"topic_doc": state["doc"], "topic_section": state["section"], "topic_listed": state["listed"]}
    trk = tracker("how long is the second one?", slots={**slots, "process_step": state["step"]})
    _, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert stand_in.requests[0]["body"]["context"] == state
    set_to = {e["name"]: e["value"] for e in events}
    assert set_to["topic_doc"] == "knowledge/work-sample-simulation.md"
    assert set_to["topic_section"] == "work-sample-simulation#how-long"
    assert set_to["topic_listed"] == state["listed"] and set_to["process_step"] == state["step"]


def test_a_refusal_keeps_the_topic_the_service_returns(stand_in):
    kept = {
        "doc": "knowledge/interview-loop.md",
        "section": "interview-loop#bar",
        "listed": [],
        "step": None,
        "refused": True,
    }
    search_route(stand_in, {**result("fallback", passages=()), "context": kept})
    trk = tracker("can they overrule everyone?", slots={"topic_doc": kept["doc"], "topic_section": kept["section"]})
    messages, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_not_covered"
    set_to = {e["name"]: e["value"] for e in events}
    assert set_to["topic_section"] == "interview-loop#bar" and set_to["topic_refused"] is True


def test_a_second_refusal_in_a_row_says_so_and_leads_with_a_person(stand_in):
    kept = {"doc": None, "section": None, "listed": [], "step": None, "refused": True}
    search_route(stand_in, {**result("fallback", passages=()), "context": kept})
    trk = tracker("who can I ask then?", slots={"topic_refused": True})
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_not_covered_again"
    import yaml

    real = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot" / "domain.yml").read_text())
    reply = real["responses"]["utter_not_covered_again"][0]["custom"]
    assert reply["kind"] == "fallback" and reply["buttons"][0]["payload"] == "/request_human"


def test_a_refusal_offers_the_status_look_up_when_nlu_nearly_took_the_message_for_one(stand_in):
    search_route(stand_in, result("fallback", passages=()))
    trk = tracker("any word on the Dublin thing?", "nlu_fallback")
    trk.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "check_my_status", "confidence": 0.38},
        {"name": "ask_hiring", "confidence": 0.3},
    ]
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_not_covered_or_status"
    trk.latest_message["intent_ranking"] = [
        {"name": "ask_hiring", "confidence": 0.8},
        {"name": "check_my_status", "confidence": 0.1},
    ]
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_not_covered"


def test_a_short_message_nlu_was_unsure_of_between_pleasantries_gets_the_small_talk(stand_in):
    search_route(stand_in, result("fallback", passages=()))
    trk = tracker("aight bet, thx 🙏🔥", "nlu_fallback", slots={"topic_doc": "knowledge/phone-interview.md"})
    trk.latest_message["intent_ranking"] = [
        {"name": "thank", "confidence": 0.47},
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "react", "confidence": 0.43},
    ]
    messages, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert [m["response"] for m in messages] == ["utter_thank"] and events == []
    # A yes or a no on top is not small talk; nor is anything NLU is less sure of, nor a long message.
    for ranking, text in (
        ([{"name": "affirm", "confidence": 0.5}, {"name": "thank", "confidence": 0.4}], "lol ok thats obvious"),
        ([{"name": "bot_challenge", "confidence": 0.3}, {"name": "out_of_scope", "confidence": 0.2}], "r u real"),
        (
            [{"name": "thank", "confidence": 0.47}, {"name": "out_of_scope", "confidence": 0.4}],
            "thanks but when do i get my offer letter after the loop",
        ),
    ):
        trk = tracker(text, "nlu_fallback")
        trk.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.45}, *ranking]
        messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
        assert messages[0]["response"] == "utter_not_covered", text
    # A question is not small talk, whatever NLU half-heard in it, unless it is put to the assistant.
    for ranking, text, reply in (
        ([{"name": "bot_challenge", "confidence": 0.42}], "are they a manager?", "utter_not_covered"),
        ([{"name": "goodbye", "confidence": 0.5}], "can i unsubscribe later", "utter_not_covered"),
        ([{"name": "bot_challenge", "confidence": 0.39}], "r u chatgpt", "utter_bot_challenge"),
    ):
        trk = tracker(text, "nlu_fallback")
        trk.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.45}, *ranking]
        messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
        assert messages[0]["response"] == reply, text
    # NLU sure of a question: the knowledge's refusal, whatever else ranked.
    trk = tracker("r u chatgpt", "ask_hiring")
    trk.latest_message["intent_ranking"] = [{"name": "ask_hiring", "confidence": 0.5}]
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_not_covered"


def test_an_answer_to_several_questions_says_which_ones_the_page_does_not_answer(stand_in):
    body = {**result(query="can i apply to more than one role"), "unanswered": ["is there a dress code for the loop"]}
    search_route(stand_in, body)
    domain = {
        "responses": {
            **DOMAIN["responses"],
            "utter_partly_answered": [{"custom": {"kind": "answer", "text": 'No answer for: "{questions}".'}}],
        }
    }
    messages, events = asyncio.run(
        stand_in.run(
            ActionAnswerQuestion(), tracker("how long is it? is there a dress code? can i apply twice?"), domain
        )
    )
    payload = messages[0]["custom"]
    assert payload["kind"] == "answer" and payload["sources"]
    assert payload["text"].startswith(PASSAGE["text"])
    assert payload["text"].endswith('No answer for: "is there a dress code for the loop".')
    assert [b["payload"] for b in payload["buttons"]] == ["/request_human"]
    assert events[0] == {
        "event": "slot",
        "timestamp": None,
        "name": "last_question",
        "value": "can i apply to more than one role",
    }


def test_fallback_uses_the_domain_response(stand_in):
    search_route(stand_in, result("fallback", passages=()))
    messages, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("salary?", "out_of_scope"), DOMAIN))
    assert messages[0]["response"] == "utter_not_covered" and events == []
    assert stand_in.requests[0]["body"]["nlu_intent"] == "out_of_scope"


def test_clarify_offers_one_button_per_option(stand_in):
    other = {**PASSAGE, "id": "application-status#when-you-will-hear-back", "heading": "When you will hear back"}
    search_route(stand_in, result("clarify", passages=(PASSAGE, other), query="hear back"))
    messages, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("hear back"), DOMAIN))
    payload = messages[0]["custom"]
    assert payload["kind"] == "clarify" and payload["text"] == "Did you mean:"
    assert [b["payload"] for b in payload["buttons"]] == [
        '/ask_hiring{"section_id":"phone-interview#when-you-hear-back"}',
        '/ask_hiring{"section_id":"application-status#when-you-will-hear-back"}',
    ]
    # The question asked back is remembered: an option typed next ("the phone one") is asked it.
    assert events == [{"event": "slot", "timestamp": None, "name": "last_question", "value": "hear back"}]


def test_chosen_option_is_fetched_by_section_id(stand_in):
    search_route(stand_in, result())
    trk = tracker(
        '/ask_hiring{"section_id":"phone-interview#when-you-hear-back"}',
        entities=[{"entity": "section_id", "value": "phone-interview#when-you-hear-back"}],
    )
    _, events = asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))
    assert stand_in.requests[0]["body"]["section_id"] == "phone-interview#when-you-hear-back"
    assert events[0]["value"] == "When you hear back"


def test_service_error_status_gives_the_error_reply(stand_in):
    search_route(stand_in, {}, status=500)
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("bar raiser?"), DOMAIN))
    assert messages[0]["response"] == "utter_service_error"


def test_slow_service_gives_the_error_reply_within_the_timeout(stand_in):
    search_route(stand_in, result(), delay=2.0)
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("bar raiser?"), DOMAIN, timeout=0.3))
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


def test_response_text_reads_the_domain_wording():
    assert response_text(DOMAIN, "utter_clarify") == "Did you mean:"
    assert response_text(DOMAIN, "utter_missing") == ""


def test_clarify_payload_buttons_are_valid_json_entities():
    payload = clarify_payload({"passages": [PASSAGE]}, "Did you mean:")
    entity = json.loads(payload["buttons"][0]["payload"].removeprefix("/ask_hiring"))
    assert entity == {"section_id": PASSAGE["id"]}


def test_an_answer_given_again_as_asked_says_so_and_offers_a_person(stand_in):
    # "i don't get it": the same section again; the page has no other wording, so the reply says that
    # and offers a person rather than repeating itself as if nothing happened.
    search_route(stand_in, {**result(query="i don't get it"), "repeated": True})
    domain = {
        "responses": {
            **DOMAIN["responses"],
            "utter_said_again": [{"custom": {"kind": "answer", "text": "That's as plainly as the page puts it."}}],
        }
    }
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("i don't get it"), domain))
    payload = messages[0]["custom"]
    assert payload["kind"] == "answer" and payload["text"].startswith("AWS aims to get back to you")
    assert payload["text"].endswith("That's as plainly as the page puts it.")
    assert payload["buttons"] == [{"title": "Talk to a person", "payload": "/request_human"}]
    # An answer that is not a repeat has neither.
    search_route(stand_in, result(query="when do I hear back"))
    messages, _ = asyncio.run(stand_in.run(ActionAnswerQuestion(), tracker("when do I hear back"), domain))
    assert messages[0]["custom"]["buttons"] == [] and "plainly" not in messages[0]["custom"]["text"]
