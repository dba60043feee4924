"""The cached SQL tracker store writes exactly what Rasa's SQLTrackerStore writes, on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  last_question:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
"""
)


def rows(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return [
            (t, json.loads(d).get("text") or json.loads(d).get("name"))
            for t, d in conn.execute("select type_name, data from events order by id")
        ]


async def conversation(store, sender: str, turns: int) -> None:
    for n in range(turns):
        tracker = await store.get_or_create_tracker(sender)
        tracker.update(UserUttered(f"hello {n}", {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_greet"))
        tracker.update(BotUttered("hi"))
        tracker.update(SlotSet("last_question", f"hello {n}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)


@pytest.mark.parametrize("cache_size", [5000, 0])
def test_same_rows_as_rasas_own_store(tmp_path, cache_size):
    plain_db, cached_db = tmp_path / "plain.db", tmp_path / "cached.db"
    asyncio.run(conversation(SQLTrackerStore(DOMAIN, db=str(plain_db)), "c1", 3))
    asyncio.run(conversation(CachedSQLTrackerStore(domain=DOMAIN, db=str(cached_db), cache_size=cache_size), "c1", 3))
    assert rows(cached_db) == rows(plain_db)
    assert len(rows(cached_db)) == 3 * 5 + 1  # +1: the tracker starts listening


def test_a_fresh_process_reads_what_the_cached_store_wrote(tmp_path):
    db = tmp_path / "t.db"
    asyncio.run(conversation(CachedSQLTrackerStore(domain=DOMAIN, db=str(db)), "c1", 2))
    tracker = asyncio.run(SQLTrackerStore(DOMAIN, db=str(db)).retrieve("c1"))
    assert tracker.get_slot("last_question") == "hello 1"
    assert tracker.latest_message.text == "hello 1"


def test_handling_that_fails_before_saving_leaves_no_unsaved_state(tmp_path):
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    asyncio.run(conversation(store, "c1", 1))

    async def fail_midway() -> None:
        tracker = await store.retrieve("c1")
        tracker.update(UserUttered("lost", {"name": "greet", "confidence": 1.0}))
        # ... an exception here: the tracker is never saved

    asyncio.run(fail_midway())
    tracker = asyncio.run(store.retrieve("c1"))
    assert tracker.latest_message.text == "hello 0"
    asyncio.run(store.save(tracker))
    asyncio.run(conversation(store, "c1", 1))
    assert [r[1] for r in rows(tmp_path / "t.db") if r[0] == "user"] == ["hello 0", "hello 0"]


def test_a_new_conversation_is_written_event_by_event_and_a_failed_first_message_leaves_nothing(tmp_path, monkeypatch):
    compared: list[str] = []
    rasas_save = SQLTrackerStore.save

    async def comparing_save(self, tracker):  # Rasa's save: counts the stored events, writes the rest
        compared.append(tracker.sender_id)
        await rasas_save(self, tracker)

    monkeypatch.setattr(SQLTrackerStore, "save", comparing_save)
    # Through Rasa's own wrapper, as the server uses it: it creates new trackers itself.
    store = FailSafeTrackerStore(CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db")))
    asyncio.run(conversation(store, "c1", 2))
    assert compared == []
    assert len(rows(tmp_path / "t.db")) == 2 * 5 + 1

    async def first_message_fails() -> None:
        tracker = await store.get_or_create_tracker("c2")
        tracker.update(UserUttered("lost", {"name": "greet", "confidence": 1.0}))
        # ... an exception here: the tracker is never saved

    asyncio.run(first_message_fails())
    tracker = asyncio.run(store.get_or_create_tracker("c2"))
    assert tracker.latest_message is None or tracker.latest_message.text != "lost"
    asyncio.run(store.save(tracker))
    assert "lost" not in [r[1] for r in rows(tmp_path / "t.db")]


def test_cache_is_bounded(tmp_path):
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"), cache_size=2)
    for sender in ("a", "b", "c"):
        asyncio.run(conversation(store, sender, 1))
    assert list(store._saved) == ["b", "c"]


def test_empty_settings_from_endpoints_yml_mean_not_set(tmp_path):
    """endpoints.yml passes every CA_TRACKER_* variable, empty ones as "" (SQLite has no port)."""
    db = tmp_path / "tracker.db"
    store = CachedSQLTrackerStore(
        DOMAIN, dialect="sqlite", host="", port="", db=str(db), username="", password="", cache_size="0"
    )
    assert store.engine.url.database == str(db)
    assert store.engine.url.port is None


@pytest.mark.parametrize("cache_size", [5000, 0])
def test_the_status_grant_is_never_written_but_the_rest_of_the_metadata_is(tmp_path, cache_size):
    """Both paths (the cached insert, and Rasa's own save for a new or uncached conversation)."""
    db = tmp_path / "t.db"
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(db), cache_size=cache_size)
    auth = {"status": "valid", "candidate_id": "demo-ben", "grant": "eyJ-secret-grant"}

    async def two_turns() -> DialogueStateTracker:
        for n in range(2):
            tracker = await store.get_or_create_tracker("c1")
            if n == 0:  # Rasa keeps the first message's metadata in a slot at the session's start
                tracker.update(SlotSet(SESSION_START_METADATA_SLOT, {"auth": auth}))
            tracker.update(UserUttered(f"status {n}", {"name": "greet", "confidence": 1.0}, metadata={"auth": auth}))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
        return tracker

    tracker = asyncio.run(two_turns())
    with sqlite3.connect(db) as conn:
        stored = [json.loads(d) for (d,) in conn.execute("select data from events where type_name = 'user'")]
    assert len(stored) == 2 and "eyJ-secret-grant" not in db.read_bytes().decode("latin-1")
    assert [s["metadata"]["auth"] for s in stored] == [{"status": "valid", "candidate_id": "demo-ben"}] * 2
    with sqlite3.connect(db) as conn:
        (slot,) = conn.execute("select data from events where type_name = 'slot'").fetchone()
    assert json.loads(slot)["value"] == {"auth": {"status": "valid", "candidate_id": "demo-ben"}}
    # The live tracker keeps it for the turn's actions.
    assert tracker.latest_message.metadata["auth"]["grant"] == "eyJ-secret-grant"


def test_the_sqlite_database_is_pooled_in_wal_mode_and_private(tmp_path):
    import os

    db = tmp_path / "t.db"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)  # as left by a version without the start-up umask
    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(db))
    asyncio.run(conversation(store, "c1", 1))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert store.engine.pool.size() == 1
    assert db.stat().st_mode & 0o077 == 0


def test_a_failed_write_does_not_put_the_events_in_its_error(tmp_path):
    import sqlalchemy as sa

    store = CachedSQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "t.db"))
    with pytest.raises(sa.exc.StatementError) as failed, store.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO no_such_table VALUES (:text)"), {"text": "my secret question"})
    assert "my secret question" not in str(failed.value)
