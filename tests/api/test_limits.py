"""Input limits (api/limits.py): bodies over the limit refused before they are read, text cleaned of
control characters and refused when it is not Unicode, and JSON the parser gives up on answered as
invalid JSON; through the real app, on SQLite and on a real PostgreSQL server where it is stored."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from api.limits import MAX_BODY_BYTES, BodySizeLimit, clean_text
from api.main import INVALID_JSON

SERVICE = {"X-Service-Token": "test-token"}
PASSWORD = "a long enough password"


def test_control_characters_are_removed_and_line_breaks_kept():
    assert clean_text("hi\x00 there\x1b[31m\x7f\x85!\tnew\nline\r") == "hi there[31m!\tnew\nline\r"


def test_an_unpaired_surrogate_is_refused():
    with pytest.raises(ValueError, match="not valid Unicode"):
        clean_text("broken \ud800 text")
    assert clean_text("paired 😀 is fine") == "paired 😀 is fine"


def test_a_declared_body_over_the_limit_is_refused_without_reading_a_byte():
    received, sent, reached_app = [], [], []

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message):
        sent.append(message)

    async def app(scope, receive, send):
        reached_app.append(1)

    scope = {"type": "http", "method": "POST", "headers": [(b"content-length", b"104857600")]}
    asyncio.run(BodySizeLimit(app)(scope, receive, send))
    assert received == [] and reached_app == []
    assert sent[0]["status"] == 413 and b"64 KB" in sent[1]["body"]


def test_a_chunked_body_is_read_only_up_to_the_limit():
    received = []

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}  # never ends

    async def send(message):
        pass

    async def app(scope, receive, send):
        raise AssertionError("an oversized body reached the app")

    asyncio.run(BodySizeLimit(app)({"type": "http", "method": "POST", "headers": []}, receive, send))
    assert len(received) == MAX_BODY_BYTES // 1024 + 1


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,  # nesting deeper than the parser's recursion limit
        b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        b'{"conversation_id": "a", "message": "\xff\xfe"}',  # not UTF-8
        b'{"conversation_id": "a", "message": 1' + b"0" * 5_000 + b"}",  # a number of 5,000 digits
        b"{not json",
    ],
    ids=["deep-list", "deep-object", "not-utf8", "huge-number", "syntax"],
)
def test_json_the_parser_gives_up_on_is_422_invalid_json(client, body):
    for path in ("/api/chat", "/api/staff/login", "/api/conversations/c-1/feedback"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert (r.status_code, r.json()["detail"]) == (422, INVALID_JSON), path


@pytest.mark.parametrize("body", [b"null", b"[]", b'"hello"', b"42"])
def test_a_body_that_is_not_an_object_is_422(client, body):
    r = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "The request body must be a JSON object."


def test_wrong_types_are_422_naming_the_fields(client):
    r = client.post("/api/chat", json={"conversation_id": 7, "message": ["hi"]})
    assert r.status_code == 422
    assert (
        r.json()["detail"] == "conversation_id: Input should be a valid string; message: Input should be a valid string"
    )


def test_ten_thousand_emoji_are_refused_by_length_or_by_size(client):
    emoji = "😀" * 10_000
    raw = f'{{"conversation_id": "e", "message": "{emoji}"}}'.encode()  # 40 KB as UTF-8
    r = client.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "10000 characters; the limit is 2000" in r.json()["detail"]
    # The same as JSON escapes (\\ud83d\\ude00, 12 bytes each): 120 KB, over the body limit.
    escaped = json.dumps({"conversation_id": "e", "message": emoji}, ensure_ascii=True).encode()
    r = client.post("/api/chat", content=escaped, headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", '{"conversation_id": "s-1", "message": "hi \\ud800"}'),
        ("/api/staff/login", '{"username": "x\\udfff", "password": "a long enough password"}'),
        ("/api/internal/handoff", '{"conversation_id": "s-1", "candidate_id": "\\ud83d"}'),
    ],
)
def test_text_that_is_not_unicode_is_422(client, path, body):
    r = client.post(path, content=body.encode(), headers={"content-type": "application/json", **SERVICE})
    assert r.status_code == 422 and "valid" in r.json()["detail"]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_control_characters_never_reach_the_database(app_on_database, database):
    """PostgreSQL cannot store NUL at all: before cleaning, each of these was a 500 there."""
    from api.users.service import add_user

    app, _ = app_on_database(database)
    cid = f"ctl-{uuid.uuid4().hex[:8]}"
    # Queued for a person, so a candidate's message is stored at once (Rasa is not running here).
    r = app.post(
        "/api/internal/handoff", json={"conversation_id": cid, "candidate_id": "demo\x00-ana"}, headers=SERVICE
    )
    assert r.status_code == 200, r.text
    r = app.post("/api/chat", json={"conversation_id": cid, "message": "hello\x00 \x1b[1mthere\x07"})
    assert r.status_code == 200 and r.json()["mode"] == "waiting", r.text
    assert app.post("/api/staff/login", json={"username": "al\x00ex", "password": PASSWORD}).status_code == 401

    add_user("alex", PASSWORD, "staff")
    r = app.post("/api/staff/login", json={"username": "alex", "password": PASSWORD})
    staff = {"X-CSRF-Token": r.json()["csrf_token"]}
    assert app.post(f"/api/staff/conversations/{cid}/claim", headers=staff).status_code == 204
    r = app.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Hi,\x00 I'm Alex."}, headers=staff)
    assert r.status_code == 200, r.text

    transcript = app.get(f"/api/staff/conversations/{cid}").json()
    assert transcript["candidate_id"] == "demo-ana"
    said = [m["text"] for m in transcript["messages"] if m["kind"] != "notice"]  # not "alex ... joined"
    assert said == ["hello [1mthere", "Hi, I'm Alex."]


def test_bidi_overrides_and_zero_width_characters_are_removed():
    assert clean_text("\u202eevil\u202c is\u200b \u2066here\u2069\ufeff") == "evil is here"


def test_every_unicode_format_character_but_the_joiners_is_removed():
    import sys
    import unicodedata

    kept = {"\u200c", "\u200d"}  # inside Persian and Indic words and emoji sequences
    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    left = [f"U+{ord(ch):04X}" for ch in formats if ch not in kept and clean_text(f"a{ch}b") != "ab"]
    assert left == [], f"format characters clean_text keeps: {left}"
    assert (
        clean_text("\u0646\u0645\u200c\u0647\u0627 \U0001f469\u200d\U0001f4bb")
        == "\u0646\u0645\u200c\u0647\u0627 \U0001f469\u200d\U0001f4bb"
    )


def test_text_of_only_invisible_characters_has_no_text():
    from api.limits import has_text

    assert not has_text(clean_text("\u200b\u202e\u2060\ufeff\u200d \u200c"))
    assert has_text(clean_text("\u202ehi"))


def test_the_schemas_pattern_agrees_with_the_cleaning_on_every_format_character():
    """The OpenAPI pattern (HAS_TEXT) is what a client and the schema fuzzer read: a text it accepts
    must keep something once cleaned. It let U+110BD alone through, which cleaning left empty (a 422 for
    a request the schema called valid: tests/api/system/test_openapi_fuzz.py found it)."""
    import re
    import sys
    import unicodedata

    from api.limits import HAS_TEXT, has_text

    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    disagree = [
        f"U+{ord(ch):04X}" for ch in formats if (re.search(HAS_TEXT, ch) is not None) != has_text(clean_text(ch))
    ]
    assert disagree == []
    assert re.search(HAS_TEXT, "\U000110bd") is None and re.search(HAS_TEXT, "\U0001f600") is not None
