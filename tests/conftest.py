"""Test layers, for both environments (standard library and pytest only).

Markers (registered in pyproject.toml) say what a test needs beyond the environment's packages;
`make test-fast` runs the tests that need none of it. Most are set here, from the fixtures a test
uses, so a new test is marked by what it asks for:

- e2e: the whole stack (tests/e2e: Rasa, the action server and the API as processes)
- browser: Chromium driven by Playwright (a `page`)
- db: a real PostgreSQL server (a `postgres_*` fixture, or a "postgresql" parameter)
- redis: a real Redis server (a `redis_*` fixture, or a "redis" parameter)
- model: the trained Rasa model (`agent`) or the embedding model (`model_cache`, which the real app
  and the embedder use)
- system: other system programs (nginx); marked in the test file
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"
BY_FIXTURE = {
    "postgres_server": "db",
    "postgres_url": "db",
    "redis_server": "redis",
    "redis_url": "redis",
    "model_cache": "model",
    "agent": "model",  # the trained Rasa model, loaded (tests/rasa_ext/conftest.py)
    "page": "browser",
}
BY_PARAMETER = {"postgresql": "db", "redis": "redis"}


def layers(item: pytest.Item) -> set[str]:
    found = {marker for name, marker in BY_FIXTURE.items() if name in getattr(item, "fixturenames", ())}
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        found |= {BY_PARAMETER[v] for v in callspec.params.values() if isinstance(v, str) and v in BY_PARAMETER}
    if E2E in Path(str(item.path)).parents:
        found.add("e2e")
    return found


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker in sorted(layers(item)):
            item.add_marker(marker)
