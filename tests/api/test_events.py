"""Live events between API instances: the in-process broker and the Redis one (real redis-server)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from api.events import Broker, RedisBroker, create_broker


async def collect(queue: asyncio.Queue, n: int, timeout: float = 5) -> list:
    return [await asyncio.wait_for(queue.get(), timeout) for _ in range(n)]


def test_without_redis_one_process_delivers_in_memory():
    async def run() -> list:
        broker = create_broker("")
        assert type(broker) is Broker
        async with broker.subscribe("c1") as queue:
            broker.publish("c1", {"event": "mode", "data": {"mode": "human"}})
            broker.publish("other", {"event": "mode", "data": {"mode": "bot"}})
            return await collect(queue, 1)

    assert asyncio.run(run()) == [{"event": "mode", "data": {"mode": "human"}}]


def test_an_event_published_on_one_instance_reaches_a_subscriber_on_another(redis_url):
    async def run() -> tuple[list, bool]:
        a, b = RedisBroker(redis_url), RedisBroker(redis_url)
        await a.start()
        await b.start()
        try:
            async with b.subscribe("c1") as queue:
                for n in range(50):
                    a.publish("c1", {"event": "message", "id": n, "data": {"text": f"reply {n}"}})
                got = await collect(queue, 50)
                a.publish("c2", {"event": "message", "id": 99, "data": {}})
                await asyncio.sleep(0.2)
                return got, queue.empty()
        finally:
            await a.stop()
            await b.stop()

    got, nothing_else = asyncio.run(run())
    assert [e["id"] for e in got] == list(range(50)), "events arrive once each, in the order published"
    assert nothing_else, "a subscriber sees only its own conversation"


def test_a_notice_reaches_every_instance_including_the_sender(redis_url):
    async def run() -> tuple[list, list]:
        a, b = RedisBroker(redis_url), RedisBroker(redis_url)
        seen_a: list = []
        seen_b: list = []
        a.on_notice("knowledge", seen_a.append)
        b.on_notice("knowledge", seen_b.append)
        await a.start()
        await b.start()
        try:
            a.notify("knowledge", {"version": "abc"})
            for _ in range(50):
                if seen_a and seen_b:
                    break
                await asyncio.sleep(0.05)
            return seen_a, seen_b
        finally:
            await a.stop()
            await b.stop()

    assert asyncio.run(run()) == ([{"version": "abc"}], [{"version": "abc"}])


def test_redis_unreachable_never_fails_a_request():
    """Publishing is fire-and-forget: clients catch up from the database; the API keeps serving."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"

    async def run() -> None:
        broker = RedisBroker(dead)
        await broker.start()
        try:
            broker.publish("c1", {"event": "mode", "data": {"mode": "human"}})
            broker.notify("knowledge", {"version": "x"})
            await asyncio.sleep(0.3)
        finally:
            await broker.stop()

    asyncio.run(run())


@pytest.mark.parametrize("url", ["", "redis://127.0.0.1:6379/0"])
def test_the_setting_picks_the_broker(url):
    assert isinstance(create_broker(url), RedisBroker) == bool(url)


def test_open_streams_are_counted_per_address_and_given_back():
    from api.conversations.live import OpenStreams

    streams = OpenStreams(per_address=2)
    assert streams.take("10.0.0.1") and streams.take("10.0.0.1")
    assert not streams.take("10.0.0.1")  # the third from one address
    assert streams.take("10.0.0.2")  # another address has its own share
    streams.give_back("10.0.0.1")
    assert streams.take("10.0.0.1") and len(streams) == 3
    for _ in range(2):
        streams.give_back("10.0.0.1")
    streams.give_back("10.0.0.2")
    assert len(streams) == 0
