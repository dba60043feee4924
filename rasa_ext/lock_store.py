"""The conversation lock store named in endpoints.yml: Rasa's ticket lock, in memory or in Redis.

Rasa serialises the messages of a conversation with a ticket lock: each message takes the next
ticket and waits for its turn. endpoints.yml names `rasa_ext.lock_store.ConversationLockStore` with
`store: ${CA_LOCK_STORE}`, which is `in_memory` (one Rasa process) or `redis` (several processes on
one tracker store); Rasa builds the store from that class (`type: module.ClassName`), so `rasa run`
and `rasa shell` get these stores.

Both check a waiting message's turn every 20 ms: Rasa's lock re-checked it once a second, so a
burst of messages on one conversation took up to a second per message; checking every 20 ms serves
them in the same order, as soon as each turn comes.

The Redis store is atomic. RedisLockStore (Rasa 3.6) updates the lock by reading it, changing it in
Python and writing it back, so two Rasa processes taking a ticket at the same moment can both read
the same lock and the second write erases the first's ticket: that message then waits until the
lock expires (60 s). Measured on the cluster set-up: of 20 messages sent at once to one
conversation through two Rasa instances, 16 timed out. Here every read-change-write is one Redis
transaction (WATCH/MULTI/EXEC, retried when another process changed the lock in between), with
exactly Rasa's ticket rules.

A Redis ticket is a lease: it lives `LEASE_SECONDS` and the process that holds it (waiting or
serving) renews it every third of that, up to Rasa's lifetime (60 s) from its issue. Rasa's ticket
lived its whole 60 s, so a Rasa process killed while it held a conversation's turn blocked that
conversation for a minute (measured on the cluster: with one Rasa killed under 20 conversations,
the slowest message took 60.2 s). Now it is blocked for at most LEASE_SECONDS.

(Rasa allows several Sanic workers, SANIC_WORKERS > 1, with any lock store of a custom type; only
`store: redis` is safe for that. The project runs one worker per Rasa process.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Long enough to outlive a busy event loop between two renewals (every LEASE_SECONDS / 3).
LEASE_SECONDS = 15.0
# How often a waiting message checks whether its turn has come (Rasa's default: 1 s).
POLL_SECONDS = 0.02

# (lock or None) -> (value to return, lock to store or None to leave it, delete the lock?)
Change = Callable[[TicketLock | None], tuple[Any, TicketLock | None, bool]]


class ConversationLockStore(LockStore):
    """The class endpoints.yml names: builds the store its `store:` key asks for (as pathlib.Path
    builds a PosixPath), `in_memory` when the key is unset."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> ConversationLockStore:
        if cls is ConversationLockStore:
            kind = (endpoint_config.kwargs.get("store") if endpoint_config else None) or "in_memory"
            kinds: dict[str, type[ConversationLockStore]] = {
                "in_memory": InMemoryConversationLockStore,
                "redis": AtomicRedisLockStore,
            }
            if kind not in kinds:
                raise ValueError(f"lock_store store: {kind!r} in endpoints.yml (CA_LOCK_STORE): use in_memory or redis")
            cls = kinds[kind]
        return super().__new__(cls)

    def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = POLL_SECONDS
    ) -> Any:
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)


class InMemoryConversationLockStore(ConversationLockStore, InMemoryLockStore):
    """Rasa's in-memory lock store (one Rasa process), checking a waiting turn every 20 ms."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        InMemoryLockStore.__init__(self)


class AtomicRedisLockStore(ConversationLockStore, RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # built from endpoints.yml, as Rasa builds its RedisLockStore
            options = {k: v for k, v in endpoint_config.kwargs.items() if k != "store"}
            kwargs = {"host": endpoint_config.url, **options, **kwargs}
        RedisLockStore.__init__(self, **kwargs)

    def _change(self, conversation_id: str, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        outcome: list[Any] = []

        def transaction(pipe: Any) -> None:
            outcome.clear()
            raw = pipe.get(key)  # WATCHed: EXEC fails (and this runs again) if another process writes
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            value, changed, delete = change(lock)
            pipe.multi()
            if delete:
                pipe.delete(key)
            elif changed is not None:
                pipe.set(key, changed.dumps())
            outcome.append(value)

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[int, TicketLock, bool]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock, False

        try:
            return int(self._change(conversation_id, take))
        except Exception as e:  # as Rasa's own: any failure to take a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    @contextlib.asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = POLL_SECONDS
    ) -> AsyncIterator[TicketLock]:
        # Rasa's LockStore.lock (with the 20 ms poll), with a renewed lease.
        until = time.time() + lock_lifetime
        ticket = self.issue_ticket(conversation_id, min(lock_lifetime, self.lease_seconds))
        renewing = asyncio.create_task(self._renew(conversation_id, ticket, until))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewing.cancel()
            self.cleanup(conversation_id, ticket)

    lease_seconds = LEASE_SECONDS

    async def _renew(self, conversation_id: str, number: int, until: float) -> None:
        def extend(lock: TicketLock | None) -> tuple[bool, TicketLock | None, bool]:
            ticket = lock and lock._ticket_for_ticket_number(number)
            if ticket is None:
                return False, None, False  # served, or expired: nothing to renew
            ticket.expires = min(time.time() + self.lease_seconds, until)
            return True, lock, False

        while time.time() < until:
            await asyncio.sleep(self.lease_seconds / 3)
            if not self._change(conversation_id, extend):  # blocking, as every call of Rasa's lock store
                return

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[None, TicketLock | None, bool]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock, False

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None, bool]:
            if lock is None:
                return None, None, False
            lock.remove_ticket_for(ticket_number)
            return None, lock, not lock.is_someone_waiting()

        self._change(conversation_id, finish)
