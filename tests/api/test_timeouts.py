"""Deadlines for a request's head and body (api/timeouts.py): a real uvicorn server on a loopback port
with the API's protocol and 1-second deadlines, driven by raw sockets."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from tests.redis_server import free_port

DEADLINE = 1.0


async def app(scope, receive, send) -> None:
    """Reads the whole body, then answers with its length; /stream answers slowly for 2.5 s."""
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(5):
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(0.5)
        await send({"type": "http.response.body", "body": b""})
        return
    body = b"%d" % size
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    from api.config import get_settings

    mp = pytest.MonkeyPatch()
    mp.setenv("CA_HEADER_TIMEOUT_SECONDS", str(DEADLINE))
    mp.setenv("CA_BODY_TIMEOUT_SECONDS", str(DEADLINE))
    get_settings.cache_clear()
    number = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=number, http="api.timeouts:DeadlineProtocol", lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield number
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        mp.undo()
        get_settings.cache_clear()


def read_all(sock: socket.socket, limit: float = 5) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed it."""
    sock.settimeout(limit)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data, time.monotonic()
        data += chunk


def trickle(sock: socket.socket, data: bytes, every: float = 0.2) -> None:
    """Sends one byte every `every` seconds until the server closes the connection or data runs out."""
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return
        time.sleep(every)


def test_a_client_trickling_its_headers_gets_408_and_is_disconnected(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        start = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")
        sender = threading.Thread(target=trickle, args=(sock, b"Host: 127.0.0.1\r\nX-Slow: " + b"a" * 100), daemon=True)
        sender.start()
        answer, closed = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert "headers did not arrive within 1 seconds" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
    assert closed - start < DEADLINE + 1


def test_a_connection_that_sends_nothing_is_closed(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        start = time.monotonic()
        answer, closed = read_all(sock)
    assert answer == b"" and closed - start < DEADLINE + 1


def test_a_client_trickling_its_body_gets_408_and_is_disconnected(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
        start = time.monotonic()
        threading.Thread(target=trickle, args=(sock, b"x" * 100), daemon=True).start()
        answer, closed = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert "body did not arrive within 1 seconds" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
    assert closed - start < DEADLINE + 1


def test_prompt_requests_idle_kept_alive_connections_and_long_responses_are_not_cut(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"
        sock.sendall(request)
        assert sock.recv(65536).endswith(b"\r\n\r\n5")
        time.sleep(DEADLINE * 1.5)  # idle between requests: the keep-alive timeout's business (5 s here)
        sock.sendall(request)
        assert sock.recv(65536).endswith(b"\r\n\r\n5")
        # A response that takes longer than both deadlines (an event stream) goes on.
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer, _ = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200") and answer.count(b"tick") == 5
