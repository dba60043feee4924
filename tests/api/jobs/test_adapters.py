"""Each adapter reads its recorded payload (tests/api/jobs/fixtures) into the one job model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.jobs.adapters import FeedError, html_to_text, parse

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_greenhouse_board_is_detected_and_its_escaped_html_becomes_text() -> None:
    fmt, jobs = parse(read("greenhouse.json"))
    assert fmt == "greenhouse"
    de, sec, intern = jobs
    assert de.id == "4012345006" and de.title == "Senior Data Engineer"
    assert de.locations == ("Seattle, WA",) and de.team == "Data Platform"
    assert de.employment_type == "FULL_TIME" and de.workplace == "unknown"
    assert de.description.splitlines()[0] == "About the team"
    assert "Own data quality checks" in de.description and "&" not in de.description and "<" not in de.description
    assert de.url == de.apply_url == "https://boards.greenhouse.io/examplecorp/jobs/4012345006"
    assert de.posted_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert de.updated_at == datetime(2026, 11, 20, 19, 3, 12, tzinfo=UTC)
    assert sec.workplace == "remote" and sec.team == "Security"
    assert intern.employment_type == "INTERN" and intern.team == ""


def test_lever_postings_keep_every_location_commitment_and_workplace() -> None:
    fmt, jobs = parse(read("lever.json"))
    assert fmt == "lever"
    backend, design, pentest = jobs
    assert backend.title == "Backend Software Engineer"
    assert backend.locations == ("New York, NY", "Boston, MA") and backend.team == "Backend"
    assert backend.workplace == "hybrid" and backend.employment_type == "FULL_TIME"
    assert backend.apply_url.endswith("/apply") and backend.url.startswith("https://jobs.lever.co/")
    assert backend.posted_at == datetime(2025, 12, 1, 10, 40, tzinfo=UTC)
    assert "Design services in Go" in backend.description and "learning budget" in backend.description
    assert design.employment_type == "INTERN" and design.workplace == "on-site"
    assert pentest.employment_type == "CONTRACTOR" and pentest.workplace == "remote"


def test_smartrecruiters_postings_list_and_detail_fields() -> None:
    fmt, jobs = parse(read("smartrecruiters.json"))
    assert fmt == "smartrecruiters"
    analyst, support, warehouse = jobs
    assert analyst.locations == ("Berlin, BE, Germany",) and analyst.workplace == "hybrid"
    assert analyst.team == "Analytics" and analyst.employment_type == "FULL_TIME"
    assert analyst.url == "https://jobs.smartrecruiters.com/ExampleCorp/744000012345678"
    assert support.workplace == "remote" and support.employment_type == "PART_TIME"
    assert warehouse.employment_type == "TEMPORARY" and warehouse.team == "Operations"
    assert warehouse.locations == ("Austin, TX, US",)
    assert "Pick, pack and ship" in warehouse.description and "lift 20 kg" in warehouse.description
    assert warehouse.apply_url.startswith("https://jobs.smartrecruiters.com/oneclick-ui/")


def test_jsonld_item_list() -> None:
    fmt, jobs = parse(read("jsonld-itemlist.json"))
    assert fmt == "jsonld"
    ml, writer = jobs
    assert ml.id == "ML-7" and ml.locations == ("San Francisco, CA, US", "New York, NY, US")
    assert ml.team == "Machine Learning" and ml.description == "Train and ship ranking models."
    assert ml.posted_at == datetime(2026, 11, 10, tzinfo=UTC)
    assert writer.workplace == "remote" and writer.locations == ("Remote",) and writer.employment_type == "PART_TIME"


def test_jsonld_blocks_of_a_page_skip_the_other_blocks() -> None:
    fmt, jobs = parse(read("jsonld-page.html"))
    assert fmt == "jsonld"
    (sre,) = jobs
    assert sre.id == "SRE-42" and sre.locations == ("Dublin, IE",)
    assert sre.description == "Keep our services up: on-call, automation & capacity planning."


def test_jsonld_plain_list() -> None:
    fmt, jobs = parse(
        '[{"@type": "JobPosting", "title": "Barista", "identifier": "b1", "employmentType": "part-time"}]'
    )
    assert fmt == "jsonld" and jobs[0].employment_type == "PART_TIME"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty"),
        ("{not json", "neither JSON nor an HTML page"),
        ('{"hello": "world"}', "no job postings found"),
        ("<html><body>no data</body></html>", "no <script"),
        ('{"jobs": [{"absolute_url": "x", "id": 1}]}', "no id or title"),
        ('[{"hostedUrl": "a", "id": "1", "text": "A"}, {"hostedUrl": "b", "id": "1", "text": "B"}]', "more than once"),
    ],
)
def test_an_unreadable_feed_names_its_problem(content: str, problem: str) -> None:
    with pytest.raises(FeedError, match=problem):
        parse(content)


def test_a_forced_format_that_does_not_fit_says_so() -> None:
    with pytest.raises(FeedError, match="not a greenhouse feed"):
        parse(read("lever.json"), "greenhouse")
    with pytest.raises(FeedError, match="unknown format"):
        parse(read("lever.json"), "workday")


def test_html_to_text_drops_scripts_and_keeps_paragraphs() -> None:
    assert html_to_text("<p>One</p><script>alert(1)</script><p>Two &amp; three</p>") == "One\nTwo & three"
