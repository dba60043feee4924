"""Job search on the demo feed with the real packaged model: exact filters, synonyms, typos, and
nothing unrelated passed off as a match."""

from __future__ import annotations

import pytest

from api.jobs.search import Criteria, JobIndex


@pytest.fixture
def index(demo_index: JobIndex) -> JobIndex:
    return demo_index


def titles(index: JobIndex, embedder, **criteria) -> list[str]:
    _, hits = index.search(Criteria(**criteria), embedder, limit=50)
    return [h.job.title for h in hits]


def test_a_role_in_a_place(index: JobIndex, embedder) -> None:
    total, hits = index.search(Criteria(q="data engineer", location="Seattle"), embedder)
    assert total >= 2
    assert all(any("Seattle" in p for p in h.job.locations) for h in hits)
    assert hits[0].job.title == "Data Engineer"
    assert all("Data" in h.job.title or "Analytics" in h.job.title for h in hits)


def test_filters_are_exact(index: JobIndex, embedder) -> None:
    for criteria, check in (
        ({"location": "Dublin"}, lambda j: any("Dublin" in p for p in j.locations)),
        ({"location": "Ireland"}, lambda j: any("Ireland" in p for p in j.locations)),
        ({"remote": True}, lambda j: j.workplace == "remote"),
        ({"remote": False}, lambda j: j.workplace != "remote"),
        ({"employment_type": "INTERN"}, lambda j: j.employment_type == "INTERN"),
        ({"team": "security"}, lambda j: j.team == "Security"),
        ({"q": "security", "remote": True}, lambda j: j.workplace == "remote" and "Secur" in j.title + j.team),
    ):
        total, hits = index.search(Criteria(**criteria), embedder, limit=1000)
        assert total == len(hits) > 0, criteria
        assert all(check(h.job) for h in hits), criteria
    assert index.search(Criteria(location="Atlantis"), embedder)[0] == 0


def test_synonyms_and_typos(index: JobIndex, embedder) -> None:
    sde = titles(index, embedder, q="SDE", location="NYC")
    assert "Software Engineer" in sde
    assert titles(index, embedder, q="software engineer", location="New York") == sde
    typo = titles(index, embedder, q="sofware enginer")
    assert typo and all("Software" in t or "Engineer" in t for t in typo[:10])
    assert titles(index, embedder, location="Seatle") == titles(index, embedder, location="Seattle")


@pytest.mark.parametrize("q", ["pastry chef", "astronaut", "nurse", "underwater basket weaving"])
def test_nothing_unrelated_is_passed_off_as_a_match(index: JobIndex, embedder, q: str) -> None:
    assert index.search(Criteria(q=q), embedder) == (0, [])


def test_without_a_query_the_newest_jobs_come_first(index: JobIndex, embedder) -> None:
    _, hits = index.search(Criteria(), embedder, limit=20)
    dates = [h.job.posted_at for h in hits]
    assert dates == sorted(dates, reverse=True)
