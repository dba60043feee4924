"""The service tier's database: one engine per process, created on first use.

Statement parameters are left out of database errors: they hold message text, emails and status
details, and an error's message ends up in the logs.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from api.config import get_settings

T = TypeVar("T")
log = logging.getLogger(__name__)


def get_engine() -> Engine:
    settings = get_settings()
    return _engine(settings.sqlalchemy_url, settings.database_timeout_seconds)


# Cached by the database's address, not once per process: a thread that was opening the engine
# while the settings changed (a test's private database replacing the shared one) can then only
# cache the engine of the address it read, never hand it out for the new address (a job test found
# rows of another test's database, once in many runs).
@lru_cache
def _engine(url: str, timeout: float) -> Engine:
    if url.startswith("sqlite:///"):
        return sqlite_engine(url, timeout)
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        # Without these a server that cannot be reached, or a row another transaction holds, makes a
        # request wait for ever; with them it fails with OperationalError, which is a 503 (api/main.py).
        connect_args = {
            "connect_timeout": max(2, math.ceil(timeout)),  # libpq's minimum is 2 seconds
            "options": f"-c lock_timeout={int(timeout * 1000)}",
        }
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def sqlite_engine(url: str, timeout: float) -> Engine:
    """The engine for a SQLite file (made private and put in WAL mode first) or an in-memory database."""
    path = Path(url.removeprefix("sqlite:///"))
    if path.name != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        keep_private(path)
        write_ahead_log(path, timeout)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": timeout}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # No journal_mode here: the file is in WAL mode already (write_ahead_log, above; SQLite
        # keeps the mode in the file), and even a repeated switch to it failed a transaction
        # that another connection had begun (3 times in 3,000 new files, none without it).
        # In WAL mode NORMAL keeps every committed transaction across a crash of the process and
        # skips the disk sync on each commit, which was half the cost of storing a chat turn; only
        # a power loss can take back the last commits (as in Rasa's tracker store, rasa_ext/tracker_store.py).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def write_ahead_log(database: Path, timeout: float) -> None:
    """Puts the file in WAL mode once, before any connection of the engine uses it.

    Switching a new file to WAL writes its header, which SQLite refuses at once ("database is
    locked", no busy wait) to a connection that opened the file at the same moment, or that has read
    it in a transaction it now wants to write in: two threads (an API's job watcher and its start-up
    migration) or processes opening a new database together failed so, about once in 100 new
    files. Only the first switch can collide: once the file is in WAL mode nothing switches it
    again, so retrying here until it is settles it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with closing(sqlite3.connect(database, timeout=timeout)) as connection:
                if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def keep_private(database: Path) -> None:
    """The database holds conversations and contact details: only this service's user may read it.

    Created 0600 before SQLite opens it, whatever the umask; SQLite gives the -wal and -shm files it
    creates the database file's mode. Files an older version left readable are tightened too."""
    if not database.exists():
        database.touch(mode=0o600)
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError as exc:  # not our file: say so, and go on with what the operator set
            log.warning("could not make %s private (%s)", path.name, exc)


def get_sessionmaker() -> sessionmaker[Session]:
    return _sessionmaker(get_engine())


@lru_cache
def _sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# The callers' (and tests') way to forget the engines after a change of settings.
get_engine.cache_clear = _engine.cache_clear  # type: ignore[attr-defined]
get_sessionmaker.cache_clear = _sessionmaker.cache_clear  # type: ignore[attr-defined]


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant shared by every instance: PostgreSQL advisory lock taken while migrating, so that
# several API instances starting at once upgrade the schema exactly once.
_MIGRATION_LOCK = 7_310_042


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate() -> None:
    """Brings the schema to the newest migration (Alembic); run by every API process at start-up.

    A database made before migrations existed (by `create_all`) is stamped with the first
    revision, whose tables it already has, and upgraded from there.
    """
    from alembic import command
    from sqlalchemy import inspect, text

    engine = get_engine()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Another instance may be migrating: wait for it however long that takes.
            connection.execute(text("SET LOCAL lock_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = _alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "conversations" in tables:
            command.stamp(config, "0001")
        command.upgrade(config, "head")


@contextmanager
def session_scope() -> Iterator[Session]:
    with get_sessionmaker()() as session, session.begin():
        yield session


@lru_cache
def _executor() -> ThreadPoolExecutor:
    # SQLite takes one writer at a time anyway: one thread with its one connection does the same
    # work as asyncio's pool of six without threads and connections contending for the database's
    # lock (the chat turn's two transactions: the API's CPU per message fell by about 1 ms under 20
    # conversations, three interleaved rounds). PostgreSQL serves several connections at once.
    workers = 1 if get_settings().sqlalchemy_url.startswith("sqlite") else 8
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db")


async def run(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking database work off the event loop, on the database's own threads."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), fn, *args)
