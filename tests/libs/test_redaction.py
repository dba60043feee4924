"""libs/redaction: log records are scrubbed of emails, tokens and phone numbers, tracebacks included.
Standard library only: both environments run this file (Python 3.10 and 3.11)."""

from __future__ import annotations

import io
import logging

import pytest
import redaction

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vLWFuYSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contact ana.lopez+jobs@example.co.uk please", "contact <email> please"),
        (f"token {JWT} expired", "token <token> expired"),
        ("Authorization: Bearer abc123def456ghi", "Authorization: Bearer <token>"),
        ("call me on +44 7700 900123", "call me on <phone>"),
        ("or (555) 010-4477 after six", "or <phone> after six"),
        ("mobile 0151-2345-6789", "mobile <phone>"),
    ],
)
def test_personal_data_is_replaced(text, expected):
    assert redaction.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26 08:33:57 started",
        "Rasa at http://127.0.0.1:5005/webhooks/rest/webhook answered 503",
        "rebuilt the index in 120 ms (16 documents), version 1764146037.123",
        "conversation e2e-0123456789 erased: 3 message(s)",
        "[pid 10334] worker 2 of 4",
    ],
)
def test_operational_details_are_left_alone(text):
    assert redaction.redact(text) == text


def test_installed_factory_scrubs_messages_arguments_and_tracebacks():
    redaction.install()
    redaction.install()  # twice is harmless
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("offline contact %s", "sam@example.org")
        try:
            raise ValueError(f"bad header Bearer {JWT}")
        except ValueError:
            logger.exception("request failed for +1 555 010 4477")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "sam@example.org" not in text and JWT not in text and "555 010 4477" not in text
    assert "offline contact <email>" in text and "ValueError: bad header Bearer <token>" in text
