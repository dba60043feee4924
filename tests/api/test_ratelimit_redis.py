"""Shared counters in a real redis-server: two app instances (the cluster set-up) enforce one limit
together, and a Redis outage is neither a 500 nor the end of limiting."""

from __future__ import annotations

import logging
import uuid

import redis
from fastapi.testclient import TestClient

from tests.api.test_ratelimit import FakeClock


def say(c: TestClient, cid: str) -> int:
    return c.post("/api/chat", json={"conversation_id": cid, "message": "What does a bar raiser do?"}).status_code


def test_two_instances_sharing_redis_enforce_one_conversation_limit(app_with, redis_server):
    settings = {"CA_REDIS_URL": redis_server.url, "CA_RATE_LIMIT_CHAT_CONVERSATION": "3/minute"}
    first, second = app_with(**settings), app_with(**settings)
    cid = f"rl-{uuid.uuid4().hex[:10]}"
    # Rasa is down in these tests: admitted is 503, limited is 429.
    assert [say(first, cid), say(second, cid), say(first, cid)] == [503, 503, 503]
    assert say(second, cid) == 429  # each instance alone has seen fewer than 3
    assert say(first, cid) == 429
    assert redis.Redis.from_url(redis_server.url).exists(f"ca:ratelimit:chat_conversation:{cid}")


def test_two_instances_sharing_redis_enforce_one_sign_in_limit(app_with, redis_server):
    settings = {"CA_REDIS_URL": redis_server.url, "CA_RATE_LIMIT_LOGIN_USERNAME": "2/hour"}
    first, second = app_with(**settings), app_with(**settings)
    name = f"rl-{uuid.uuid4().hex[:8]}"

    def attempt(c: TestClient) -> int:
        return c.post("/api/staff/login", json={"username": name, "password": "guess"}).status_code

    assert [attempt(first), attempt(second), attempt(first), attempt(second)] == [401, 401, 429, 429]


def test_a_redis_outage_is_not_a_500_and_each_instance_still_limits(app_with, redis_server, caplog):
    c = app_with(CA_REDIS_URL=redis_server.url, CA_RATE_LIMIT_CHAT_CONVERSATION="3/minute")
    clock = c.app.state.limiter.clock = FakeClock()
    cid = f"rl-{uuid.uuid4().hex[:10]}"
    assert say(c, cid) == 503
    redis_server.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
            codes = [say(c, f"{cid}-x") for _ in range(4)]
        assert codes == [503, 503, 503, 429]  # counted in the process meanwhile
        assert "unreachable" in caplog.text and "counts on its own" in caplog.text
    finally:
        redis_server.start()
    clock.advance(5)  # the pause before Redis is asked again
    after = f"{cid}-after"
    assert say(c, after) == 503
    assert redis.Redis.from_url(redis_server.url).exists(f"ca:ratelimit:chat_conversation:{after}")


def test_an_unreachable_redis_at_start_up_is_a_warning_not_a_failure(app_with, caplog):
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        c = app_with(CA_REDIS_URL="redis://127.0.0.1:9/0", CA_RATE_LIMIT_CHAT_CONVERSATION="3/minute")
    assert "not reachable" in caplog.text
    cid = f"rl-{uuid.uuid4().hex[:10]}"
    assert [say(c, cid) for _ in range(4)] == [503, 503, 503, 429]
