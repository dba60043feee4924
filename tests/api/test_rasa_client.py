"""The gateway's Rasa client over several instances: round-robin, and fail-over only when unsent."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.rasa_client import DialogueBusy, DialogueUnavailable, RasaClient


class FakeRasa:
    """A real HTTP server answering Rasa's REST webhook with its own name."""

    def __init__(self, name: str, status: int = 200, delay: float = 0.0, dies: bool = False) -> None:
        self.seen: list[str] = []
        self.ids: list[str | None] = []
        self.in_flight = self.most_in_flight = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    outer.seen.append(body["message"])
                    outer.ids.append(body.get("message_id"))
                    outer.in_flight += 1
                    outer.most_in_flight = max(outer.most_in_flight, outer.in_flight)
                if dies:  # as a killed process: the connection closes without an answer
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                time.sleep(delay)
                with lock:
                    outer.in_flight -= 1
                payload = json.dumps([{"text": name}]).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def rasas():
    servers = [FakeRasa("a"), FakeRasa("b")]
    yield servers
    for s in servers:
        s.close()


def send_all(urls: str, messages: list[str]) -> list[str]:
    async def run() -> list[str]:
        client = RasaClient(urls, timeout=5)
        try:
            return [(await client.send("c1", m, {}))[0]["text"] for m in messages]
        finally:
            await client.close()

    return asyncio.run(run())


def test_messages_alternate_between_instances(rasas):
    answered_by = send_all(f"{rasas[0].url},{rasas[1].url}", ["1", "2", "3", "4"])
    assert answered_by == ["a", "b", "a", "b"]


def test_an_instance_that_refuses_connections_is_skipped_and_nothing_is_lost(rasas):
    answered_by = send_all(f"{rasas[0].url},{closed_port_url()}", ["1", "2", "3", "4"])
    assert answered_by == ["a", "a", "a", "a"]
    assert rasas[0].seen == ["1", "2", "3", "4"]


def test_a_message_an_instance_received_is_never_sent_to_another():
    failing, healthy = FakeRasa("x", status=500), FakeRasa("y")
    try:
        with pytest.raises(DialogueUnavailable):
            send_all(f"{failing.url},{healthy.url}", ["only once"])
        assert failing.seen == ["only once"] and healthy.seen == []
    finally:
        failing.close()
        healthy.close()


def test_a_message_with_an_id_whose_instance_died_mid_flight_is_answered_by_the_next_with_that_id():
    dying, healthy = FakeRasa("x", dies=True), FakeRasa("y")

    async def run() -> list[dict]:
        client = RasaClient(f"{dying.url},{healthy.url}", timeout=5)
        try:
            return await client.send("c1", "hello", {}, message_id="m-1")
        finally:
            await client.close()

    try:
        assert asyncio.run(run()) == [{"text": "y"}]
        assert dying.ids == ["m-1"] and healthy.ids == ["m-1"]  # Rasa drops the second copy by its id
    finally:
        dying.close()
        healthy.close()


def test_a_message_without_an_id_whose_instance_died_is_not_sent_twice():
    dying, healthy = FakeRasa("x", dies=True), FakeRasa("y")
    try:
        with pytest.raises(DialogueUnavailable):
            send_all(f"{dying.url},{healthy.url}", ["only once"])
        assert dying.seen == ["only once"] and healthy.seen == []
    finally:
        dying.close()
        healthy.close()


def test_no_instance_reachable_is_dialogue_unavailable():
    with pytest.raises(DialogueUnavailable):
        send_all(f"{closed_port_url()},{closed_port_url()}", ["hello"])


def test_an_empty_url_list_is_a_clear_configuration_error():
    with pytest.raises(ValueError, match="CA_RASA_URL"):
        RasaClient(" , ", timeout=1)


def send_at_once(client: RasaClient, messages: list[str]) -> list[object]:
    async def run() -> list[object]:
        try:
            return await asyncio.gather(*(client.send(m, m, {}) for m in messages), return_exceptions=True)
        finally:
            await client.close()

    return asyncio.run(run())


def test_no_more_messages_than_the_concurrency_are_in_rasa_at_once_and_all_are_answered():
    slow = FakeRasa("s", delay=0.1)
    try:
        results = send_at_once(RasaClient(slow.url, timeout=5, concurrency=3), [str(i) for i in range(12)])
        assert all(isinstance(r, list) for r in results)
        assert sorted(slow.seen, key=int) == [str(i) for i in range(12)]
        assert slow.most_in_flight == 3
    finally:
        slow.close()


def test_a_message_that_waits_longer_than_the_queue_time_is_refused_busy_and_never_sent():
    slow = FakeRasa("s", delay=0.5)
    try:
        client = RasaClient(slow.url, timeout=5, concurrency=1, queue_seconds=0.1)
        first, second = send_at_once(client, ["first", "second"])
        assert isinstance(first, list)
        assert isinstance(second, DialogueBusy)
        assert slow.seen == ["first"]
    finally:
        slow.close()


def test_a_concurrency_below_one_is_a_clear_configuration_error():
    with pytest.raises(ValueError, match="CA_DIALOGUE_CONCURRENCY"):
        RasaClient("http://127.0.0.1:5005", timeout=1, concurrency=0)
