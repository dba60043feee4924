"""The transcript store under concurrency, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import uuid

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    from api import db
    from api.config import get_settings

    monkeypatch.setenv("CA_VAR_DIR", str(tmp_path))
    if request.param == "postgresql":
        monkeypatch.setenv("CA_DATABASE_URL", request.getfixturevalue("postgres_url"))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    db.migrate()
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    get_settings.cache_clear()


def test_the_first_messages_of_a_new_conversation_arriving_at_once_are_all_stored(database):
    """Several requests (several API instances) may create the same conversation row at once."""
    from api.handoff import service as handoff

    cid = f"race-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        barrier.wait()
        try:
            handoff.candidate_message(cid, f"message {n}", None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = sorted(m.text for m in handoff.history(cid))
    assert stored == sorted(f"message {n}" for n in range(12))
