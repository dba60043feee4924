"""Schema migrations (Alembic) on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(request, tmp_path, monkeypatch):
    """Points the settings at a new, empty database: a SQLite file or a fresh PostgreSQL database."""
    from api import db
    from api.config import get_settings

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'api.db'}"
    else:
        server = request.getfixturevalue("postgres_url")
        name = f"migrations_{uuid.uuid4().hex[:8]}"
        with create_engine(server, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv("CA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("CA_DATABASE_URL", url)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    yield url
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    get_settings.cache_clear()


both = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@both
def test_the_migrations_build_exactly_the_schema_the_models_describe(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from api import db
    from api.tables import metadata

    db.migrate()
    with db.get_engine().connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == [], f"models and migrations differ; add a migration (see README): {diff}"


@both
def test_migrating_twice_changes_nothing(database):
    from api import db

    db.migrate()
    db.migrate()
    with db.get_engine().connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


@both
def test_a_database_made_before_migrations_keeps_its_rows_and_is_brought_up_to_date(database):
    from api import db
    from api.conversations.models import Conversation
    from api.tables import metadata

    # What the first releases did at start-up, with the tables they had (revision 0001's).
    first_release = ["users", "user_sessions", "candidates", "applications", "conversations", "messages", "feedback"]
    metadata.create_all(db.get_engine(), tables=[metadata.tables[t] for t in first_release])
    with db.session_scope() as session:
        session.add(Conversation(id="kept-1"))
    db.migrate()
    with db.get_engine().connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert connection.execute(text("SELECT id FROM conversations")).scalars().all() == ["kept-1"]


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_api_instances_starting_together_migrate_a_new_database_once(database):
    """Two processes migrate the same empty PostgreSQL database at once; the advisory lock orders them."""
    env = {"CA_DATABASE_URL": database, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    code = "from api.db import migrate; migrate()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    with create_engine(database).connect() as connection:
        assert "conversations" in inspect(connection).get_table_names()


def test_a_failed_statement_does_not_echo_the_personal_data_it_carried(client):
    """The error's text is what a log would show: statement values stay out of it."""
    from sqlalchemy.exc import IntegrityError

    from api.conversations.models import Feedback
    from api.db import session_scope

    question = "my phone is 0151 234 5678, is my application through?"
    with session_scope() as session:
        session.add(Feedback(conversation_id="db-1", message_id=987654, helpful=False, question=question))
    with pytest.raises(IntegrityError) as failure, session_scope() as session:
        session.add(Feedback(conversation_id="db-1", message_id=987654, helpful=False, question=question))
    assert "UNIQUE constraint failed" in str(failure.value)
    assert question not in str(failure.value) and "hidden" in str(failure.value)


def test_sqlite_work_runs_on_one_database_thread_off_the_event_loop(monkeypatch, tmp_path):
    import asyncio
    import threading

    from api import db
    from api.config import get_settings

    monkeypatch.setenv("CA_DATABASE_URL", f"sqlite:///{tmp_path / 'api.db'}")
    get_settings.cache_clear()
    db._executor.cache_clear()

    async def ten_at_once() -> set[int]:
        return set(await asyncio.gather(*(db.run(threading.get_ident) for _ in range(10))))

    try:
        threads = asyncio.run(ten_at_once())
    finally:
        db._executor.cache_clear()
        get_settings.cache_clear()
    assert len(threads) == 1 and threading.get_ident() not in threads


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_sqlite_database_and_its_wal_and_shm_files_are_private(database, tmp_path):
    import os
    import stat

    from api import db

    old = os.umask(0o022)  # the usual umask: files 0644 unless the code says otherwise
    try:
        db.migrate()
        with db.get_engine().connect() as connection:  # WAL mode: -wal and -shm exist while it is open
            connection.execute(text("SELECT 1"))
            files = [tmp_path / name for name in ("api.db", "api.db-wal", "api.db-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        os.umask(old)
    assert modes == {"api.db": 0o600, "api.db-wal": 0o600, "api.db-shm": 0o600}


def test_a_database_left_readable_by_others_is_made_private(tmp_path):
    import stat

    from api.db import keep_private

    path = tmp_path / "api.db"
    for name in ("api.db", "api.db-wal", "api.db-shm"):
        (tmp_path / name).write_bytes(b"")
        (tmp_path / name).chmod(0o644)
    keep_private(path)
    assert {stat.S_IMODE((tmp_path / n).stat().st_mode) for n in ("api.db", "api.db-wal", "api.db-shm")} == {0o600}


def test_two_engines_opening_a_new_sqlite_file_at_once_never_find_it_locked(tmp_path):
    """The service's start-up migration and its job watcher (or a second process) may open a new
    database file at the same moment. Without api.db.write_ahead_log one of them failed at once with
    "database is locked" about once in 100 files (a CI run lost a test to it); 400 files here."""
    import threading

    from sqlalchemy import text

    from api import db

    failures: list[str] = []

    def use(url: str, barrier: threading.Barrier, writes: bool) -> None:
        barrier.wait()
        engine = db.sqlite_engine(url, 10)
        try:
            with engine.begin() as connection:
                if writes:  # as a migration does: read the schema, then change it in one transaction
                    connection.execute(text("SELECT name FROM sqlite_master")).all()
                    connection.execute(text("CREATE TABLE t (x INTEGER)"))
                else:
                    connection.execute(text("SELECT count(*) FROM sqlite_master")).all()
        except Exception as exc:  # every failure is what the test reports
            failures.append(f"{'writer' if writes else 'reader'}: {exc}")
        finally:
            engine.dispose()

    for n in range(400):
        url = f"sqlite:///{tmp_path / f'{n}.db'}"
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=use, args=(url, barrier, writes)) for writes in (True, False)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert (tmp_path / "0.db").stat().st_mode & 0o077 == 0  # and private, as every database file


def test_the_engine_follows_the_settings_it_is_asked_with(tmp_path, monkeypatch) -> None:
    """An engine cached for one address is never handed out for another: a thread that cached the
    shared database's engine as a test switched to its own must not send that test's rows there."""
    from api import db
    from api.config import get_settings

    urls = []
    for name in ("a", "b"):
        monkeypatch.setenv("CA_VAR_DIR", str(tmp_path / name))
        monkeypatch.setenv("CA_DATABASE_URL", "")
        get_settings.cache_clear()  # the settings only: the engines' cache is left as it is
        urls.append(str(db.get_engine().url))
        assert db.get_sessionmaker().kw["bind"] is db.get_engine()
    get_settings.cache_clear()
    assert urls == [f"sqlite:///{tmp_path / 'a' / 'api.db'}", f"sqlite:///{tmp_path / 'b' / 'api.db'}"]
