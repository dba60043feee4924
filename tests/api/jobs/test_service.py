"""The service's own feed refresh against a real local HTTP server: conditional requests, only
changed jobs embedded again, and a broken feed leaving the jobs as they were."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.config import Settings
from api.jobs.adapters import FeedError
from api.jobs.service import JobService
from tests.api.jobs.test_store import CountingEmbedder

FIXTURES = Path(__file__).parent / "fixtures"


class Feed:
    def __init__(self) -> None:
        self.body = (FIXTURES / "lever.json").read_bytes()
        self.etag = '"v1"'
        self.requests: list[dict[str, str]] = []


@pytest.fixture
def feed() -> Iterator[tuple[Feed, str]]:
    state = Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers))
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("ETag", state.etag)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/v0/postings/examplecorp?mode=json"
    server.shutdown()
    server.server_close()


def test_refresh_is_conditional_and_embeds_only_changes(jobs_db: Path, feed: tuple[Feed, str]) -> None:
    state, url = feed
    embedder = CountingEmbedder()
    settings = Settings(var_dir=jobs_db, jobs_feed_url=url, jobs_feed_timeout_seconds=5)
    service = JobService.start(settings, embedder)
    assert len(service.index.jobs) == 0
    first = service.refresh_feed()
    assert first is not None and first.added == 3 and len(service.index.jobs) == 3
    assert service.refresh_feed() is None  # 304: nothing fetched, parsed or embedded
    assert state.requests[-1]["If-None-Match"] == '"v1"'
    postings = json.loads(state.body)
    postings[0]["text"] = "Backend Software Engineer (Payments)"
    state.body, state.etag = json.dumps(postings).encode(), '"v2"'
    embedder.texts.clear()
    diff = service.refresh_feed()
    assert diff is not None and str(diff) == "0 added, 1 changed, 0 removed" and len(embedder.texts) == 1
    assert "Backend Software Engineer (Payments)" in [j.title for j in service.index.jobs]


def test_a_broken_feed_keeps_the_current_jobs(jobs_db: Path, feed: tuple[Feed, str]) -> None:
    state, url = feed
    service = JobService.start(Settings(var_dir=jobs_db, jobs_feed_url=url), CountingEmbedder())
    service.refresh_feed()
    before = service.index
    state.body, state.etag = b"<html>maintenance</html>", '"broken"'
    with pytest.raises(FeedError, match="ld\\+json"):
        service.refresh_feed()
    assert service.index is before and len(service.index.jobs) == 3


def test_an_unreachable_feed_is_a_feed_error(jobs_db: Path) -> None:
    settings = Settings(var_dir=jobs_db, jobs_feed_url="http://127.0.0.1:9/feed", jobs_feed_timeout_seconds=2)
    service = JobService.start(settings, CountingEmbedder())
    with pytest.raises(FeedError, match="could not fetch"):
        service.refresh_feed()
