"""The dialogue tier's processes scrub their log records (the patterns are tested in tests/libs)."""

from __future__ import annotations

import io
import logging

import redaction


def test_records_of_this_environment_are_scrubbed_once_installed():
    redaction.install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("rasa.core.tracker_store")
    logger.addHandler(handler)
    try:
        logger.error(
            "could not save: metadata %s", {"token": "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", "email": "a@b.example"}
        )
    finally:
        logger.removeHandler(handler)
    assert "eyJ" not in out.getvalue() and "a@b.example" not in out.getvalue()
    assert "<token>" in out.getvalue() and "<email>" in out.getvalue()
