"""GET /api/jobs and the action server's chat search on the real app; imports by the command line
reach the running service by themselves."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.jobs.__main__ import main as jobs_cli

FIXTURES = Path(__file__).parent / "fixtures"
SERVICE = {"X-Service-Token": "test-token"}


def wait_for(client, predicate, seconds: float = 15.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        body = client.get("/api/jobs", params={"limit": 100}).json()
        if predicate(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


@pytest.fixture(scope="module")
def imported(client) -> None:  # type: ignore[no-untyped-def]
    assert jobs_cli(["import", str(FIXTURES / "lever.json"), "--source", "acme"]) == 0
    assert jobs_cli(["import", str(FIXTURES / "greenhouse.json"), "--source", "gh"]) == 0
    wait_for(client, lambda b: b["total"] >= 6)


def test_an_import_reaches_the_running_service_and_prints_the_diff(client, imported, capsys) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/jobs", params={"limit": 100}).json()
    ids = {j["id"] for j in body["jobs"]}
    assert {"acme:5ac21346-8e0c-4494-8e7a-3eb92ff77902", "gh:4012345006"} <= ids
    job = next(j for j in body["jobs"] if j["id"] == "gh:4012345006")
    assert set(job) == {
        "id",
        "title",
        "locations",
        "team",
        "employment_type",
        "workplace",
        "url",
        "apply_url",
        "posted_at",
        "snippet",
    }
    assert job["snippet"].startswith("About the team")
    assert job["posted_at"] == "2026-11-02T14:00:00Z"  # RFC 3339, with its zone (SQLite keeps none)
    # The same feed again changes nothing.
    assert jobs_cli(["import", str(FIXTURES / "lever.json"), "--source", "acme"]) == 0
    assert "0 added, 0 changed, 0 removed" in capsys.readouterr().out


def test_an_unreadable_feed_is_refused_and_the_jobs_keep_serving(client, imported, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = client.get("/api/jobs", params={"limit": 100}).json()
    broken = tmp_path / "broken.json"
    broken.write_text('{"hello": "world"}')
    assert jobs_cli(["import", str(broken), "--source", "acme"]) == 1
    assert "no job postings found" in capsys.readouterr().err
    assert client.get("/api/jobs", params={"limit": 100}).json() == before


def test_search_with_exact_filters(client, imported) -> None:  # type: ignore[no-untyped-def]
    found = client.get("/api/jobs", params={"q": "data engineer", "location": "Seattle"}).json()
    assert [j["title"] for j in found["jobs"]] == ["Senior Data Engineer"]
    remote = client.get("/api/jobs", params={"remote": "true", "limit": 100}).json()
    assert remote["total"] >= 2 and all(j["workplace"] == "remote" for j in remote["jobs"])
    interns = client.get("/api/jobs", params={"employment_type": "INTERN", "limit": 100}).json()
    assert interns["total"] >= 2 and all(j["employment_type"] == "INTERN" for j in interns["jobs"])
    nyc = client.get("/api/jobs", params={"q": "SDE", "location": "NYC"}).json()
    assert [j["title"] for j in nyc["jobs"]] == ["Backend Software Engineer"]
    assert client.get("/api/jobs", params={"q": "pastry chef"}).json() == {"total": 0, "jobs": []}


def test_paging(client, imported) -> None:  # type: ignore[no-untyped-def]
    everything = client.get("/api/jobs", params={"limit": 100}).json()
    page = client.get("/api/jobs", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == everything["total"] and page["jobs"] == everything["jobs"][2:4]


def test_a_wrong_employment_type_is_a_readable_422(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/jobs", params={"employment_type": "fulltime"})
    assert r.status_code == 422 and "FULL_TIME" in r.json()["detail"]


def test_chat_search_understands_the_message_and_refines(client, imported) -> None:  # type: ignore[no-untyped-def]
    first = client.post(
        "/api/internal/jobs/search", json={"text": "any data engineer jobs in Seattle?"}, headers=SERVICE
    )
    assert first.status_code == 200
    body = first.json()
    assert body["criteria"]["q"] == "data engineer" and body["criteria"]["location"] == "seattle"
    assert [j["title"] for j in body["jobs"]] == ["Senior Data Engineer"]
    refined = client.post(
        "/api/internal/jobs/search",
        json={"text": "what about remote ones?", "previous": body["criteria"]},
        headers=SERVICE,
    ).json()
    assert refined["refined"] and refined["criteria"]["remote"] is True
    assert client.post("/api/internal/jobs/search", json={"text": "data"}).status_code == 401
