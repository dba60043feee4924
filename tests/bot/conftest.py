"""Fixtures for the dialogue tier's own code (Python 3.10, the Rasa virtualenv): real Redis and
PostgreSQL servers, as in the service tier's tests."""

from __future__ import annotations

import pytest

from tests.api.conftest import postgres_server, postgres_url  # noqa: F401  (stdlib-only fixtures, shared by both tiers)
from tests.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
