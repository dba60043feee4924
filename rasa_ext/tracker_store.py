"""Rasa's SQL tracker store, keeping each conversation's live tracker in memory between messages.

Rasa's SQLTrackerStore rebuilds the tracker from its stored events on every message (a query and a
replay of every event) and counts the stored events again before each write; profiling put about
40 % of Rasa's CPU per message there. This store writes exactly the same rows, but hands out the
tracker it kept from the conversation's last save, and writes only the events added since.

A tracker is *removed* from the cache when it is handed out and put back when it is saved, so a
message whose handling fails before saving leaves no unsaved state behind: the next message reads
the database. Several Rasa processes sharing one database must not cache (each would miss the
others' events): set `cache_size: 0` (CA_TRACKER_CACHE_SIZE=0), as the cluster set-up does.

Credentials are not kept at rest: the per-turn status grant the gateway puts in a message's metadata
(api/tokens.py) is dropped from every event written, by either path; the tracker in memory keeps it
for the turn's actions.

Its database engine is tuned (`_tuned_engine`). Rasa's SQLite engine opens a new connection for
every read and write (SQLAlchemy 1.4's NullPool for SQLite files) and syncs the disk on every
commit: this one keeps one pooled connection in WAL mode with synchronous=NORMAL, which keeps every
committed event across process crashes at a fraction of the cost. PostgreSQL keeps Rasa's settings.
With either, SQL parameters (message text, the candidate's token in the message metadata, status
details in slots) are kept out of database error messages, which Rasa logs at ERROR.

Erasure (`rasa_ext/privacy.py`) deletes a conversation's rows *and* its cached tracker: deleting the rows
alone would leave the conversation alive in this process's memory, to be written back on the next
message.
"""

from __future__ import annotations

import copy
import itertools
import json
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


def _without_grant(metadata: Any) -> Any:
    auth = metadata.get("auth") if isinstance(metadata, dict) else None
    if isinstance(auth, dict) and "grant" in auth:
        return {**metadata, "auth": {k: v for k, v in auth.items() if k != "grant"}}
    return metadata


def at_rest(event: Event) -> Event:
    """The event as it may be stored, without the status grant: a user message's metadata, and the
    copy of the first message's metadata Rasa keeps in the `session_started_metadata` slot."""
    if isinstance(event, UserUttered):
        kept_metadata = _without_grant(event.metadata)
        if kept_metadata is not event.metadata:
            kept = copy.copy(event)
            kept.metadata = kept_metadata
            if isinstance(event.parse_data, dict) and "metadata" in event.parse_data:  # a second copy
                kept.parse_data = {**event.parse_data, "metadata": kept_metadata}
            return kept
    elif isinstance(event, SlotSet) and event.key == SESSION_START_METADATA_SLOT:
        kept_value = _without_grant(event.value)
        if kept_value is not event.value:
            kept = copy.copy(event)
            kept.value = kept_value
            return kept
    return event


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cache_size: int | str = 5000, **kwargs: Any) -> None:
        # endpoints.yml fills every key from the environment; an empty value means "not set"
        # (SQLite has no host, port or password), and a port arrives as text.
        for key in ("host", "port", "username", "password", "login_db"):
            if kwargs.get(key) == "":
                kwargs[key] = None
        if kwargs.get("port") is not None:
            kwargs["port"] = int(kwargs["port"])
        if kwargs.get("dialect", "sqlite") == "sqlite":
            _keep_private(kwargs.get("db"))
        super().__init__(*args, **kwargs)
        # Rasa's constructor made its engine (and the tables) with fixed settings: it is replaced
        # before any conversation is read or written.
        self.engine.dispose()
        self.engine = _tuned_engine(self.engine.url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._cache_size = int(cache_size or 0)
        # Built once, and run on a plain connection: building the statement and the ORM session
        # around it cost more than the INSERT itself (0.60 -> 0.43 ms for a turn of 7 events, measured).
        self._insert_events = self.SQLEvent.__table__.insert()
        # sender_id -> (tracker, number of its events already in the database)
        self._saved: OrderedDict[str, tuple[DialogueStateTracker, int]] = OrderedDict()
        # sender_id -> number of stored events of a tracker handed out and not yet saved
        self._checked_out: OrderedDict[str, int] = OrderedDict()
        # Conversations not found in the database, whose new tracker Rasa saves at once and then
        # hands to the message's handling like a retrieved one (TrackerStore.create_tracker, called
        # on Rasa's wrapper of this store): after that first save it stays checked out.
        self._created: set[str] = set()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self._cache_size:
            kept = self._saved.pop(sender_id, None)
            if kept is not None:
                self._remember(self._checked_out, sender_id, kept[1])
                return kept[0]
        tracker = await super().retrieve(sender_id)
        if self._cache_size:
            self._remember(self._checked_out, sender_id, len(tracker.events) if tracker else 0)
            if tracker is None:
                if len(self._created) >= self._cache_size:  # looked up and never created: forget them
                    self._created.clear()
                self._created.add(sender_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        stored = self._checked_out.pop(tracker.sender_id, None)
        if not self._cache_size or self.event_broker is not None or stored is None or stored > len(tracker.events):
            # Unknown state (or events to stream): Rasa's own save compares with the database.
            await super().save(tracker)
        else:
            self._insert(tracker, itertools.islice(tracker.events, stored, None))
        if not self._cache_size:
            return
        if stored is not None and tracker.sender_id in self._created:
            # Left among the saved ones, the handling would edit a cached tracker in place, and the
            # message's own save would compare every event with the database.
            self._created.discard(tracker.sender_id)
            self._remember(self._checked_out, tracker.sender_id, len(tracker.events))
        else:
            self._remember(self._saved, tracker.sender_id, (tracker, len(tracker.events)))

    def _insert(self, tracker: DialogueStateTracker, events: Any) -> None:
        # The same rows SQLTrackerStore.save writes, in one multi-row INSERT instead of an ORM object each.
        rows = []
        for event in map(at_rest, events):
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(self._insert_events, rows)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        # Rasa's own save (a new conversation, several processes, an event broker) writes these.
        return map(at_rest, super()._additional_events(session, tracker))

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    def delete_conversation(self, sender_id: str, idle_before: float | None = None) -> int:
        """Delete every stored event of the conversation and forget its cached tracker; returns the
        number of events deleted (0 for an unknown conversation, so a retry is harmless).

        With `idle_before` (a Unix time) only a conversation whose latest event is older is deleted:
        a candidate who came back while a retention purge ran keeps their conversation.
        """
        with self.session_scope() as session:
            events = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id)
            if idle_before is not None:
                latest = (
                    session.query(sa.func.max(self.SQLEvent.timestamp))
                    .filter(self.SQLEvent.sender_id == sender_id)
                    .scalar()
                )
                if latest is not None and latest >= idle_before:
                    return 0
            deleted = events.delete(synchronize_session=False)
            session.commit()
        self._saved.pop(sender_id, None)
        self._checked_out.pop(sender_id, None)
        self._created.discard(sender_id)
        return int(deleted)

    def stored_events(self, sender_id: str) -> list[dict[str, Any]]:
        """The conversation's events as stored (every session), oldest first."""
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.data)
                .filter(self.SQLEvent.sender_id == sender_id)
                .order_by(self.SQLEvent.id)
                .all()
            )
        return [json.loads(data) for (data,) in rows]

    def replies_to(self, sender_id: str, message_id: str, within: int = 200) -> list[dict[str, Any]] | None:
        """The bot's utterances (BotUttered as dicts) that answered the user message `message_id`, or
        None when no such message is among the conversation's latest `within` user and bot events.
        A retried message is always a recent one, so the search stops there."""
        kept = self._saved.get(sender_id)  # peeked, not handed out: the message's handling may follow
        if kept is not None:
            latest = (e.as_dict() for e in itertools.islice(reversed(kept[0].events), within * 4))
            return replies_after((e for e in latest if e.get("event") in ("user", "bot")), message_id)
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.data)
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.type_name.in_(("user", "bot")))
                .order_by(self.SQLEvent.id.desc())
                .limit(within)
                .all()
            )
        return replies_after((json.loads(data) for (data,) in rows), message_id)

    def idle_since(self, before: float) -> list[str]:
        """Conversations whose latest event is older than `before` (a Unix time)."""
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < before)
                .all()
            )
        return [sender_id for (sender_id,) in rows]


def _tuned_engine(url: Any) -> sa.engine.Engine:
    if url.get_backend_name() == "sqlite":
        # Rasa uses the store from its event-loop thread only; the pool keeps one connection open.
        kwargs: dict[str, Any] = {
            "poolclass": sa.pool.QueuePool,
            "pool_size": 1,
            "connect_args": {"check_same_thread": False},
        }
    else:
        kwargs = create_engine_kwargs(url)  # Rasa's (PostgreSQL's pool size and schema)
    # A failed write's error message would otherwise carry the events it tried to write.
    engine = sa.create_engine(url, **kwargs, hide_parameters=True)
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _keep_private(database: str | None) -> None:
    """Trackers hold every conversation: files a version before the start-up umask
    (rasa_ext/startup.py) left readable to others are made readable to this user only (new ones are
    created so: SQLite gives the -wal and -shm files the database file's mode)."""
    if not database or database == ":memory:":
        return
    for path in (Path(database), Path(database + "-wal"), Path(database + "-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:
            pass  # not our file: the operator's permissions stand


def replies_after(latest_first: Any, message_id: str) -> list[dict[str, Any]] | None:
    """Of user and bot events, newest first: the bot events between the user message `message_id`
    and the next user message, oldest first; None when that message is not among them."""
    said: list[dict[str, Any]] = []
    for event in latest_first:
        if event.get("event") == "bot":
            said.append(event)
        elif event.get("message_id") == message_id:
            return said[::-1]
        else:
            said = []
    return None
