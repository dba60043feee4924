"""Fixtures of the dialogue tier's tests: the real PostgreSQL server the service tier's tests use."""

from tests.api.conftest import postgres_url  # noqa: F401  (a stdlib-only fixture, shared by both tiers)
