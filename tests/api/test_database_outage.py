"""The service tier's database unavailable, on SQLite and on a real PostgreSQL server: a stuck writer
holding a lock, the server stopped, and the database failing between Rasa's answer and storing it.
Every request gets a clear 503 (not a 500, not a hang), nothing of a failed request is stored, and
everything works again once the database is back, without restarting the API."""

from __future__ import annotations

import concurrent.futures
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.main import DATABASE_DOWN_DETAIL

TIMEOUT = 1.0  # CA_DATABASE_TIMEOUT_SECONDS of these apps: how long a locked write waits
NOT_A_HANG = TIMEOUT + 10  # seconds within which every answer must come, locked or not
PASSWORD = "a long enough password"
ANSWER = "Within five business days."


class Outage:
    """An app on a database of its own, with a stand-in for Rasa (the dialogue tier is not what is
    tested here; tests/e2e run the real one), and the ways of making that database unavailable."""

    def __init__(self, kind: str, url: str, server: Any, client: TestClient) -> None:
        self.kind, self.url, self.server, self.client = kind, url, server, client
        self.sent: list[str] = []  # what reached "Rasa"
        self.before_reply: Callable[[], None] | None = None
        self._undo: list[Callable[[], None]] = []
        client.app.state.rasa.send = self._rasa

    async def _rasa(
        self, sender: str, message: str, metadata: dict[str, Any], message_id: str | None = None
    ) -> list[dict[str, Any]]:
        self.sent.append(message)
        if self.before_reply:
            self.before_reply()
        return [{"custom": {"kind": "answer", "text": ANSWER, "sources": []}}]

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The request, failing the test instead of hanging when no answer comes in time."""
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            future = pool.submit(self.client.request, method, path, **kwargs)
            try:
                return future.result(timeout=NOT_A_HANG)
            except concurrent.futures.TimeoutError:
                self.restore()  # lets the hanging request finish, so the test can end
                pytest.fail(f"{method} {path} got no answer within {NOT_A_HANG} s: it hangs")

    def chat(self, cid: str, message: str) -> httpx.Response:
        return self.request("POST", "/api/chat", json={"conversation_id": cid, "message": message})

    def stored(self, cid: str) -> list[tuple[str, str]]:
        r = self.request("GET", f"/api/conversations/{cid}/messages")
        assert r.status_code == 200, r.text
        return [(m["sender"], m["text"]) for m in r.json()["messages"]]

    def take_the_write_lock(self) -> None:
        """A stuck writer: a transaction that holds the write lock and does not finish."""
        if self.kind == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            # Released from whichever thread restores the database (the stand-in for Rasa runs in the app's).
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("BEGIN EXCLUSIVE")  # in WAL mode: no other writer; readers go on
            self._undo.append(lambda: (conn.execute("ROLLBACK"), conn.close()))
        else:
            conn = create_engine(self.url).connect()
            # Blocks every write to the conversations and their messages (a message's foreign key
            # check needs its conversation's row); plain reads go on, as with SQLite.
            conn.execute(text("LOCK TABLE conversations IN EXCLUSIVE MODE"))
            self._undo.append(lambda: (conn.rollback(), conn.close(), conn.engine.dispose()))

    def stop_the_server(self) -> None:
        self.server.stop()
        self._undo.append(self.server.start)

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


@pytest.fixture(params=["sqlite", "postgresql"])
def outage(request, app_on_database) -> Iterator[Outage]:
    app_client, url = app_on_database(request.param, CA_DATABASE_TIMEOUT_SECONDS=str(TIMEOUT))
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    o = Outage(request.param, url, server, app_client)
    try:
        yield o
    finally:
        o.restore()


def signed_in_staff(o: Outage) -> dict[str, str]:
    from api.users.service import add_user

    username = f"outage-{uuid.uuid4().hex[:6]}"
    add_user(username, PASSWORD, "staff")
    r = o.request("POST", "/api/staff/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Cookie": f"ca_session={r.cookies['ca_session']}", "X-CSRF-Token": r.json()["csrf_token"]}


def assert_database_down(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["detail"] == DATABASE_DOWN_DETAIL and r.headers["retry-after"] == "30"


def test_a_stuck_writer_makes_writes_503_within_the_timeout_and_reads_go_on(outage, caplog):
    cid = f"o-{uuid.uuid4().hex[:8]}"
    assert outage.chat(cid, "How long until I hear back?").status_code == 200
    staff = signed_in_staff(outage)

    outage.take_the_write_lock()
    started = time.monotonic()
    assert_database_down(outage.chat(cid, "And after the interview loop?"))
    assert time.monotonic() - started < NOT_A_HANG
    assert_database_down(outage.request("POST", f"/api/staff/conversations/{cid}/claim", headers=staff))
    # Reading needs no lock: the staff console and the candidate's page still show what is stored.
    assert outage.request("GET", "/api/staff/queue", headers=staff).status_code == 200
    assert outage.request("GET", f"/api/staff/conversations/{cid}", headers=staff).status_code == 200
    outage.restore()

    assert outage.chat(cid, "And after the interview loop?").status_code == 200
    assert outage.stored(cid) == [
        ("candidate", "How long until I hear back?"),
        ("bot", ANSWER),
        ("candidate", "And after the interview loop?"),  # once: the refused attempt left nothing
        ("bot", ANSWER),
    ]
    locked = "database is locked" if outage.kind == "sqlite" else "canceling statement due to lock timeout"
    assert "database unavailable (" in caplog.text and locked in caplog.text  # the log says why


@pytest.mark.parametrize("outage", ["postgresql"], indirect=True)
def test_a_stopped_server_gets_503_from_every_endpoint_and_all_works_again_when_it_is_back(outage):
    cid, new = f"o-{uuid.uuid4().hex[:8]}", f"o-{uuid.uuid4().hex[:8]}"
    assert outage.chat(cid, "How long until I hear back?").status_code == 200
    [answer] = [m for m in outage.request("GET", f"/api/conversations/{cid}/messages").json()["messages"][1:]]
    staff = signed_in_staff(outage)
    reached_rasa = len(outage.sent)

    outage.stop_the_server()
    for method, path, kwargs in [
        ("POST", "/api/chat", {"json": {"conversation_id": new, "message": "Is there a dress code?"}}),
        ("GET", f"/api/conversations/{cid}/messages", {}),
        ("POST", f"/api/conversations/{cid}/feedback", {"json": {"message_id": answer["id"], "helpful": True}}),
        ("POST", "/api/staff/login", {"json": {"username": "someone", "password": PASSWORD}}),
        ("GET", "/api/staff/me", {"headers": staff}),
        ("GET", "/api/staff/queue", {"headers": staff}),
        ("GET", f"/api/staff/conversations/{cid}", {"headers": staff}),
        ("POST", f"/api/staff/conversations/{cid}/claim", {"headers": staff}),
        ("GET", "/api/knowledge/unhelpful", {"headers": staff}),
    ]:
        r = outage.request(method, path, **kwargs)
        assert r.status_code == 503, f"{method} {path}: {r.status_code} {r.text}"
        assert r.json()["detail"] == DATABASE_DOWN_DETAIL
    assert len(outage.sent) == reached_rasa  # the message was refused before it reached the dialogue tier
    outage.restore()

    assert outage.stored(new) == []
    assert outage.chat(new, "Is there a dress code?").status_code == 200
    assert outage.stored(new) == [("candidate", "Is there a dress code?"), ("bot", ANSWER)]
    assert outage.request("GET", "/api/staff/me", headers=staff).status_code == 200  # the session survived
    assert outage.request("GET", "/api/staff/queue", headers=staff).status_code == 200


def test_the_database_failing_between_rasa_and_storing_the_turn_stores_nothing_of_it(outage):
    cid = f"o-{uuid.uuid4().hex[:8]}"
    assert outage.chat(cid, "How long until I hear back?").status_code == 200
    # Rasa has answered; then the database goes, before the message and the answer are stored.
    outage.before_reply = outage.take_the_write_lock if outage.kind == "sqlite" else outage.stop_the_server
    assert_database_down(outage.chat(cid, "What should I wear?"))
    outage.before_reply = None
    assert outage.sent[-1] == "What should I wear?"
    outage.restore()

    # Neither the message nor a part of its answer: the client was told, and its retry is the only copy.
    assert outage.stored(cid) == [("candidate", "How long until I hear back?"), ("bot", ANSWER)]
    assert outage.chat(cid, "What should I wear?").status_code == 200
    assert outage.stored(cid)[2:] == [("candidate", "What should I wear?"), ("bot", ANSWER)]
