"""PlaceholderWhitespaceTokenizer: emails, links and long numbers read as one placeholder word each."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.components.tokenizer import EMAIL, LINK, NUMBER, PlaceholderWhitespaceTokenizer, placeholder


def words(text: str) -> list[str]:
    tokenizer = PlaceholderWhitespaceTokenizer(PlaceholderWhitespaceTokenizer.get_default_config())
    return [t.text for t in tokenizer.tokenize(Message({"text": text}), "text")]


def test_personal_identifiers_become_placeholders_and_ordinary_words_stay():
    assert words("where am i? email is jdoe88@example.com, app 99120374, see https://x.co/a?b=1") == [
        "where",
        "am",
        "i",
        "email",
        "is",
        EMAIL,
        "app",
        NUMBER,
        "see",
        LINK,
    ]
    # Short numbers carry meaning ("5 roles", "10-20 minutes") and are kept.
    assert words("can i apply to 5 roles, the OA is 10-20 minutes") == [
        "can",
        "i",
        "apply",
        "to",
        "5",
        "roles",
        "the",
        "OA",
        "is",
        "10-20",
        "minutes",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ana@example.org", EMAIL),
        ("www.amazon.jobs", LINK),
        ("555-123-4567", NUMBER),
        ("#2718456", NUMBER),
        ("12/04", None),  # a date as candidates write it: four digits but a short one
        ("2024", NUMBER),
        ("L5", None),
        ("@amazon", None),
    ],
)
def test_placeholder(word, expected):
    assert placeholder(word) == expected


def test_the_message_text_itself_is_not_changed():
    message = Message({"text": "my email is ana@example.org"})
    PlaceholderWhitespaceTokenizer(PlaceholderWhitespaceTokenizer.get_default_config()).process([message])
    assert message.get("text") == "my email is ana@example.org"


@pytest.mark.model
def test_the_trained_model_routes_a_request_the_same_whatever_the_address(agent):
    """Different addresses give the same classification: the address is one word, not its n-grams."""

    def parse(text: str) -> dict:
        return asyncio.run(agent.parse_message(text))["intent"]

    results = [
        parse(f"hey can u look up where i am in the process? email is {address}")
        for address in ("jdoe88@example.com", "x.y-z@mail.example.co.uk", "zz@q.io")
    ]
    assert {r["name"] for r in results} == {"check_my_status"}
    assert len({round(r["confidence"], 6) for r in results}) == 1
