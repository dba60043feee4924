"""Read deadlines for slow clients ("slow loris"): uvicorn puts none on a request's head or body.

uvicorn (0.54, httptools) closes only idle kept-alive connections (`--timeout-keep-alive`). A client
that opens a connection and sends nothing, trickles its headers a byte every few seconds, or
trickles a body, holds the connection (and a request handler waiting for the body) for as long as
it likes; a few hundred such connections from one machine tie up the process. An ASGI middleware
cannot help with the head: the application is called only once the headers are complete.

So the API runs on uvicorn's own HttpToolsProtocol with two timers, selected on uvicorn's command
line with `--http api.timeouts:DeadlineProtocol` (scripts/stack.py):

- head: from the connection's opening (or, on a kept-alive connection, from the first byte of the
  next request) until the headers are complete, at most CA_HEADER_TIMEOUT_SECONDS;
- body: from the end of the headers until the body's last byte, at most CA_BODY_TIMEOUT_SECONDS.

Both are totals, not limits on the gap between two reads (nginx's are gaps: a byte every 59 s
passes them), so trickling cannot stretch them. When one passes, a client that has sent part of a
request gets 408 with a readable `detail` (unless its response has started), and the connection is
closed; a handler waiting for the body sees the client gone. An idle new connection is just closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Literal

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.config import get_settings

log = logging.getLogger(__name__)

Part = Literal["head", "body"]

# After a 408 the client may still be sending (it was trickling). Closing at once makes the kernel answer
# its next byte with a reset, which can discard the 408 before the client has read it (seen on a loaded
# machine). So the write side is shut after the 408 (the client reads it, then the end), what still
# arrives is dropped, and the socket closes when the client closes or after this long (nginx's
# lingering close).
LINGER_SECONDS = 2.0


class DeadlineProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.timeouts: dict[Part, float] = {
            "head": settings.header_timeout_seconds,
            "body": settings.body_timeout_seconds,
        }
        self._deadline: asyncio.TimerHandle | None = None
        self._partial = False  # bytes of a request's head have arrived
        self._linger: asyncio.TimerHandle | None = None  # set once a 408 was sent: the close to come

    def _arm(self, part: Part) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.timeouts[part], self._expired, part)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._linger is not None:
            self._linger.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._linger is not None:
            return  # the rest of a request already answered with 408
        self._partial = True
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # a later request on a kept-alive (or pipelined) connection
            self._arm("head")

    def on_headers_complete(self) -> None:
        self._partial = False
        if self.parser.should_upgrade():
            self._disarm()
        else:
            self._arm("body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _expired(self, part: Part) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        seconds = self.timeouts[part]
        log.info("closed a connection whose request %s did not arrive within %g s", part, seconds)
        cycle = self.cycle if part == "body" else None
        sent = False
        if part == "body" and cycle is not None and not cycle.response_started:
            self._send_408(f"The request body did not arrive within {seconds:g} seconds; send the request again.")
            sent = True
        elif part == "head" and self._partial:
            self._send_408(f"The request headers did not arrive within {seconds:g} seconds; send the request again.")
            sent = True
        if cycle is not None:
            # The handler's next receive() says the client is gone, and what it sends is dropped.
            cycle.disconnected = True
            cycle.message_event.set()
        if sent and self.transport.can_write_eof():
            self.transport.write_eof()
            self._linger = self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _send_408(self, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        head = [b"HTTP/1.1 408 Request Timeout\r\n"]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
