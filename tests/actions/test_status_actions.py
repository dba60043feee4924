"""The status actions with rasa-sdk trackers against a stand-in status endpoint."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAskApplicationChoice, ActionCheckStatus, ActionShowStatus, ValidateStatusForm
from tests.actions.conftest import make_tracker

DOMAIN = {"responses": {"utter_ask_application_choice": [{"custom": {"kind": "status", "text": "Which one?"}}]}}
SDE = {
    "id": "app-2001",
    "job_title": "Software Development Engineer II",
    "requisition_id": "R-3112",
    "location": "Seattle, WA",
    "stage": "interview_loop",
    "stage_label": "interview loop",
    "state": "active",
    "state_label": "in progress",
    "last_update": "2026-11-24",
    "next_step": "Your loop is being scheduled.",
}
DATA = {**SDE, "id": "app-2002", "job_title": "Data Engineer", "requisition_id": "R-3187", "location": "Arlington, VA"}
SIGNED_IN = {"auth": {"status": "valid", "candidate_id": "demo-ben", "grant": "grant-for-ben"}}
OPTIONS = [
    {"id": "app-2001", "job_title": "Software Development Engineer II", "requisition_id": "R-3112",
     "location": "Seattle, WA", "label": "Software Development Engineer II (Seattle, WA)"},
    {"id": "app-2002", "job_title": "Data Engineer", "requisition_id": "R-3187",
     "location": "Arlington, VA", "label": "Data Engineer (Arlington, VA)"},
]  # fmt: skip
BENS_LOOK_UP = {"status_options": OPTIONS, "status_owner": "demo-ben", "status_choice_needed": True}


def status_route(stand_in, apps, status=200, delay=0.0):
    stand_in.routes["/api/status/applications"] = (status, {"candidate_id": "demo-ben", "applications": apps}, delay)


# The knowledge service reads a look-up as one (a question NLU took for a look-up is answered instead).
LOOK_UP = {"decision": "status", "query": "where is my application?", "passages": [], "context": None}


def check(stand_in, metadata=SIGNED_IN, **kw):
    stand_in.routes.setdefault("/api/internal/search", (200, LOOK_UP, 0.0))
    trk = make_tracker("where is my application?", "check_my_status", metadata=metadata)
    return asyncio.run(stand_in.run(ActionCheckStatus(), trk, DOMAIN, **kw))


def test_one_application_names_role_stage_date_and_next_step(stand_in):
    status_route(stand_in, [SDE])
    messages, events = check(stand_in)
    assert messages[0]["response"] == "utter_status_one"
    assert messages[0]["job_title"] == "Software Development Engineer II"
    assert messages[0]["stage_label"] == "interview loop"
    assert messages[0]["last_update"] == "24 November 2026"
    assert messages[0]["next_step"] == "Your loop is being scheduled."
    assert events[-1]["name"] == "status_choice_needed" and events[-1]["value"] is False


def test_the_turn_grant_from_metadata_is_presented_not_anything_typed(stand_in):
    status_route(stand_in, [SDE])
    check(stand_in)
    (look_up,) = [r for r in stand_in.requests if r["path"] == "/api/status/applications"]
    assert look_up["headers"]["Authorization"] == "Bearer grant-for-ben"
    assert look_up["headers"]["X-Conversation-Id"] == "c1"
    assert look_up["headers"]["X-Service-Token"] == "tok"


def test_no_applications_says_so(stand_in):
    status_route(stand_in, [])
    messages, _ = check(stand_in)
    assert messages[0]["response"] == "utter_status_none"


def test_several_applications_start_the_choice(stand_in):
    status_route(stand_in, [SDE, DATA])
    messages, events = check(stand_in)
    assert messages == []
    slots = {e["name"]: e["value"] for e in events}
    assert slots["status_choice_needed"] is True
    assert slots["status_owner"] == "demo-ben"
    assert [o["id"] for o in slots["status_options"]] == ["app-2001", "app-2002"]
    assert "stage" not in slots["status_options"][0]  # the list keeps no status


@pytest.mark.parametrize(
    ("auth", "response"),
    [
        ({"status": "none"}, "utter_status_sign_in"),
        ({"status": "invalid"}, "utter_status_sign_in"),
        ({"status": "expired"}, "utter_status_session_expired"),
    ],
)
def test_without_a_verified_identity_it_asks_to_sign_in(stand_in, auth, response):
    messages, _ = check(stand_in, metadata={"auth": auth})
    assert messages[0]["response"] == response
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]  # no look-up without one


def test_token_refused_by_the_service_asks_to_sign_in(stand_in):
    stand_in.routes["/api/status/applications"] = (401, {"detail": "expired"}, 0.0)
    messages, _ = check(stand_in)
    assert messages[0]["response"] == "utter_status_sign_in"


def test_slow_status_service_gives_an_error_within_3_seconds(stand_in):
    status_route(stand_in, [SDE], delay=5.0)
    messages, _ = check(stand_in, status_timeout=2.5)
    assert stand_in.elapsed < 3.0
    assert messages[0]["response"] == "utter_status_unavailable"


def test_status_service_error_gives_an_error(stand_in):
    status_route(stand_in, [], status=503)
    messages, _ = check(stand_in)
    assert messages[0]["response"] == "utter_status_unavailable"


def test_the_choice_is_asked_with_one_button_per_application():
    dispatcher = CollectingDispatcher()
    trk = make_tracker("x", slots=BENS_LOOK_UP, metadata=SIGNED_IN)
    asyncio.run(ActionAskApplicationChoice().run(dispatcher, trk, DOMAIN))
    payload = dispatcher.messages[0]["custom"]
    assert payload["text"].startswith("Which one?\n1. Software Development Engineer II")
    assert payload["buttons"][1]["payload"] == '/inform_application{"application_choice":"app-2002"}'


@pytest.mark.parametrize(
    "auth",
    [
        {"status": "none"},
        {"status": "expired"},
        {"status": "valid", "candidate_id": "demo-ana", "grant": "grant-for-ana"},
    ],
)
def test_the_list_is_never_shown_to_a_message_from_anyone_else(auth):
    dispatcher = CollectingDispatcher()
    trk = make_tracker("which ones do I have?", slots=BENS_LOOK_UP, metadata={"auth": auth})
    events = asyncio.run(ActionAskApplicationChoice().run(dispatcher, trk, DOMAIN))
    assert dispatcher.messages == []
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert {"event": "slot", "name": "requested_slot"} in [{k: e.get(k) for k in ("event", "name")} for e in events]


def test_a_message_from_anyone_else_ends_the_form_before_validating_it():
    dispatcher = CollectingDispatcher()
    trk = make_tracker("the SDE one", "inform_application", slots=BENS_LOOK_UP, metadata={"auth": {"status": "none"}})
    events = asyncio.run(ValidateStatusForm().run(dispatcher, trk, DOMAIN))
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": None}]
    assert dispatcher.messages == []


def test_showing_the_status_to_anyone_else_asks_to_sign_in_and_forgets_the_look_up(stand_in):
    status_route(stand_in, [SDE, DATA])
    slots = {**BENS_LOOK_UP, "application_choice": "app-2002"}
    trk = make_tracker("hmm?", slots=slots, metadata={"auth": {"status": "none"}})
    messages, events = asyncio.run(stand_in.run(ActionShowStatus(), trk, DOMAIN))
    assert [m["response"] for m in messages] == ["utter_status_sign_in"]
    assert stand_in.requests == []
    assert {e["name"]: e["value"] for e in events} == dict.fromkeys(
        ["application_choice", "status_options", "status_choice_needed", "status_owner"]
    )


def test_a_choice_outside_the_candidates_own_applications_is_rejected():
    dispatcher = CollectingDispatcher()
    options = [
        {
            "id": "app-2001",
            "job_title": "Software Development Engineer II",
            "requisition_id": "R-3112",
            "location": "Seattle, WA",
            "label": "",
        }
    ]
    trk = make_tracker("app-3001", slots={"status_options": options})
    out = asyncio.run(ValidateStatusForm().validate_application_choice("app-3001", dispatcher, trk, DOMAIN))
    assert out == {"application_choice": None}
    assert dispatcher.messages[0]["response"] == "utter_status_no_match"
    ok = asyncio.run(ValidateStatusForm().validate_application_choice("the SDE one", dispatcher, trk, DOMAIN))
    assert ok == {"application_choice": "app-2001"}


def test_showing_the_choice_looks_it_up_again_and_clears_the_flow(stand_in):
    status_route(stand_in, [SDE, DATA])
    slots = {**BENS_LOOK_UP, "application_choice": "app-2002"}
    trk = make_tracker("the data one", "inform_application", slots=slots, metadata=SIGNED_IN)
    messages, events = asyncio.run(stand_in.run(ActionShowStatus(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_status_one" and messages[0]["job_title"] == "Data Engineer"
    assert {e["name"]: e["value"] for e in events} == {
        "application_choice": None,
        "status_options": None,
        "status_choice_needed": None,
        "status_owner": None,
    }


def test_showing_a_choice_that_is_not_theirs_shows_nothing(stand_in):
    status_route(stand_in, [SDE])
    slots = {**BENS_LOOK_UP, "application_choice": "app-3001"}
    trk = make_tracker("x", "inform_application", slots=slots, metadata=SIGNED_IN)
    messages, _ = asyncio.run(stand_in.run(ActionShowStatus(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_status_no_match"


def test_asking_for_a_person_queues_the_conversation(stand_in):
    from actions.actions import ActionRequestHuman

    stand_in.routes["/api/internal/handoff"] = (200, {"mode": "waiting", "position": 3, "on_duty": True}, 0.0)
    trk = make_tracker("agent please", "request_human", metadata=SIGNED_IN)
    messages, _ = asyncio.run(stand_in.run(ActionRequestHuman(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_handoff_queued" and messages[0]["position"] == 3
    assert stand_in.requests[0]["body"] == {"conversation_id": "c1", "candidate_id": "demo-ben"}


def test_asking_for_a_person_off_duty_asks_for_a_message_and_email(stand_in):
    from actions.actions import ActionRequestHuman

    stand_in.routes["/api/internal/handoff"] = (200, {"mode": "waiting", "position": 1, "on_duty": False}, 0.0)
    messages, _ = asyncio.run(stand_in.run(ActionRequestHuman(), make_tracker("human", "request_human"), DOMAIN))
    assert messages[0]["response"] == "utter_handoff_offline"


def read_as_a_look_up(stand_in, apps, metadata=SIGNED_IN):
    """A message NLU took for a question, which the knowledge service reads as a look-up."""
    from actions.actions import ActionAnswerQuestion

    stand_in.routes["/api/internal/search"] = (
        200,
        {"decision": "status", "query": "any word on the dublin thing?", "passages": [], "index_version": "v1"},
        0.0,
    )
    if apps is not None:
        status_route(stand_in, apps)
    trk = make_tracker("any word on the dublin thing?", "ask_hiring", metadata=metadata)
    return asyncio.run(stand_in.run(ActionAnswerQuestion(), trk, DOMAIN))


def test_a_question_the_knowledge_reads_as_a_look_up_looks_the_application_up(stand_in):
    messages, events = read_as_a_look_up(stand_in, [SDE])
    assert messages[0]["response"] == "utter_status_one"
    assert messages[0]["job_title"] == "Software Development Engineer II"
    assert events == []  # the conversation's topic stays what it was


def test_a_question_read_as_a_look_up_asks_to_sign_in_without_a_verified_identity(stand_in):
    messages, _ = read_as_a_look_up(stand_in, None, metadata={"auth": {"status": "none"}})
    assert messages[0]["response"] == "utter_status_sign_in"
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]  # no look-up without one


def test_a_question_read_as_a_look_up_with_several_applications_offers_the_look_up(stand_in):
    messages, _ = read_as_a_look_up(stand_in, [SDE, DATA])
    assert messages[0]["response"] == "utter_status_several"


def test_a_question_nlu_took_for_a_look_up_that_the_knowledge_answers_is_answered(stand_in):
    answer = {
        "decision": "answer",
        "query": "is it a problem if I interview, as a civil servant?",
        "passages": [
            {
                "section_id": "government-employees#before-you-interview",
                "heading": "Before you interview",
                "title": "Government employees",
                "text": "Check with your ethics officer before you interview.",
                "path": "knowledge/government-employees.md",
                "url": "https://example.com/gov",
                "score": 0.6,
            }
        ],
        "context": {"doc": "knowledge/government-employees.md", "section": "before-you-interview"},
    }
    stand_in.routes["/api/internal/search"] = (200, answer, 0.0)
    status_route(stand_in, [SDE])
    trk = make_tracker("Im civil servant, is problem if I interview?", "check_my_status", metadata=SIGNED_IN)
    messages, events = asyncio.run(stand_in.run(ActionCheckStatus(), trk, DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]
    assert stand_in.requests[0]["body"]["nlu_intent"] == "check_my_status"
    slots = dict((e["name"], e["value"]) for e in events)
    assert slots["status_choice_needed"] is False and slots["topic_doc"] == "knowledge/government-employees.md"
    # The service's "status" (a look-up) looks the application up, as before.
    stand_in.routes["/api/internal/search"] = (200, {**answer, "decision": "status", "passages": []}, 0.0)
    stand_in.requests.clear()
    messages, _ = asyncio.run(stand_in.run(ActionCheckStatus(), trk, DOMAIN))
    assert messages[0]["response"] == "utter_status_one"
    # The service's refusal (only of what is no look-up either: "i forgot my password tho") is said.
    stand_in.routes["/api/internal/search"] = (200, {**answer, "decision": "fallback", "passages": []}, 0.0)
    stand_in.requests.clear()
    forgot = make_tracker("i forgot my password tho", "check_my_status")
    messages, _ = asyncio.run(stand_in.run(ActionCheckStatus(), forgot, DOMAIN))
    assert [m.get("response") for m in messages] == ["utter_not_covered"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]
    # A button's payload is the look-up itself: the knowledge is not asked.
    stand_in.requests.clear()
    button = make_tracker("/check_my_status", "check_my_status", metadata=SIGNED_IN)
    messages, _ = asyncio.run(stand_in.run(ActionCheckStatus(), button, DOMAIN))
    assert messages[0]["response"] == "utter_status_one"
    assert [r["path"] for r in stand_in.requests] == ["/api/status/applications"]
