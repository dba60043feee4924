"""Rate limits on POST /api/chat through the real app: per conversation, per client address, and
which address counts when X-Forwarded-For is sent. Rasa is replaced by a recorder here, to show what
reaches it; tests/e2e/test_rate_limit_stack.py does the same against the real Rasa."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_ratelimit import FakeClock

SMALL = {"CA_RATE_LIMIT_CHAT_CONVERSATION": "3/minute", "CA_RATE_LIMIT_CHAT_ADDRESS": "100/minute"}


class RecordingRasa:
    """Answers every message with one line and remembers what it was sent."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.sent: list[tuple[str, str]] = []

    async def send(
        self, conversation_id: str, message: str, metadata: dict[str, Any], message_id: str | None = None
    ) -> list[dict[str, Any]]:
        self.sent.append((conversation_id, message))
        return [{"recipient_id": conversation_id, "text": "Happy to help."}]

    async def close(self) -> None:
        await self.real.close()


@pytest.fixture
def limited(app_with):
    """An app with 3 messages a minute per conversation, Rasa recorded, its limiter on a fake clock."""
    c = app_with(**SMALL)
    c.app.state.rasa = RecordingRasa(c.app.state.rasa)
    c.app.state.limiter.clock = FakeClock()
    return c


def new_id() -> str:
    return f"rl-{uuid.uuid4().hex[:10]}"


def say(c: TestClient, cid: str, message: str = "How long is the phone interview?", **headers: str):
    return c.post("/api/chat", json={"conversation_id": cid, "message": message}, headers=headers)


def test_a_message_over_the_conversation_limit_is_429_with_retry_after(limited):
    cid = new_id()
    assert [say(limited, cid, f"question {i}").status_code for i in range(3)] == [200, 200, 200]
    r = say(limited, cid, "question 4")
    assert r.status_code == 429
    assert r.headers["retry-after"] == "20"
    assert r.json() == {"detail": "Too many messages; please wait 20 seconds and try again."}


def test_a_refused_message_reaches_neither_rasa_nor_the_transcript(limited):
    cid = new_id()
    for i in range(3):
        say(limited, cid, f"question {i}")
    assert say(limited, cid, "the refused one").status_code == 429
    assert [m for c, m in limited.app.state.rasa.sent if c == cid] == ["question 0", "question 1", "question 2"]
    history = limited.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert [m["text"] for m in history if m["sender"] == "candidate"] == ["question 0", "question 1", "question 2"]


def test_other_conversations_are_answered_while_one_is_limited(limited):
    busy = new_id()
    for _ in range(4):
        say(limited, busy)
    assert say(limited, busy).status_code == 429
    assert say(limited, new_id()).status_code == 200


def test_after_waiting_retry_after_the_conversation_can_send_again(limited):
    cid = new_id()
    for _ in range(3):
        say(limited, cid)
    wait = int(say(limited, cid).headers["retry-after"])
    limited.app.state.limiter.clock.advance(wait)
    assert say(limited, cid).status_code == 200


def test_the_address_limit_counts_every_conversation_from_one_address(app_with):
    c = app_with(CA_RATE_LIMIT_CHAT_CONVERSATION="off", CA_RATE_LIMIT_CHAT_ADDRESS="3/minute")
    # Rasa is down in these tests: an admitted message is 503, a limited one 429.
    assert [say(c, new_id()).status_code for _ in range(3)] == [503, 503, 503]
    r = say(c, new_id())
    assert r.status_code == 429 and r.json()["detail"].startswith("Too many messages; please wait")
    elsewhere = TestClient(c.app, client=("198.51.100.7", 50000))
    assert say(elsewhere, new_id()).status_code == 503


def test_a_spoofed_x_forwarded_for_from_an_untrusted_peer_does_not_escape_the_address_limit(app_with):
    c = app_with(CA_RATE_LIMIT_CHAT_CONVERSATION="off", CA_RATE_LIMIT_CHAT_ADDRESS="3/minute")
    codes = [say(c, new_id(), **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
    assert codes == [503, 503, 503, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_address_limit(app_with):
    proxy = app_with(
        peer="127.0.0.1",
        CA_RATE_LIMIT_CHAT_CONVERSATION="off",
        CA_RATE_LIMIT_CHAT_ADDRESS="3/minute",
        CA_TRUSTED_PROXIES='["127.0.0.1"]',
    )
    first = {"X-Forwarded-For": "203.0.113.1"}
    assert [say(proxy, new_id(), **first).status_code for _ in range(4)] == [503, 503, 503, 429]
    assert say(proxy, new_id(), **{"X-Forwarded-For": "203.0.113.2"}).status_code == 503
    # The client cannot pose as another by writing to the left of what the proxy appended.
    assert say(proxy, new_id(), **{"X-Forwarded-For": "203.0.113.9, 203.0.113.1"}).status_code == 429


def test_an_invalid_request_is_refused_before_it_is_counted(limited):
    cid = new_id()
    for _ in range(5):
        assert say(limited, cid, "   ").status_code == 422
    assert say(limited, cid).status_code == 200


def test_the_widget_on_another_origin_may_read_retry_after(limited):
    cid = new_id()
    origin = {"Origin": "http://127.0.0.1:8000"}
    for _ in range(3):
        say(limited, cid, **origin)
    r = say(limited, cid, **origin)
    assert r.status_code == 429
    assert r.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    assert "retry-after" in r.headers["access-control-expose-headers"].lower()


def test_the_429_and_retry_after_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/chat", "/api/staff/login"):
        too_many = paths[path]["post"]["responses"]["429"]
        assert "Retry-After" in too_many["headers"]
        assert too_many["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
