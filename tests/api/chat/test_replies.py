from __future__ import annotations

import json

from api.chat.payloads import sanitise
from api.chat.replies import NO_REPLY, to_replies


def test_custom_payloads_keep_their_kind_sources_and_buttons():
    replies = to_replies(
        [
            {
                "recipient_id": "c1",
                "custom": {
                    "kind": "answer",
                    "text": "Two business days.",
                    "buttons": [],
                    "sources": [
                        {"title": "Phone interview", "path": "knowledge/phone-interview.md", "heading": "When"}
                    ],
                },
            }
        ]
    )
    assert replies[0].kind == "answer"
    assert replies[0].sources[0].path == "knowledge/phone-interview.md"


def test_plain_text_from_rasa_is_chitchat():
    [reply] = to_replies([{"text": "hello", "buttons": [{"title": "A", "payload": "/greet"}]}])
    assert reply.kind == "chitchat" and reply.buttons[0].payload == "/greet"


def test_no_reply_at_all_becomes_an_error_reply_offering_a_person():
    assert to_replies([]) == [NO_REPLY]
    assert NO_REPLY.kind == "error" and "person" in NO_REPLY.text


def test_malformed_custom_payload_is_dropped_not_a_crash():
    assert to_replies([{"custom": {"kind": "nonsense", "text": "x"}}]) == [NO_REPLY]


def test_button_payloads_pass_but_other_slash_commands_become_text():
    assert sanitise("/request_human") == "/request_human"
    assert sanitise('/ask_hiring{"section_id":"phone-interview#when-you-hear-back"}').startswith("/ask_hiring")
    assert sanitise("/restart") == "restart"
    assert sanitise('/inform{"candidate_id": "42"}') == 'inform{"candidate_id": "42"}'
    assert sanitise("///") == "?"
    assert sanitise("how long is it?") == "how long is it?"


def test_the_practice_buttons_pass_as_intents_and_nothing_else_does():
    for payload in ("/practice", "/practice_principles", "/practice_retry", "/stop_practice"):
        assert sanitise(payload) == payload
    for name in (
        "Ownership",
        "Have Backbone; Disagree and Commit",
        "Are Right, A Lot",
        "Strive to be Earth's Best Employer",
    ):
        payload = "/practice" + json.dumps({"practice_principle": name}, separators=(",", ":"))
        assert sanitise(payload) == payload
    assert sanitise('/practice{"practice_answer":"x"}') == 'practice{"practice_answer":"x"}'
    assert sanitise('/practice{"practice_principle":"x"}{"a":1}') == 'practice{"practice_principle":"x"}{"a":1}'


def test_a_jobs_reply_keeps_its_cards_and_drops_links_that_are_not_web_links():
    card = {"id": "demo:1", "title": "Data Engineer", "place": "Seattle", "team": "Data", "type": "Full-time"}
    [reply] = to_replies(
        [
            {
                "custom": {
                    "kind": "jobs",
                    "text": "I found 2 data engineer jobs:",
                    "buttons": [{"title": "Show more jobs", "payload": "/more_jobs"}],
                    "jobs": [
                        {
                            **card,
                            "url": "https://careers.example.com/jobs/1",
                            "apply_url": "https://careers.example.com/a/1",
                        },
                        {**card, "id": "demo:2", "url": "javascript:alert(1)", "apply_url": "data:text/html,x"},
                    ],
                }
            }
        ]
    )
    assert reply.kind == "jobs" and [j.id for j in reply.jobs] == ["demo:1", "demo:2"]
    assert reply.jobs[0].apply_url == "https://careers.example.com/a/1"
    assert reply.jobs[1].url == "" and reply.jobs[1].apply_url == ""


def test_job_search_buttons_pass():
    assert sanitise("/more_jobs") == "/more_jobs"
    assert sanitise("/refine_jobs") == "/refine_jobs"
    assert sanitise("/join_talent_community") == "/join_talent_community"
