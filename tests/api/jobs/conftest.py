"""A private database for the job tests (a temporary var/), migrated as the API does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def jobs_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from api import db
    from api.config import get_settings

    monkeypatch.setenv("CA_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    db.migrate()
    yield tmp_path
    db.get_engine().dispose()
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
