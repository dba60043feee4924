"""Imports replace a source's jobs atomically and embed only what changed (real SQLite database)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from api.jobs import store
from api.jobs.adapters import parse
from api.jobs.postings import JobPosting

FIXTURES = Path(__file__).parent / "fixtures"


class CountingEmbedder:
    """Deterministic vectors from the text's hash; counts the texts it was given."""

    name = "counting"
    dim = 8

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=self.dim) for t in texts]
        out = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def jobs(n: int) -> list[JobPosting]:
    return [JobPosting(id=str(i), title=f"Job {i}", locations=("Dublin, Ireland",)) for i in range(n)]


def test_import_reports_added_changed_removed_and_embeds_only_changes(jobs_db: Path) -> None:
    embedder = CountingEmbedder()
    first = store.import_postings(jobs(10), "acme", embedder)
    assert (first.added, first.changed, first.removed, first.embedded) == (10, 0, 0, 10)
    embedder.texts.clear()
    second = jobs(12)[1:]  # job 0 gone, 10 and 11 new, job 5 changed
    second[4] = replace(second[4], title="Job 5 (updated)")
    diff = store.import_postings(second, "acme", embedder)
    assert str(diff) == "2 added, 1 changed, 1 removed"
    assert len(embedder.texts) == 3
    version, loaded = store.load_all()
    assert sorted(j.id for j in loaded) == sorted(f"acme:{i}" for i in range(1, 12))
    assert "acme=" in version


def test_a_source_import_leaves_other_sources_and_a_full_import_replaces_all(jobs_db: Path) -> None:
    embedder = CountingEmbedder()
    store.import_postings(jobs(3), store.DEMO_SOURCE, embedder)
    store.import_postings(jobs(2), "acme", embedder)
    assert len(store.load_all()[1]) == 5
    diff = store.import_postings(jobs(4), "feed", embedder, replace_all=True)
    assert (diff.added, diff.removed) == (4, 5)
    version, loaded = store.load_all()
    assert {j.id.split(":")[0] for j in loaded} == {"feed"} and version.startswith("feed=")


def test_an_unchanged_feed_keeps_its_version(jobs_db: Path) -> None:
    embedder = CountingEmbedder()
    store.import_postings(jobs(3), "acme", embedder)
    before = store.versions()
    assert str(store.import_postings(jobs(3), "acme", embedder)) == "0 added, 0 changed, 0 removed"
    assert store.versions() == before


@pytest.mark.parametrize("name", ["greenhouse.json", "lever.json", "smartrecruiters.json", "jsonld-itemlist.json"])
def test_every_fixture_imports(jobs_db: Path, name: str) -> None:
    _, postings = parse((FIXTURES / name).read_bytes())
    diff = store.import_postings(postings, "fixture", CountingEmbedder())
    assert diff.added == len(postings) > 0


def test_the_job_set_and_the_talent_community_on_postgresql(postgres_server, tmp_path: Path) -> None:
    import uuid

    from sqlalchemy import create_engine, text

    from api.config import get_settings
    from api.jobs.search import Criteria, build_index
    from api.talent import service as talent
    from tests.api.jobs.conftest import private_db

    name = f"t_{uuid.uuid4().hex[:10]}"
    with create_engine(postgres_server.url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    with private_db(tmp_path, postgres_server.url.rsplit("/", 1)[0] + "/" + name):
        embedder = CountingEmbedder()
        _, postings = parse((FIXTURES / "greenhouse.json").read_bytes())
        assert store.import_postings(postings, "gh", embedder).added == 3
        assert str(store.import_postings(postings[:2], "gh", embedder)) == "0 added, 0 changed, 1 removed"
        version, loaded = store.load_all()
        assert [j.id for j in loaded] == ["gh:4012345006", "gh:4012345007"]
        assert loaded[0].posted_at is not None and loaded[0].posted_at.utcoffset() is not None
        assert loaded[0].snippet.startswith("About the team")
        index = build_index(version, loaded, embedder)
        settings = get_settings()
        member = talent.join(settings, "pg@example.net", Criteria(location="Seattle"), "consent")
        assert talent.export_email("PG@example.net")[0]["interests"]["location"] == "Seattle"
        assert talent.send_digests(settings, index, embedder) == 0  # not confirmed
        assert talent.erase_email("pg@example.net") == 1 and member > 0
