"""Rate limits for /api/chat and sign-in: which client is asking, and counters kept in this process
or shared by every API process through Redis (CA_REDIS_URL).

The counting is GCRA (the "generic cell rate algorithm"): a rate N/period admits a burst of N
requests, then one more every period/N seconds. One number per key (the time at which the key's
budget is next full), so the answer to "how long must this client wait" is exact, a refused request
costs nothing, and there is no window edge at which 2N requests pass.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from starlette.requests import Request

from api.rates import Network, Rate, parse_networks

if TYPE_CHECKING:
    from api.config import Settings

log = logging.getLogger(__name__)

# Floating-point slack: a request this much early still counts as on time (Redis stores 1 µs steps).
EPSILON_SECONDS = 0.001
# After Redis fails, this process counts on its own for this long before it asks Redis again, so an
# outage costs one failed call per interval, not one per request.
SHARED_RETRY_SECONDS = 5.0
REDIS_PREFIX = "ca:ratelimit:"


class CounterUnavailable(Exception):
    """The shared counters could not be reached or did not answer."""


class Counter(Protocol):
    async def hit(self, key: str, rate: Rate, now: float) -> float:
        """Counts one request under `key` if `rate` admits it at `now` (0.0); otherwise counts
        nothing and returns the seconds until it would."""
        ...

    async def aclose(self) -> None: ...


class MemoryCounter:
    """Counters of this process only (a single API process, development, tests)."""

    SWEEP_EVERY = 1024

    def __init__(self) -> None:
        self._full_at: dict[str, float] = {}
        self._hits = 0

    async def hit(self, key: str, rate: Rate, now: float) -> float:
        # No await inside: on one event loop this read-modify-write is atomic.
        full_at = max(self._full_at.get(key, now), now)
        wait = full_at + rate.interval - rate.period - now
        if wait > EPSILON_SECONDS:
            return wait
        self._full_at[key] = full_at + rate.interval
        self._hits += 1
        if self._hits % self.SWEEP_EVERY == 0:
            # A key whose budget is full again is the same as no key: forget it, so memory stays bounded.
            self._full_at = {k: v for k, v in self._full_at.items() if v > now}
        return 0.0

    def __len__(self) -> int:
        return len(self._full_at)

    async def aclose(self) -> None:
        self._full_at.clear()


# The same GCRA step as MemoryCounter.hit, in milliseconds, atomic inside Redis. The caller's clock
# is used (not Redis's TIME) so the behaviour is identical and testable with a fake clock; API
# processes on different hosts need clocks that agree (NTP) to well under a second.
GCRA_LUA = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local epsilon = tonumber(ARGV[4])
local full_at = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if full_at < now then full_at = now end
local wait = full_at + interval - period - now
if wait > epsilon then return string.format('%.3f', wait) end
full_at = full_at + interval
redis.call('SET', KEYS[1], string.format('%.3f', full_at), 'PX', math.ceil(full_at - now))
return '0'
"""


class RedisCounter:
    """Counters shared by every API process through one Redis (the cluster set-up)."""

    def __init__(self, url: str, timeout: float = 0.5) -> None:
        import redis.asyncio as redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Short timeouts and one quick retry (a pooled connection Redis closed): a slow or absent
        # Redis must not hold up a candidate's message for long.
        self._redis = redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 1)
        )
        self._script = self._redis.register_script(GCRA_LUA)

    async def hit(self, key: str, rate: Rate, now: float) -> float:
        from redis.exceptions import RedisError

        args = [f"{ms:.3f}" for ms in (now * 1000, rate.interval * 1000, rate.period * 1000, EPSILON_SECONDS * 1000)]
        try:
            wait = await self._script(keys=[REDIS_PREFIX + key], args=args)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            raise CounterUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return float(wait) / 1000

    async def ping(self) -> None:
        from redis.exceptions import RedisError

        try:
            await self._redis.ping()
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            raise CounterUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        await self._redis.aclose()


class RateLimiter:
    """The configured rates, the counters and the client's address.

    If the shared counters fail, requests are neither refused nor answered with an error: this
    process counts them itself (each API process then allows the full rate, so a cluster of two
    allows up to twice as much) and logs a WARNING; it tries Redis again after SHARED_RETRY_SECONDS.
    """

    def __init__(
        self,
        rates: Mapping[str, Rate | None],
        counter: Counter | None = None,
        trusted_proxies: Iterable[Network] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rates = dict(rates)
        self.local = counter if isinstance(counter, MemoryCounter) else MemoryCounter()
        self.shared = None if counter is None or counter is self.local else counter
        self.trusted_proxies = list(trusted_proxies)
        self.clock = clock
        self._shared_down_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(
            settings.rate_limits(),
            RedisCounter(settings.redis_url) if settings.redis_url else None,
            parse_networks(settings.trusted_proxies),
        )

    async def start(self) -> None:
        if self.shared is not None and isinstance(self.shared, RedisCounter):
            try:
                await self.shared.ping()
            except CounterUnavailable as exc:
                log.warning("Redis for shared rate-limit counters is not reachable (%s); counting per process", exc)

    async def wait(self, name: str, value: str) -> float:
        """Counts a request against the rate `name` for `value` (a conversation, an address, a
        username): 0.0 if it is allowed, else the seconds the client must wait."""
        rate = self.rates.get(name)
        if rate is None:
            return 0.0
        key = f"{name}:{value}"
        now = self.clock()
        if self.shared is not None and now >= self._shared_down_until:
            try:
                return await self.shared.hit(key, rate, now)
            except CounterUnavailable as exc:
                self._shared_down_until = now + SHARED_RETRY_SECONDS
                log.warning(
                    "rate-limit counters in Redis are unreachable (%s); this process counts on its own "
                    "for the next %.0f s",
                    exc,
                    SHARED_RETRY_SECONDS,
                )
        return await self.local.hit(key, rate, now)

    def address(self, request: Request) -> str:
        """The client's address: the direct peer, or, when the peer is a trusted proxy, the nearest
        address in X-Forwarded-For that is not a trusted proxy (a client can write anything to the
        left of what the proxies appended, so the header is read from the right)."""
        peer = request.client.host if request.client else "unknown"
        if not self._trusted(peer):
            return peer
        forwarded = [
            part.strip() for header in request.headers.getlist("x-forwarded-for") for part in header.split(",")
        ]
        hop = peer
        for entry in reversed(forwarded):
            if not self._is_ip(entry):
                break  # not written by a proxy we trust: the last trusted hop is all we know
            hop = entry
            if not self._trusted(entry):
                break
        return hop

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    @staticmethod
    def _is_ip(text: str) -> bool:
        try:
            ipaddress.ip_address(text)
        except ValueError:
            return False
        return True

    async def aclose(self) -> None:
        if self.shared is not None:
            await self.shared.aclose()
        await self.local.aclose()
