"""Fixtures for the dialogue tier's own code (Python 3.10, the Rasa virtualenv): real Redis and
PostgreSQL servers, as in the service tier's tests."""

from __future__ import annotations

import pytest

from tests.api.conftest import postgres_url  # noqa: F401  (a stdlib-only fixture, shared by both tiers)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis server (Debian's redis-server, installed by `make test`) on a free loopback port."""
    from tests.servers import start_redis

    url, proc = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
