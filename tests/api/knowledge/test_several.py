"""Splitting a message into the questions it asks (pure text; the answers are tested in test_service.py)."""

from __future__ import annotations

import pytest

from api.knowledge.several import split_questions


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        (
            "3 qs: 1) how long is the work style test 2) is the final round in person 3) can i apply to more than one role",
            ["how long is the work style test", "is the final round in person", "can i apply to more than one role"],
        ),
        (
            "hey! two things - whats a bar raiser, and how soon do you get back to people after the phone interview?",
            ["whats a bar raiser", "how soon do you get back to people after the phone interview?"],
        ),
        (
            "can i apply to two jobs? what happens to my resume? and when do i hear back?",
            ["can i apply to two jobs", "what happens to my resume", "and when do i hear back?"],
        ),
        # Questions joined by commas alone.
        (
            "how many steps are there, do u do brain teasers, and how fast do u get back after the phone interview",
            ["how many steps are there", "do u do brain teasers", "how fast do u get back after the phone interview"],
        ),
        # Chat's "r" for "are"; a statement kept with the question it is the context of.
        (
            "two things: is the bar raiser there to keep it fair? and r the onsites still in person?",
            ["is the bar raiser there to keep it fair", "and r the onsites still in person?"],
        ),
        (
            "nothing fits me rn. can i get notified when something opens up? also can i apply to multiple jobs",
            ["nothing fits me rn. can i get notified when something opens up", "also can i apply to multiple jobs"],
        ),
    ],
)
def test_a_message_asking_several_questions_is_split_into_them(message, parts):
    assert split_questions(message) == parts


@pytest.mark.parametrize(
    "message",
    [
        "is there going to be some test before I even talk to a human?",
        # A later part that points back, or does not open as a question, goes on with the first.
        "do i need to study for the work style questionaire thingy? what's it based on",
        "when do i do the online assessment? before or after applying?",
        "is the work sample simulation proctored? do i need my webcam on for it",
        # A statement before one question, a greeting before one question, "and if so".
        "i applied to 3 roles. is that ok?",
        "good morning 🙂 hope ur doing well! are final interviews on video these days?",
        "do i need a resume, and if so how long?",
        # A condition before its question.
        "what if i dont have work experience, can i use school projects as examples",
        "when i get there, who do i ask for?",
        # Too short to be a question of its own.
        "what is the loop? and why?",
    ],
)
def test_one_question_stays_whole(message):
    assert split_questions(message) == [message]
