"""Erasure, export and purge of trackers: the store's methods on a real SQLite file, and the routes
of rasa_ext/privacy.py, served by a real Sanic app with Rasa's own fail-safe wrapper and lock store."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore

from rasa_ext import privacy
from rasa_ext.tracker_store import CachedSQLTrackerStore
from tests.rasa_ext.conftest import TOKEN
from tests.rasa_ext.test_tracker_store import DOMAIN, conversation


def events_in(db, sender: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def test_erased_conversation_is_gone_from_the_database_and_the_cache(tmp_path):
    db = tmp_path / "t.db"
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(db))
    asyncio.run(conversation(store, "c1", 2))
    asyncio.run(conversation(store, "c2", 1))
    assert "c1" in store._saved

    assert store.delete_conversation("c1") == 2 * 5 + 1
    assert events_in(db, "c1") == 0 and events_in(db, "c2") == 6
    # Were the cached tracker kept, the next message would continue the erased conversation.
    assert asyncio.run(store.retrieve("c1")) is None
    assert store.delete_conversation("c1") == 0  # a retry is harmless


def test_a_new_message_after_erasure_starts_a_fresh_conversation(tmp_path):
    db = tmp_path / "t.db"
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(db))
    asyncio.run(conversation(store, "c1", 2))
    store.delete_conversation("c1")
    asyncio.run(conversation(store, "c1", 1))
    tracker = asyncio.run(store.retrieve("c1"))
    assert [e.text for e in tracker.events if e.type_name == "user"] == ["hello 0"]
    assert events_in(db, "c1") == 6


def test_stored_events_are_the_conversations_rows_in_order(tmp_path):
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    asyncio.run(conversation(store, "c1", 2))
    events = store.stored_events("c1")
    assert [e["text"] for e in events if e["event"] == "user"] == ["hello 0", "hello 1"]
    assert store.stored_events("nobody") == []


def test_idle_conversations_are_found_and_a_busy_one_is_not_deleted(tmp_path):
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    asyncio.run(conversation(store, "old", 1))
    cut = time.time() + 0.001
    time.sleep(0.01)
    asyncio.run(conversation(store, "new", 1))
    assert store.idle_since(cut) == ["old"]
    assert store.delete_conversation("new", idle_before=cut) == 0  # it came back: kept
    assert store.delete_conversation("old", idle_before=cut) == 6


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        ("Bearer wrong", False),
        (TOKEN, False),
        (None, False),
    ],
)
def test_only_the_service_token_opens_the_routes(header, ok):
    assert privacy.authorized(header, TOKEN) is ok


def test_an_unset_service_token_opens_nothing():
    assert privacy.authorized("Bearer ", "") is False


@pytest.fixture
def served_store(rasa_app, tmp_path) -> CachedSQLTrackerStore:
    """A conversation of 11 events in a store that Rasa's agent would hold, wrapped as Rasa wraps it."""
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    asyncio.run(conversation(store, "c1", 2))
    rasa_app.ctx.agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(store), lock_store=InMemoryLockStore())
    return store


def call(app, method: str, path: str, token: str | None = TOKEN, body=None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(app.ctx.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_routes_refuse_a_caller_without_the_service_token(rasa_app, served_store):
    assert call(rasa_app, "DELETE", "/ca/conversations/c1/tracker", token=None)[0] == 401
    assert call(rasa_app, "GET", "/ca/conversations/c1/tracker", token="guess")[0] == 401
    assert call(rasa_app, "POST", "/ca/trackers/purge", token=None, body={"before": time.time() + 60})[0] == 401
    assert len(served_store.stored_events("c1")) == 11


def test_delete_route_erases_rows_and_cache_and_is_idempotent(rasa_app, served_store):
    status, body = call(rasa_app, "GET", "/ca/conversations/c1/tracker")
    assert status == 200 and len(body["events"]) == 11
    assert call(rasa_app, "DELETE", "/ca/conversations/c1/tracker") == (200, {"events_deleted": 11})
    assert call(rasa_app, "DELETE", "/ca/conversations/c1/tracker") == (200, {"events_deleted": 0})
    assert call(rasa_app, "GET", "/ca/conversations/c1/tracker") == (200, {"events": []})
    assert "c1" not in served_store._saved


def test_purge_route_deletes_only_idle_conversations(rasa_app, served_store):
    hour_ago, soon = time.time() - 3600, time.time() + 60
    assert call(rasa_app, "POST", "/ca/trackers/purge", body={"before": hour_ago}) == (
        200,
        {"conversations": 0, "events_deleted": 0},
    )
    assert call(rasa_app, "POST", "/ca/trackers/purge", body={"before": "yesterday"})[0] == 422
    assert call(rasa_app, "POST", "/ca/trackers/purge", body={"before": soon}) == (
        200,
        {"conversations": 1, "events_deleted": 11},
    )
    assert served_store.stored_events("c1") == []


def test_the_purge_looks_for_idle_conversations_without_holding_up_rasa(rasa_app, served_store, monkeypatch):
    # The idle query held on purpose until another request has been answered: if it ran on Rasa's event
    # loop, that request would wait for it (and time out), as chat messages did on a big store.
    started, release = threading.Event(), threading.Event()
    idle_since = served_store.idle_since

    def held(before):
        started.set()
        release.wait(timeout=20)
        return idle_since(before)

    monkeypatch.setattr(served_store, "idle_since", held)
    purged: list = []
    purge = threading.Thread(
        target=lambda: purged.append(call(rasa_app, "POST", "/ca/trackers/purge", body={"before": time.time() + 60}))
    )
    purge.start()
    assert started.wait(timeout=10)
    try:
        status, body = call(rasa_app, "GET", "/ca/conversations/c1/tracker")
        assert status == 200 and len(body["events"]) == 11 and not purged  # answered while the query ran
    finally:
        release.set()
        purge.join(timeout=20)
    assert purged == [(200, {"conversations": 1, "events_deleted": 11})]


def test_routes_answer_503_while_the_model_loads(rasa_app):
    rasa_app.ctx.agent = None
    assert call(rasa_app, "DELETE", "/ca/conversations/c1/tracker")[0] == 503


def test_several_rasa_processes_on_one_postgresql_database_erase_for_each_other(postgres_url):
    """The cluster set-up: no cache (cache_size 0), so deleting the rows is erasing the conversation."""
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    first, second = (CachedSQLTrackerStore(domain=DOMAIN, host=url, cache_size=0) for _ in range(2))
    asyncio.run(conversation(first, "pg-1", 2))
    asyncio.run(conversation(second, "pg-2", 1))
    assert len(second.stored_events("pg-1")) == 11
    assert second.idle_since(time.time() - 3600) == []

    assert second.delete_conversation("pg-1") == 11
    assert asyncio.run(first.retrieve("pg-1")) is None
    assert first.idle_since(time.time() + 1) == ["pg-2"]
    assert first.delete_conversation("pg-2", idle_before=time.time() + 1) == 6
