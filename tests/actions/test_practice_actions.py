"""The practice actions against a stand-in service tier, and the feedback built from a review."""

from __future__ import annotations

import asyncio
import random

from actions.actions import ActionPracticeFeedback, ActionPracticeQuestion
from actions.practice_logic import comparison, feedback_payload, pick_question, summary
from tests.actions.conftest import make_tracker

PRINCIPLES = [
    {
        "name": "Customer Obsession",
        "description": "In our own words: start from the customer.",
        "questions": [
            {"id": "customer-obsession-1", "text": "Tell me about a customer.", "principle": "Customer Obsession"},
            {"id": "customer-obsession-2", "text": "Tell me about a client.", "principle": "Customer Obsession"},
        ],
    },
    {
        "name": "Ownership",
        "description": "In our own words: beyond your job.",
        "questions": [{"id": "ownership-1", "text": "Tell me about ownership.", "principle": "Ownership"}],
    },
]
STORY_REVIEW = {
    "parts": {
        "situation": ["The queue was full."],
        "task": [],
        "action": ["I moved two people.", "We wrote replies.", "I checked.", "I called."],
        "result": ["The queue was empty by noon."],
    },
    "missing": ["task"],
    "first_person": {"i": 3, "we": 1},
    "quantified_result": False,
    "words": 40,
    "speaking_seconds": 16,
    "kind": "story",
    "principles": [{"name": "Customer Obsession", "evidence": ["customer"]}],
    "suggestions": ["Say what you were responsible for."],
}


def test_a_question_is_picked_from_the_chosen_principle_and_not_repeated():
    rng = random.Random(1)
    assert pick_question(PRINCIPLES, "ownership", rng=rng)["id"] == "ownership-1"
    picks = {
        pick_question(PRINCIPLES, "Customer Obsession", exclude="customer-obsession-1", rng=rng)["id"]
        for _ in range(10)
    }
    assert picks == {"customer-obsession-2"}


def test_the_feedback_quotes_each_part_names_the_missing_one_and_gives_no_score():
    text = feedback_payload(STORY_REVIEW, "...", None, "customer-obsession-1")["text"]
    assert "Situation: “The queue was full.”" in text and "Task: not found." in text
    assert "(and 2 more)" in text and 'say "I" 3 times and "we" once' in text
    assert "Measurable result: not yet" in text and "about 16 s to say" in text
    assert "Customer Obsession (customer)" in text and "One thing to try: Say what you were responsible for." in text
    assert "score:" not in text.replace("no score", "")


def test_a_second_attempt_is_compared_with_the_first():
    before = summary(STORY_REVIEW, "q1")
    after = summary({**STORY_REVIEW, "missing": [], "quantified_result": True, "words": 80}, "q1")
    line = comparison(before, after)
    assert "it now has a task" in line and "the result is now measurable" in line and "80 words (was 40)" in line
    payload = feedback_payload({**STORY_REVIEW, "missing": []}, "...", before, "q1")
    assert "Compared with your last attempt" in payload["text"]
    assert [b["title"] for b in payload["buttons"]] == [
        "Try again",
        "Another question",
        "Back to questions",
        "Stop practising",
    ]


def test_a_question_typed_while_practising_is_named_as_a_question():
    review = {**STORY_REVIEW, "kind": "too_short", "parts": {p: [] for p in STORY_REVIEW["parts"]}}
    payload = feedback_payload(review, "how long is the phone interview?", None, None)
    assert payload["kind"] == "practice_feedback" and "looks like a question" in payload["text"]


def test_questions_typed_while_practising_are_named_as_questions_whatever_the_review_read():
    for kind, text in (
        ("self_description", "how long is the work style test? is there a dress code for the loop? can i apply twice?"),
        ("too_short", "when do summer internship apps open"),
    ):
        review = {**STORY_REVIEW, "kind": kind, "parts": {p: [] for p in STORY_REVIEW["parts"]}}
        assert "looks like a question" in feedback_payload(review, text, None, None)["text"], text
    # A non-story that asks nothing gets the feedback on it; so does a story, however it opens.
    review = {**STORY_REVIEW, "kind": "self_description", "parts": {p: [] for p in STORY_REVIEW["parts"]}}
    assert "looks like a question" not in feedback_payload(review, "I am very customer obsessed.", None, None)["text"]
    story = "How I fixed the queue: the queue was full. I moved two people. It was empty by noon."
    assert "looks like a question" not in feedback_payload(STORY_REVIEW, story, None, None)["text"]


def test_the_first_question_says_where_answers_are_kept_and_asks_with_buttons(stand_in):
    stand_in.routes["/api/practice/questions"] = (200, {"principles": PRINCIPLES}, 0.0)
    tracker = make_tracker("I want to practise", "practice")
    messages, events = asyncio.run(stand_in.run(ActionPracticeQuestion(), tracker, {}))
    payload = messages[0]["custom"]
    assert payload["kind"] == "practice" and "kept only in this conversation" in payload["text"]
    assert [b["payload"] for b in payload["buttons"]] == ["/practice", "/practice_principles", "/stop_practice"]
    assert events[0]["name"] == "practice_question_id" and events[0]["value"].startswith(("customer", "ownership"))


def test_the_feedback_action_reviews_the_answer_and_forgets_its_text(stand_in):
    stand_in.routes["/api/practice/review"] = (200, STORY_REVIEW, 0.0)
    answer = "The queue was full. I moved two people. The queue was empty by noon."
    tracker = make_tracker(
        answer, "ask_hiring", slots={"practice_answer": answer, "practice_question_id": "ownership-1"}
    )
    messages, events = asyncio.run(stand_in.run(ActionPracticeFeedback(), tracker, {}))
    assert stand_in.requests[0]["body"] == {"answer": answer, "question_id": "ownership-1"}
    assert stand_in.requests[0]["headers"]["X-Service-Token"] == "tok"
    assert messages[0]["custom"]["kind"] == "practice_feedback"
    assert events[0] == {"event": "slot", "timestamp": None, "name": "practice_answer", "value": None}
    assert events[1]["name"] == "practice_previous" and "The queue" not in str(events[1]["value"])


def test_the_feedback_action_says_so_when_the_service_is_down(stand_in):
    stand_in.routes["/api/practice/review"] = (503, {"detail": "down"}, 0.0)
    tracker = make_tracker("x", slots={"practice_answer": "some answer"})
    messages, events = asyncio.run(stand_in.run(ActionPracticeFeedback(), tracker, {}))
    assert messages[0]["response"] == "utter_service_error" and events[0]["value"] is None


def test_try_again_asks_the_same_question_without_the_note_and_keeps_the_last_attempt(stand_in):
    stand_in.routes["/api/practice/questions"] = (200, {"principles": PRINCIPLES}, 0.0)
    tracker = make_tracker("/practice_retry", "practice_retry", slots={"practice_question_id": "ownership-1"})
    messages, events = asyncio.run(stand_in.run(ActionPracticeQuestion(), tracker, {}))
    assert messages[0]["custom"]["text"].startswith("Try again (Ownership): Tell me about ownership.")
    assert [e["name"] for e in events] == ["practice_question_id", "practice_answer", "practised"]  # previous kept
