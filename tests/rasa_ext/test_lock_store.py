"""The Redis lock store shared by several Rasa processes, on a real redis-server."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from rasa.core.lock_store import RedisLockStore

from rasa_ext.lock_store import AtomicRedisLockStore

ROOT = Path(__file__).resolve().parents[2]


def store(redis_url: str, cls: type[RedisLockStore] = AtomicRedisLockStore) -> RedisLockStore:
    """One Rasa process's lock store: its own Redis connection."""
    url = urlparse(redis_url)
    return cls(host=url.hostname, port=url.port, db=1, key_prefix="test")


def take_tickets_at_once(stores: list[RedisLockStore], cid: str, each: int) -> list[int]:
    barrier = threading.Barrier(len(stores))
    tickets: list[int] = []

    def take(s: RedisLockStore) -> None:
        barrier.wait()
        for _ in range(each):
            tickets.append(s.issue_ticket(cid))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tickets


def test_processes_taking_tickets_at_once_each_get_their_own(redis_url):
    cid = f"c-{uuid.uuid4().hex[:6]}"
    stores = [store(redis_url) for _ in range(4)]
    tickets = take_tickets_at_once(stores, cid, 25)
    assert sorted(tickets) == list(range(100))
    assert sorted(stores[0].get_lock(cid).tickets, key=lambda t: t.number)[-1].number == 99


def test_messages_from_two_processes_are_served_one_at_a_time_in_ticket_order(redis_url):
    cid = f"c-{uuid.uuid4().hex[:6]}"
    stores = [store(redis_url), store(redis_url)]
    inside: list[int] = []
    order: list[int] = []

    async def message(n: int) -> None:
        async with stores[n % 2].lock(cid, wait_time_in_seconds=0.01) as lock:
            inside.append(n)
            assert len(inside) == 1, "two messages of one conversation handled at once"
            order.append(lock.now_serving or 0)
            await asyncio.sleep(0.005)
            inside.remove(n)

    async def run() -> None:
        await asyncio.gather(*(message(n) for n in range(20)))

    asyncio.run(run())
    assert order == sorted(order) and len(order) == 20
    assert stores[0].get_lock(cid) is None, "the lock is removed once nobody waits"


def test_a_ticket_whose_process_was_killed_frees_the_conversation_after_the_lease_not_a_minute(redis_url):
    import os
    import signal
    import subprocess
    import sys

    cid = f"c-{uuid.uuid4().hex[:6]}"
    url = urlparse(redis_url)
    holder = f"""
import asyncio
from rasa_ext.lock_store import AtomicRedisLockStore
AtomicRedisLockStore.lease_seconds = 0.6
async def main():
    async with AtomicRedisLockStore(host={url.hostname!r}, port={url.port}, db=1, key_prefix="test").lock({cid!r}):
        print("holding", flush=True)
        await asyncio.sleep(60)
asyncio.run(main())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        time.sleep(1.0)  # the holder renewed its lease meanwhile
        proc.send_signal(signal.SIGKILL)  # killed with the turn: its ticket is never given back
        proc.wait(10)
        alive = store(redis_url)
        alive.lease_seconds = 0.6

        async def next_message() -> float:
            began = time.monotonic()
            async with alive.lock(cid):
                return time.monotonic() - began

        # Rasa's own ticket lived 60 s: the next message waited a minute.
        assert asyncio.run(asyncio.wait_for(next_message(), 5)) < 2.0
    finally:
        proc.kill()
        proc.wait(10)


def test_a_living_holder_keeps_its_turn_past_the_lease_by_renewing_it(redis_url):
    cid = f"c-{uuid.uuid4().hex[:6]}"
    first, second = store(redis_url), store(redis_url)
    first.lease_seconds = second.lease_seconds = 0.6
    events: list[str] = []

    async def long_turn() -> None:
        async with first.lock(cid):
            events.append("first in")
            await asyncio.sleep(2.0)  # over three leases
            events.append("first out")

    async def waiting() -> None:
        await asyncio.sleep(0.1)
        async with second.lock(cid):
            events.append("second in")

    async def run() -> None:
        await asyncio.gather(long_turn(), waiting())

    asyncio.run(run())
    assert events == ["first in", "first out", "second in"]


def endpoints_lock_store(store_kind: str | None, **options: object):
    """The lock store Rasa builds from bot/endpoints.yml's `lock_store:` (rasa.core.lock_store)."""
    import yaml
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    section = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())["lock_store"]
    config = {"type": section["type"], **options}
    if store_kind is not None:
        config["store"] = store_kind
    return LockStore.create(EndpointConfig.from_dict(config))


def test_endpoints_yml_gets_the_in_memory_or_the_atomic_redis_store(redis_url):
    from rasa.core.lock_store import InMemoryLockStore

    from rasa_ext.lock_store import ConversationLockStore

    assert type(endpoints_lock_store("in_memory")).__mro__[1:3] == (ConversationLockStore, InMemoryLockStore)
    assert isinstance(endpoints_lock_store(None), InMemoryLockStore)
    url = urlparse(redis_url)
    redis = endpoints_lock_store("redis", url=url.hostname, port=str(url.port), db="1", key_prefix="ep", password="")
    assert isinstance(redis, AtomicRedisLockStore)
    assert redis.issue_ticket("c-endpoints") == 0 and redis.get_lock("c-endpoints") is not None


def test_an_unknown_store_kind_is_refused_with_the_choices():
    import pytest

    with pytest.raises(ValueError, match="in_memory or redis"):
        endpoints_lock_store("memcached")


def test_a_waiting_message_gets_its_turn_within_tens_of_milliseconds_not_a_second():
    store = endpoints_lock_store("in_memory")
    waited: list[float] = []

    async def main() -> None:
        async def second() -> None:
            start = time.monotonic()
            async with store.lock("c-poll"):
                waited.append(time.monotonic() - start)

        async with store.lock("c-poll"):
            task = asyncio.create_task(second())
            await asyncio.sleep(0.05)
        await task

    asyncio.run(main())
    # Held 50 ms: Rasa's own lock re-checks once a second, ours every 20 ms.
    assert 0.04 < waited[0] < 0.5
