"""The rate limiter on its own: rate strings, the counting (on a fake clock, in memory and in a real
Redis: the same behaviour), the fall-back when Redis fails, and which address a request comes from."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from api.config import Settings
from api.ratelimit import CounterUnavailable, MemoryCounter, RateLimiter, RedisCounter
from api.rates import Rate, parse_networks, parse_rate


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/minute", Rate(20, 60)),
        ("5/10seconds", Rate(5, 10)),
        (" 3 / 15 minutes ", Rate(3, 900)),
        ("100/day", Rate(100, 86400)),
        ("1/second", Rate(1, 1)),
        ("10/Hour", Rate(10, 3600)),
        ("off", None),
        ("OFF", None),
    ],
)
def test_rate_strings_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["20 per minute", "20/fortnight", "minute", "", "20", "-1/minute", "2.5/minute"])
def test_a_malformed_rate_is_rejected_with_the_expected_form(text):
    with pytest.raises(ValueError, match=r"N/period, e\.g\. 20/minute"):
        parse_rate(text)


@pytest.mark.parametrize("text", ["0/minute", "5/0seconds"])
def test_a_zero_rate_is_rejected_and_points_to_off(text):
    with pytest.raises(ValueError, match="'off' for no limit"):
        parse_rate(text)


def test_a_bad_rate_setting_stops_start_up_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("CA_RATE_LIMIT_LOGIN_USERNAME", "ten a minute")
    with pytest.raises(ValidationError) as err:
        Settings()
    assert "rate_limit_login_username" in str(err.value) and "N/period" in str(err.value)


def test_bad_redis_url_and_trusted_proxy_settings_stop_start_up(monkeypatch):
    monkeypatch.setenv("CA_REDIS_URL", "127.0.0.1:6379")
    with pytest.raises(ValidationError, match="not a Redis URL"):
        Settings()
    monkeypatch.delenv("CA_REDIS_URL")
    monkeypatch.setenv("CA_TRUSTED_PROXIES", '["the-proxy"]')
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings()


def test_defaults_limit_chat_and_sign_in(monkeypatch):
    for name in ("CHAT_CONVERSATION", "CHAT_ADDRESS", "LOGIN_ADDRESS", "LOGIN_USERNAME", "PRACTICE_ADDRESS"):
        monkeypatch.delenv(f"CA_RATE_LIMIT_{name}", raising=False)  # the shared test app turns them off
    rates = Settings(_env_file=None).rate_limits()
    assert rates == {
        "chat_conversation": Rate(20, 60),
        "chat_address": Rate(300, 60),
        "login_address": Rate(30, 3600),
        "login_username": Rate(10, 3600),
        "practice_address": Rate(30, 60),
    }


def test_a_limit_set_to_off_is_not_counted():
    limiter = RateLimiter({"chat_conversation": None})
    assert all(asyncio.run(limiter.wait("chat_conversation", "c")) == 0 for _ in range(1000))


# --- the counting, identical in memory and in a real Redis ---------------------------------------


@pytest.fixture(params=["memory", "redis"])
def hit(request):
    """hit(key, rate) -> seconds to wait, on one counter and a fake clock (`hit.clock`)."""
    clock = FakeClock()
    prefix = uuid.uuid4().hex  # the session's Redis keeps keys from other tests
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url

    async def one(key: str, rate: Rate) -> float:
        # A client per call: each asyncio.run has its own event loop.
        # A generous timeout: these tests are about the counting, and a busy CI machine can take
        # longer than the production half second to accept a loopback connection.
        counter = RedisCounter(url, timeout=10) if request.param == "redis" else memory
        try:
            return await counter.hit(f"{prefix}:{key}", rate, clock())
        finally:
            if request.param == "redis":
                await counter.aclose()

    memory = MemoryCounter()

    def call(key: str, rate: Rate) -> float:
        return asyncio.run(one(key, rate))

    call.clock = clock  # type: ignore[attr-defined]
    return call


THREE_A_MINUTE = Rate(3, 60)


def test_a_burst_of_n_passes_and_the_next_waits_one_interval(hit):
    assert [hit("k", THREE_A_MINUTE) for _ in range(3)] == [0, 0, 0]
    assert hit("k", THREE_A_MINUTE) == pytest.approx(20, abs=0.01)
    hit.clock.advance(5)
    assert hit("k", THREE_A_MINUTE) == pytest.approx(15, abs=0.01)


def test_a_refused_request_costs_nothing(hit):
    for _ in range(3):
        hit("k", THREE_A_MINUTE)
    for _ in range(10):
        assert hit("k", THREE_A_MINUTE) > 0
    hit.clock.advance(20)
    assert hit("k", THREE_A_MINUTE) == 0  # the ten refusals did not push the wait further out
    assert hit("k", THREE_A_MINUTE) == pytest.approx(20, abs=0.01)


def test_after_a_whole_period_the_whole_burst_is_back(hit):
    for _ in range(3):
        hit("k", THREE_A_MINUTE)
    hit.clock.advance(60)
    assert [hit("k", THREE_A_MINUTE) for _ in range(4)][:3] == [0, 0, 0]


def test_steady_use_at_the_rate_is_never_refused(hit):
    for _ in range(12):
        assert hit("k", THREE_A_MINUTE) == 0
        hit.clock.advance(20)


def test_no_more_than_n_pass_at_once_even_across_a_minute_boundary(hit):
    # A fixed-window counter would pass 3 at 59.9 s and 3 more at 60.1 s.
    hit.clock.now = 1_700_000_039.9  # 59.9 s into a clock minute
    assert [hit("k", THREE_A_MINUTE) for _ in range(3)] == [0, 0, 0]
    hit.clock.advance(0.2)
    assert hit("k", THREE_A_MINUTE) > 0


def test_each_key_has_its_own_budget(hit):
    for _ in range(3):
        hit("a", THREE_A_MINUTE)
    assert hit("a", THREE_A_MINUTE) > 0
    assert hit("b", THREE_A_MINUTE) == 0


def test_a_long_period_waits_in_seconds_not_milliseconds(hit):
    ten_an_hour = Rate(10, 3600)
    for _ in range(10):
        assert hit("u", ten_an_hour) == 0
    assert hit("u", ten_an_hour) == pytest.approx(360, abs=0.01)


def test_memory_counter_forgets_keys_whose_budget_is_full_again():
    counter, clock = MemoryCounter(), FakeClock()
    for i in range(MemoryCounter.SWEEP_EVERY - 1):
        asyncio.run(counter.hit(f"old-{i}", THREE_A_MINUTE, clock()))
    clock.advance(61)
    asyncio.run(counter.hit("new", THREE_A_MINUTE, clock()))
    assert len(counter) == 1


def test_redis_keys_expire_when_their_budget_is_full_again(redis_server):
    import redis

    async def once() -> None:
        counter = RedisCounter(redis_server.url, timeout=10)
        await counter.hit("expiry-check", Rate(2, 10), time.time())
        await counter.aclose()

    asyncio.run(once())
    ttl_ms = redis.Redis.from_url(redis_server.url).pttl("ca:ratelimit:expiry-check")
    assert 0 < ttl_ms <= 5000  # one interval: after it the key means nothing and Redis drops it


# --- when the shared counters fail -----------------------------------------------------------------


class BrokenCounter:
    def __init__(self) -> None:
        self.calls = 0

    async def hit(self, key: str, rate: Rate, now: float) -> float:
        self.calls += 1
        raise CounterUnavailable("ConnectionError: refused")

    async def aclose(self) -> None:
        pass


def test_when_redis_fails_this_process_counts_on_its_own_and_warns_once(caplog):
    broken, clock = BrokenCounter(), FakeClock()
    limiter = RateLimiter({"chat_conversation": THREE_A_MINUTE}, broken, clock=clock)
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        waits = [asyncio.run(limiter.wait("chat_conversation", "c")) for _ in range(4)]
    assert waits[:3] == [0, 0, 0] and waits[3] == pytest.approx(20, abs=0.01)  # still limited, never an error
    assert broken.calls == 1  # not asked again for every request meanwhile
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "unreachable" in caplog.text
    clock.advance(5)
    asyncio.run(limiter.wait("chat_conversation", "d"))
    assert broken.calls == 2  # asked again after the pause


# --- the client's address --------------------------------------------------------------------------


def request_from(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "client": (peer, 40000), "headers": headers})


def limiter_trusting(*proxies: str) -> RateLimiter:
    return RateLimiter({}, trusted_proxies=parse_networks(proxies))


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert limiter_trusting().address(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    assert limiter_trusting("127.0.0.1").address(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_appended():
    limiter = limiter_trusting("127.0.0.1")
    assert limiter.address(request_from("127.0.0.1", "198.51.100.1")) == "198.51.100.1"
    # Whatever the client wrote itself stands to the left of what the proxy appended.
    assert limiter.address(request_from("127.0.0.1", "10.9.9.9, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_skipped_from_the_right():
    limiter = limiter_trusting("127.0.0.1", "10.0.0.0/8")
    assert limiter.address(request_from("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"


def test_a_trusted_proxy_without_the_header_or_with_garbage_counts_as_itself():
    limiter = limiter_trusting("127.0.0.1")
    assert limiter.address(request_from("127.0.0.1")) == "127.0.0.1"
    assert limiter.address(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert limiter.address(request_from("127.0.0.1", "")) == "127.0.0.1"


def test_ipv6_peers_and_proxies_are_understood():
    limiter = limiter_trusting("::1")
    assert limiter.address(request_from("::1", "2001:db8::7")) == "2001:db8::7"
    assert limiter.address(request_from("2001:db8::9", "2001:db8::7")) == "2001:db8::9"
