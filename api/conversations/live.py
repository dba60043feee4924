"""The candidate page's live stream of a conversation (Server-Sent Events): the shape of a pushed
message, the replay point a reconnecting browser names, and the per-address count of open streams."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sse_starlette.sse import EventSourceResponse
from starlette.types import Receive, Scope, Send

from api.conversations.service import StoredMessage


def reply_event(m: StoredMessage) -> dict[str, Any]:
    """A pushed message as the page receives it (a `message` event's data)."""
    return {
        "id": m.id,
        "kind": m.kind,
        "text": m.text,
        "buttons": m.extra.get("buttons", []),
        "sources": m.extra.get("sources", []),
        "jobs": m.extra.get("jobs", []),
    }


# The ids of stored messages: a 32-bit integer column on PostgreSQL.
_MESSAGE_ID = re.compile(r"[0-9]{1,10}")
MAX_MESSAGE_ID = 2_147_483_647


def replay_after(value: str | None) -> int | None:
    """The id the browser last saw, or None (no replay) for anything that is not a stored
    message's id: the header is the client's to write, and a number too large for the database
    (or a non-ASCII digit, which str.isdigit accepts) was a 500."""
    if value is None or not _MESSAGE_ID.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if number <= MAX_MESSAGE_ID else None


class CountedEventSource(EventSourceResponse):
    """Gives the stream's place back however the stream ends (the client leaves, the server stops)."""

    def __init__(self, *args: Any, give_back: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._give_back = give_back

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._give_back()


class OpenStreams:
    """Live event streams open at once per client address, in this process: one address cannot hold
    hundreds of connections (and their subscriptions) open without ever signing in."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self._open: dict[str, int] = defaultdict(int)

    def take(self, address: str) -> bool:
        """Counts one more stream for `address`; False (and nothing counted) when it has its share."""
        if self._open[address] >= self.per_address:
            return False
        self._open[address] += 1
        return True

    def give_back(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]

    def __len__(self) -> int:
        return sum(self._open.values())
