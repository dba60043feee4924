"""Cross-instance events: live delivery of conversation events to open chat pages, and
instance-wide notices, to every API instance.

Conversation events (a staff reply, a change of mode) are also in the database, so a client that
reconnects (or only polls) misses nothing; the broker only makes delivery immediate. Notices tell
every instance something about the process (e.g. "the knowledge index is now version X",
api/main.py). No capability's code lives here: each publishes and subscribes through this one broker.
Two implementations with one interface:

- `Broker`: one API process (the embedded default); subscribers are asyncio queues.
- `RedisBroker` (CA_REDIS_URL set, the cluster set-up): every event goes through one Redis pub/sub
  channel and each instance hands it to its own subscribers, so a staff reply sent through one
  instance reaches a candidate connected to another. Besides conversation events it carries
  instance-wide notices (e.g. "the knowledge index is now version X").
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

log = logging.getLogger(__name__)

Notice = Callable[[dict[str, Any]], None]


class Broker:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._listeners: dict[str, list[Notice]] = defaultdict(list)

    # Conversation events -----------------------------------------------------------------------
    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        self._deliver(conversation_id, event)

    def _deliver(self, conversation_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(conversation_id, ())):
            if queue.full():  # a stalled client; it will catch up from the database on reconnect
                continue
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=100)
        self._subscribers[conversation_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[conversation_id].discard(queue)
            if not self._subscribers[conversation_id]:
                del self._subscribers[conversation_id]

    # Instance-wide notices ---------------------------------------------------------------------
    def on_notice(self, topic: str, listener: Notice) -> None:
        self._listeners[topic].append(listener)

    def notify(self, topic: str, data: dict[str, Any]) -> None:
        """Tells every API instance (this one included)."""
        self._notice(topic, data)

    def _notice(self, topic: str, data: dict[str, Any]) -> None:
        for listener in self._listeners.get(topic, ()):
            try:
                listener(data)
            except Exception:  # one listener's bug must not stop delivery
                log.exception("notice listener for %s failed", topic)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


class RedisBroker(Broker):
    CHANNEL = "candidate-assistant:events"

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        # publish() is called from request handlers without awaiting; one sender task drains this
        # queue, so events leave in the order they were published.
        self._outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=10_000)
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        self._send({"conversation": conversation_id, "event": event})

    def notify(self, topic: str, data: dict[str, Any]) -> None:
        self._send({"notice": topic, "data": data})

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self._outbox.put_nowait(json.dumps(message))
        except asyncio.QueueFull:  # Redis has been away for long; clients catch up from the database
            log.warning("event outbox full; dropping a live event (it is in the database)")

    async def start(self) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(self._url, socket_connect_timeout=2, health_check_interval=30)
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._drain())]
        # Events published before the subscription exists would not come back to this instance.
        with suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=5)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        await self._redis.aclose()

    async def _drain(self) -> None:
        from redis.exceptions import RedisError

        while True:
            message = await self._outbox.get()
            while True:
                try:
                    await self._redis.publish(self.CHANNEL, message)
                    break
                except (RedisError, OSError) as exc:
                    log.warning("Redis unavailable for live events (%s); retrying", type(exc).__name__)
                    await asyncio.sleep(1)

    async def _listen(self) -> None:
        from redis.exceptions import RedisError

        while True:
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.CHANNEL)
                    self._subscribed.set()
                    async for raw in pubsub.listen():
                        self._dispatch(raw.get("data"))
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                log.warning("Redis subscription lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(1)

    def _dispatch(self, data: Any) -> None:
        try:
            message = json.loads(data)
        except (TypeError, ValueError):
            return
        if "conversation" in message:
            self._deliver(str(message["conversation"]), message["event"])
        elif "notice" in message:
            self._notice(str(message["notice"]), message.get("data") or {})


def create_broker(redis_url: str) -> Broker:
    return RedisBroker(redis_url) if redis_url else Broker()
