"""Fetching a job feed over HTTP: with timeouts, and conditionally (ETag / Last-Modified)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from api.jobs.adapters import FeedError

MAX_FEED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None: not modified since the validators given
    etag: str
    last_modified: str


def fetch(url: str, timeout: float, etag: str = "", last_modified: str = "") -> Fetched:
    if not url.startswith(("http://", "https://")):
        raise FeedError(f"{url!r} is not an http(s) URL")
    headers = {"Accept": "application/json, application/ld+json, text/html;q=0.9"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise FeedError(f"could not fetch the feed: {type(exc).__name__}") from exc
    if response.status_code == 304:
        return Fetched(None, etag, last_modified)
    if response.status_code != 200:
        raise FeedError(f"the feed answered HTTP {response.status_code}")
    if len(response.content) > MAX_FEED_BYTES:
        raise FeedError("the feed is larger than 200 MB")
    return Fetched(response.content, response.headers.get("etag", ""), response.headers.get("last-modified", ""))
