"""Slow clients against a real API process started as `make run` starts it (scripts/stack.py), with
2-second deadlines and 3 event streams per address, in front of the shared stack's Rasa and action
server: raw sockets that trickle a request's head or body, and one address opening many streams."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import LIMITS_FOR_TESTS, ROOT, SECRET, Stack
from tests.redis_server import free_port

DEADLINE = 2.0
STREAMS = 3


@pytest.fixture(scope="module")
def api(stack: Stack, tmp_path_factory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("var-slow")
    (var / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
    guarded = Stack(
        api_port=free_port(),
        rasa_port=stack.rasa_port,
        actions_port=stack.actions_port,
        var_dir=var,
        extra_env={
            "CA_CANDIDATE_TOKEN_SECRET": SECRET,
            # In front of the shared dialogue tier: its service secret (as the cluster's instances).
            "CA_SERVICE_TOKEN": stack.env()["CA_SERVICE_TOKEN"],
            "CA_WATCH_KNOWLEDGE": "false",
            **LIMITS_FOR_TESTS,
            "CA_HEADER_TIMEOUT_SECONDS": str(DEADLINE),
            "CA_BODY_TIMEOUT_SECONDS": str(DEADLINE),
            "CA_EVENT_STREAMS_PER_ADDRESS": str(STREAMS),
        },
    )
    guarded.start(only=["api"])
    try:
        guarded.wait_ready(timeout=300)
        yield guarded
    finally:
        guarded.stop()


def until_closed(sock: socket.socket, limit: float = 15) -> tuple[bytes, float]:
    """What the server sends until it closes the connection, and the time it closed it (the test
    fails, rather than hangs, when the server keeps it open for `limit` seconds)."""
    sock.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the connection was still open after {limit} s")
        except ConnectionResetError:
            return data, time.monotonic()
        if not chunk:
            return data, time.monotonic()
        data += chunk


def trickle(sock: socket.socket, data: bytes, every: float = 0.5) -> None:
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return  # closed by the server
        time.sleep(every)


def detail(answer: bytes) -> str:
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]


def test_a_client_trickling_header_bytes_is_disconnected_within_the_deadline(api):
    with socket.create_connection(("127.0.0.1", api.api_port)) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /api/health HTTP/1.1\r\n")
        head = b"Host: 127.0.0.1\r\nUser-Agent: " + b"s" * 60
        threading.Thread(target=trickle, args=(sock, head), daemon=True).start()
        answer, closed = until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert "headers did not arrive within 2 seconds" in detail(answer)
    assert closed - start < DEADLINE + 2


def test_a_connection_that_never_sends_a_request_is_closed(api):
    with socket.create_connection(("127.0.0.1", api.api_port)) as sock:
        start = time.monotonic()
        answer, closed = until_closed(sock)
    assert answer == b"" and closed - start < DEADLINE + 2


def test_a_chat_body_that_trickles_is_cut_off(api):
    body = json.dumps({"conversation_id": f"slow-{uuid.uuid4().hex[:8]}", "message": "hello " * 20}).encode()
    head = b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    with socket.create_connection(("127.0.0.1", api.api_port)) as sock:
        sock.sendall(head % len(body))
        start = time.monotonic()
        threading.Thread(target=trickle, args=(sock, body), daemon=True).start()
        answer, closed = until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert "body did not arrive within 2 seconds" in detail(answer)
    assert closed - start < DEADLINE + 2


def test_prompt_requests_still_work(api):
    import httpx

    with httpx.Client(base_url=api.api_url, timeout=30) as client:
        r = client.post("/api/chat", json={"conversation_id": f"slow-{uuid.uuid4().hex[:8]}", "message": "hi"})
        assert r.status_code == 200 and r.json()["replies"]
        time.sleep(DEADLINE + 0.5)  # an idle kept-alive connection is kept-alive's business
        assert client.get("/api/health").status_code == 200


def open_stream(port: int, cid: str) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    sock.sendall(b"GET /api/conversations/%s/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % cid.encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":  # a refusal; a stream has no length
            while len(body) < int(value):
                body += sock.recv(65536)
    return sock, head + b"\r\n\r\n" + body


def test_one_address_gets_429_for_an_event_stream_past_its_share_while_the_others_stay_open(api):
    port = api.api_port
    opened = []
    try:
        for n in range(STREAMS):
            sock, answer = open_stream(port, f"slow-{n}-{uuid.uuid4().hex[:6]}")
            assert answer.startswith(b"HTTP/1.1 200") and b"text/event-stream" in answer, answer[:300]
            opened.append(sock)
        extra, answer = open_stream(port, f"slow-x-{uuid.uuid4().hex[:6]}")
        extra.close()
        assert answer.startswith(b"HTTP/1.1 429"), answer[:300]
        assert b"retry-after" in answer.lower()
        assert "Too many live chat connections" in detail(answer)
        # The open streams were not touched: each still sends (the 15 s keep-alive pings) and is open.
        for sock in opened:
            sock.setblocking(False)
            try:
                assert sock.recv(1) != b"", "a stream was closed"
            except BlockingIOError:
                pass  # nothing to read yet: open
            finally:
                sock.setblocking(True)
        # A stream that ends gives its place back.
        opened.pop().close()
        deadline = time.monotonic() + 10
        while True:
            again, answer = open_stream(port, f"slow-y-{uuid.uuid4().hex[:6]}")
            if answer.startswith(b"HTTP/1.1 200"):
                opened.append(again)
                break
            again.close()
            assert time.monotonic() < deadline, answer[:300]
            time.sleep(0.3)
    finally:
        for sock in opened:
            sock.close()
