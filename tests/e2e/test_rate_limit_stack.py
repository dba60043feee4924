"""Rate limits on the real stack: two API processes (uvicorn, as `make run` starts it) in front of the
real Rasa, sharing their counters through a real redis-server."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.conftest import Stack


@pytest.fixture
def apis(limited_apis: list[Stack]):
    clients = [httpx.Client(base_url=api.api_url, timeout=30) for api in limited_apis]
    yield clients
    for c in clients:
        c.close()


def say(c: httpx.Client, cid: str, message: str) -> httpx.Response:
    return c.post("/api/chat", json={"conversation_id": cid, "message": message})


def test_the_fourth_message_in_a_conversation_is_429_on_either_instance_and_others_are_answered(apis):
    first, second = apis
    cid = f"e2e-rl-{uuid.uuid4().hex[:8]}"
    questions = ["What does a bar raiser do?", "How long is the work style assessment?", "hello"]
    for c, question in zip([first, second, first], questions, strict=True):
        r = say(c, cid, question)
        assert r.status_code == 200 and r.json()["replies"], r.text
    refused = say(second, cid, "Is the bar raiser my manager?")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 10  # 3 per 30 s: one every 10 s after the burst
    assert refused.json()["detail"].startswith("Too many messages; please wait")
    assert say(first, cid, "Is the bar raiser my manager?").status_code == 429  # counted together

    other = say(first, f"e2e-rl-{uuid.uuid4().hex[:8]}", "What does a bar raiser do?")
    assert other.status_code == 200 and other.json()["replies"][0]["kind"] == "answer"

    # The gateway stores a message before it sends it to Rasa: one not stored was not sent either.
    history = first.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert [m["text"] for m in history if m["sender"] == "candidate"] == questions


def test_a_spoofed_x_forwarded_for_does_not_escape_the_address_limit(apis):
    # CA_TRUSTED_PROXIES is empty, so the header is the client's own claim; uvicorn must not believe
    # it either (it would, by default, from 127.0.0.1).
    first, second = apis
    codes = [
        c.post(
            "/api/staff/login",
            json={"username": f"nobody-{i}", "password": "guess"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i, c in enumerate([first, second, first, second])
    ]
    assert codes == [401, 401, 401, 429]
