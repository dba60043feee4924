"""A private database for the job tests (a temporary var/), migrated as the API does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def private_db(var: Path, database_url: str = "") -> Iterator[Path]:
    from api import db
    from api.config import get_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CA_VAR_DIR", str(var))
        mp.setenv("CA_DATABASE_URL", database_url)
        # The shared app's threads read the settings too: one that was reading them as they were
        # cleared can cache the shared ones after the clear; clear until this database is the one.
        get_settings.cache_clear()
        while Path(get_settings().var_dir) != var or get_settings().database_url != database_url:
            get_settings.cache_clear()
        db.migrate()
        yield var
        db.get_engine().dispose()
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()


@pytest.fixture
def jobs_db(tmp_path: Path) -> Iterator[Path]:
    with private_db(tmp_path) as var:
        yield var


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """The demo feed imported once per test module (embedding it takes seconds), and its index."""
    from api.jobs import store
    from api.jobs.__main__ import DEMO_FEED
    from api.jobs.adapters import parse
    from api.jobs.search import build_index

    with private_db(tmp_path_factory.mktemp("jobs")):
        _, postings = parse(DEMO_FEED.read_bytes())
        store.import_postings(postings, store.DEMO_SOURCE, embedder)
        version, jobs = store.load_all()
    return build_index(version, jobs, embedder)
