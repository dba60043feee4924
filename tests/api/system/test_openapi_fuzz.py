"""Schemathesis fuzzes every operation of the OpenAPI document against the real app (Rasa down), with
all its checks: among them `ignored_auth`, which holds every operation that declares a security scheme
(tests/api/system/test_openapi_auth.py sees that each non-public one does) to refusing requests
without it."""

from __future__ import annotations

import uuid

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


def no_500(ctx, response, case) -> None:
    """503 is the documented answer while a dependency is down (Rasa is down here); any other 5xx is a bug."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{response.status_code} from {case.operation.label}: {response.text[:300]}")


def test_no_operation_answers_500_or_breaks_its_schema(client, monkeypatch):
    # An app of its own (same settings as `client`): schemathesis runs the app's start-up and
    # shut-down around its calls, which must not close the shared app's HTTP clients.
    from api.config import get_settings
    from api.main import create_app

    # Limits low enough that some of the fuzzer's requests are refused: the 429 must match the document too.
    monkeypatch.setenv("CA_RATE_LIMIT_CHAT_ADDRESS", "15/hour")
    monkeypatch.setenv("CA_RATE_LIMIT_LOGIN_ADDRESS", "15/hour")
    get_settings.cache_clear()
    try:
        failures, answered = fuzz(create_app())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert failures == []
    assert 429 in answered["POST /api/chat"] and 429 in answered["POST /api/staff/login"]


def test_signed_in_fuzzing_reaches_every_protected_operation_and_removing_the_credentials_is_refused(client):
    """With a staff session and the service token the fuzzer gets past sign-in into the handlers, and
    `ignored_auth` repeats a request without them and with forged ones, expecting 401 or 403."""
    from api.main import create_app
    from api.users.service import add_user

    username = f"fuzz-{uuid.uuid4().hex[:6]}"
    add_user(username, "a long enough password", "staff")
    r = TestClient(client.app).post(
        "/api/staff/login", json={"username": username, "password": "a long enough password"}
    )
    credentials = {
        "Cookie": f"ca_session={r.cookies['ca_session']}",
        "X-CSRF-Token": r.json()["csrf_token"],
        "X-Service-Token": "test-token",
    }
    # Signing out would end the session that the other operations use (tests/api/users covers it).
    failures, answered = fuzz(create_app(), credentials, skip={"POST /api/staff/logout"}, examples=25)
    assert failures == []
    # The credentials were good: the handlers answered, not only the sign-in check.
    assert 200 in answered["GET /api/staff/queue"] and 200 in answered["GET /api/knowledge/status"]
    assert 200 in answered["POST /api/internal/search"]


def fuzz(
    app, headers: dict[str, str] | None = None, skip: frozenset[str] | set[str] = frozenset(), examples: int = 40
) -> tuple[list[str], dict[str, set[int]]]:
    """Every operation's failures, and the status codes each operation answered."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        if operation.path.endswith("/events"):
            continue  # a Server-Sent Events stream never ends; tests/e2e covers it
        if f"{operation.method.upper()} {operation.path}" in skip:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            # Rasa is not running here: /api/chat may answer 503, never 500, and always per the schema.
            response = case.call_and_validate(
                headers=headers, excluded_checks=[not_a_server_error], additional_checks=[no_500]
            )
            answered.setdefault(f"{case.operation.method.upper()} {case.operation.path}", set()).add(
                response.status_code
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            # Hypothesis wraps a failure it could not reproduce ("flaky") in a group: say what failed.
            inner = "; ".join(str(e)[:400] for e in getattr(exc, "exceptions", ()))
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]} {inner}".strip())
    return failures, answered
