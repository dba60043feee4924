"""The public chat contract's input rules, through the real app (Rasa deliberately not running)."""

from __future__ import annotations

import pytest


def chat(client, **body):
    return client.post("/api/chat", json=body)


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_empty_message_is_422_with_a_readable_detail(client, message):
    r = chat(client, conversation_id="abc", message=message)
    assert r.status_code == 422
    assert r.json()["detail"] == "message: the message is empty; type a question"


def test_message_over_2000_characters_is_422(client):
    r = chat(client, conversation_id="abc", message="a" * 2001)
    assert r.status_code == 422
    assert "limit is 2000" in r.json()["detail"]


@pytest.mark.parametrize("cid", ["", "a" * 65, "has space", "semi;colon", "ü"])
def test_malformed_conversation_id_is_422(client, cid):
    r = chat(client, conversation_id=cid, message="hi")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("conversation_id:")


def test_invalid_json_is_422(client):
    r = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"] == "The request body is not valid JSON."


def test_body_over_64_kb_is_413_before_it_is_read(client):
    r = client.post("/api/chat", content=b"x" * (64 * 1024 + 1), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "64 KB" in r.json()["detail"]


def test_chunked_body_over_64_kb_is_413(client):
    def chunks():
        for _ in range(70):
            yield b"x" * 1024

    r = client.post("/api/chat", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_dialogue_tier_down_is_503_with_a_clear_detail(client):
    r = chat(client, conversation_id="abc", message="How long is the phone interview?")
    assert r.status_code == 503
    assert "temporarily unavailable" in r.json()["detail"]


def test_dialogue_tier_busy_is_503_with_retry_after_and_a_clear_detail(client, monkeypatch):
    from api.rasa_client import DialogueBusy

    async def busy(*args, **kwargs):
        raise DialogueBusy("no dialogue slot free within 30 s")

    monkeypatch.setattr(client.app.state.rasa, "send", busy)
    r = chat(client, conversation_id="busy-1", message="How long is the phone interview?")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert "again in a few seconds" in r.json()["detail"]


def test_health_names_the_part_that_is_not_ready(client):
    r = client.get("/api/health")
    assert r.status_code == 503
    parts = r.json()["parts"]
    assert parts["rasa"] == "not reachable" and parts["action_server"] == "not reachable"
    assert parts["index"].startswith("ok")


def test_internal_search_requires_the_service_token(client):
    assert client.post("/api/internal/search", json={"query": "bar raiser"}).status_code == 401
    r = client.post("/api/internal/search", json={"query": "bar raiser"}, headers={"X-Service-Token": "wrong"})
    assert r.status_code == 401


def test_internal_search_answers_with_passages_and_sources(client):
    r = client.post(
        "/api/internal/search",
        json={"query": "What does a bar raiser do in the interview loop?"},
        headers={"X-Service-Token": "test-token"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "answer"
    assert body["passages"][0]["path"] == "knowledge/interview-loop.md"


def test_unknown_section_choice_is_404(client):
    r = client.post(
        "/api/internal/search",
        json={"query": "x", "section_id": "nope#nothing"},
        headers={"X-Service-Token": "test-token"},
    )
    assert r.status_code == 404


def test_demo_careers_page_embeds_the_widget_with_one_script_tag(client):
    r = client.get("/")
    assert r.status_code == 200 and '<script src="/widget.js"' in r.text
    js = client.get("/widget.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")


def test_cors_allows_only_configured_origins(client):
    headers = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    r = client.options("/api/chat", headers=headers)
    assert "access-control-allow-origin" not in r.headers
    ok = client.options("/api/chat", headers={**headers, "Origin": "http://127.0.0.1:8000"})
    assert ok.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"


def test_pages_send_a_content_security_policy_and_standard_headers(client):
    for path in ("/", "/privacy", "/staff", "/staff/login", "/writers", "/widget.js", "/api/health"):
        r = client.get(path)
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_separator_and_bom_only_messages_are_empty(client):
    for blank in ("\x1c\x1d", "\ufeff ", "\x85\t"):
        r = chat(client, conversation_id="abc", message=blank)
        assert r.status_code == 422 and "empty" in r.json()["detail"]


@pytest.mark.parametrize(
    "invisible",
    ["\u200b\u200b", "\u202e\u202c", "\u2066\u2069\u200e", "\u2060\ufeff\u200f", "\u00ad", "\U000e0041\u200d"],
)
def test_messages_of_only_zero_width_or_bidi_characters_are_empty(client, invisible):
    r = chat(client, conversation_id="abc", message=invisible)
    assert r.status_code == 422
    assert r.json()["detail"] == "message: the message is empty; type a question"


def test_trailing_slash_redirects_stay_on_this_site_whatever_the_host_header(client):
    r = client.get("/staff/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code in (301, 307, 308)
    assert r.headers["location"] == "/staff"


def test_the_api_docs_load_swagger_ui_from_the_app_itself(client):
    import re

    r = client.get("/docs")
    assert r.status_code == 200
    refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert refs and all(ref.startswith("/") and not ref.startswith("//") for ref in refs), refs
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text  # no inline script: the CSP would block it
    assert client.get("/redoc").status_code == 404  # FastAPI's page loads from a CDN too
