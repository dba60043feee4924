"""Every operation is on the public allow-list below or refuses a request without the right
credentials: walks the real app's OpenAPI document (and the routes left out of it), so a route added
without authentication fails here until it is protected or listed as public with a reason."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.users.service import add_user

SERVICE_TOKEN = "test-token"  # the `client` fixture's CA_SERVICE_TOKEN
PASSWORD = "a long enough password"

# Operations anyone may call, each with the reason it is safe.
PUBLIC = {
    "POST /api/chat": "the candidate chat: anonymous by design; a candidate token only adds an identity",
    "GET /api/health": "readiness probe: names parts, holds no data",
    "POST /api/staff/login": "signing in (rate-limited)",
    "GET /api/conversations/{conversation_id}/events": "the candidate's own page; the conversation id is the key",
    "GET /api/conversations/{conversation_id}/messages": "the candidate's own page after a reload; status replies redacted",
    "POST /api/conversations/{conversation_id}/feedback": "thumbs up or down from the candidate's own page",
    "POST /api/conversations/{conversation_id}/withdraw": (
        "start over from the candidate's own page; a signed-in candidate's conversation needs their token"
    ),
    "POST /api/practice/review": "feedback on a practice answer the caller sends: stores nothing (rate-limited)",
    "GET /api/practice/questions": "the practice questions: public content, no personal data",
    "GET /api/jobs": "the job search: the careers site's public job feed, searched",
    "GET /api/talent/confirm": "the page an emailed link opens; shows a button, changes nothing",
    "POST /api/talent/confirm": "confirming a sign-up: the emailed link's secret is the key (only its hash is stored)",
    "GET /api/talent/unsubscribe": "the page an emailed link opens; shows a button, changes nothing",
    "POST /api/talent/unsubscribe": "one-click unsubscribe (RFC 8058): the link is signed with the service's secret",
}
# Routes that are not in the document: pages that hold no data (their API calls are protected),
# the document itself and the static files.
UNDOCUMENTED_PUBLIC = {
    "GET /",
    "GET /widget.js",
    "GET /privacy",
    "GET /staff",
    "GET /staff/login",
    "GET /writers",
    "GET /staff/insights",
    "GET /openapi.json",
    "GET /docs",
    "MOUNT /static",
    "MOUNT /docs/assets",
}
# Routes left out of the document that are not public, each with who may call it.
UNDOCUMENTED_RESTRICTED = {
    "GET /metrics": "Prometheus: loopback and CA_METRICS_ALLOW only, 404 to anyone else (tests/api/system/test_metrics.py)",
}
# Operations with a session that a writer may use; every other one is for support staff only.
WRITERS_TOO = {
    "GET /api/knowledge/status",
    "POST /api/knowledge/reload",
    "GET /api/knowledge/preview",
    "GET /api/knowledge/unanswered",
    "GET /api/knowledge/unanswered.csv",
    "GET /api/knowledge/unhelpful",
    "GET /api/knowledge/grounding",
    "GET /api/knowledge/sections",
    "POST /api/knowledge/unanswered/dismiss",
    "POST /api/staff/logout",
    "GET /api/staff/me",
    "GET /api/insights",
    "GET /api/insights/{chart}.csv",
    "GET /api/insights/unanswered",
    "GET /api/insights/unanswered.csv",
}
REFUSED = {401, 403}


def operations(app) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": op
        for path, ops in app.openapi()["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def schemes(op: dict[str, Any]) -> set[str]:
    return {name for requirement in op.get("security", []) for name in requirement}


def takes_candidate_token(op: dict[str, Any]) -> bool:
    return any(p["in"] == "header" and p["name"].lower() == "authorization" for p in op.get("parameters", []))


@pytest.fixture(scope="module")
def accounts(client) -> dict[str, tuple[str, str]]:
    """A staff member's and a writer's session cookie and CSRF token."""
    signed_in = {}
    for role in ("staff", "writer"):
        username = f"auth-{role}-{uuid.uuid4().hex[:6]}"
        add_user(username, PASSWORD, role)
        r = TestClient(client.app).post("/api/staff/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        signed_in[role] = (r.cookies["ca_session"], r.json()["csrf_token"])
    return signed_in


def call(app, label: str, op: dict[str, Any], headers: dict[str, str]) -> int:
    """One request a caller would otherwise get an answer to: path parameters of the right shape,
    required query parameters and an (empty) JSON body; only the credentials vary."""
    method, path = label.split(" ", 1)
    query = {}
    for p in op.get("parameters", []):
        value = "1" if p.get("schema", {}).get("type") == "integer" else "auth-check-1"
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", value)
        elif p["in"] == "query" and p.get("required"):
            query[p["name"]] = value
    body = {"json": {}} if "requestBody" in op else {}
    # A client of its own for each call: no cookie jar carries a session from one call to the next.
    return TestClient(app).request(method, path, params=query, headers=headers, **body).status_code


def credentials(accounts, token_for) -> dict[str, dict[str, str]]:
    """Every way of calling without the right credentials that a non-public operation must refuse."""
    staff_cookie, staff_csrf = accounts["staff"]
    candidate = token_for("demo-ana")
    return {
        "nothing": {},
        "a forged session cookie": {"Cookie": "ca_session=forged-" + "x" * 40, "X-CSRF-Token": "forged"},
        "a wrong service token": {"X-Service-Token": "wrong-" + SERVICE_TOKEN},
        "a valid candidate token": {"Authorization": f"Bearer {candidate}"},
        "an empty service token and cookie": {"X-Service-Token": "", "Cookie": "ca_session="},
        # Credentials of the other kind: the action server's secret opens no staff endpoint and a
        # staff session opens no action-server endpoint.
        "the service token alone": {"X-Service-Token": SERVICE_TOKEN},
        "a staff session alone": {"Cookie": f"ca_session={staff_cookie}", "X-CSRF-Token": staff_csrf},
    }


def right_credentials(accounts, token_for, op: dict[str, Any], role: str = "staff") -> dict[str, str]:
    cookie, csrf = accounts[role]
    headers = {}
    if "staffSession" in schemes(op):
        headers |= {"Cookie": f"ca_session={cookie}", "X-CSRF-Token": csrf}
    if "serviceToken" in schemes(op):
        headers["X-Service-Token"] = SERVICE_TOKEN
    if takes_candidate_token(op):
        headers["Authorization"] = f"Bearer {token_for('demo-ana')}"
    return headers


def test_every_route_is_in_the_document_or_a_known_page(client):
    documented = set(operations(client.app))
    undocumented = set()
    for route in iter_route_contexts(client.app.routes):  # the routes of included routers too
        if isinstance(route.original_route, Mount):
            undocumented.add(f"MOUNT {route.path}")
            continue
        assert route.methods, f"a route without methods: {route.path}"
        for method in route.methods:
            label = f"{method} {route.path}"
            if label not in documented and method != "HEAD":
                undocumented.add(label)
    assert undocumented == UNDOCUMENTED_PUBLIC | set(UNDOCUMENTED_RESTRICTED), (
        "a route is left out of the OpenAPI document (so the checks here and schemathesis do not see it): "
        "document it, or add it to UNDOCUMENTED_PUBLIC if it is a page that holds no data"
    )


def test_the_allow_list_names_only_existing_operations(client):
    ops = operations(client.app)
    assert set(PUBLIC) <= set(ops), f"stale entries: {set(PUBLIC) - set(ops)}"
    assert set(WRITERS_TOO) <= set(ops), f"stale entries: {set(WRITERS_TOO) - set(ops)}"


def test_the_document_declares_credentials_for_every_operation_outside_the_allow_list(client):
    ops = operations(client.app)
    undeclared = [label for label, op in ops.items() if label not in PUBLIC and not schemes(op)]
    assert undeclared == [], "these operations declare no security scheme: protect them or add them to PUBLIC"
    assert [label for label in PUBLIC if schemes(ops[label])] == [], "a public operation claims to need credentials"
    known = set(client.app.openapi()["components"]["securitySchemes"])
    assert {s for op in ops.values() for s in schemes(op)} <= known == {"serviceToken", "staffSession"}


def test_every_operation_outside_the_allow_list_refuses_missing_or_wrong_credentials(client, accounts, token_for):
    ops = {label: op for label, op in operations(client.app).items() if label not in PUBLIC}
    assert len(ops) >= 18
    tries = credentials(accounts, token_for)
    let_through = []
    for label, op in ops.items():
        for name, headers in tries.items():
            if name == "the service token alone" and "serviceToken" in schemes(op) and not takes_candidate_token(op):
                continue  # the right credentials for an action-server endpoint
            if name == "a staff session alone" and "staffSession" in schemes(op):
                continue  # the right credentials for a staff endpoint
            status = call(client.app, label, op, headers)
            if status not in REFUSED:
                let_through.append(f"{label} with {name}: {status}")
    assert let_through == []


def test_an_operation_taking_a_candidate_token_refuses_a_missing_or_forged_one(client, accounts, token_for):
    ops = {label: op for label, op in operations(client.app).items() if label not in PUBLIC}
    with_token = {label: op for label, op in ops.items() if takes_candidate_token(op)}
    assert "GET /api/status/applications" in with_token
    expired = token_for("demo-ana", -1)
    header, payload, _ = token_for("demo-ana").split(".")
    let_through = []
    for label, op in with_token.items():
        headers = right_credentials(accounts, token_for, op)
        for name, bearer in {
            "no candidate token": None,
            "an expired one": expired,
            "a forged signature": f"{header}.{payload}.{'A' * 43}",
        }.items():
            tried = {k: v for k, v in headers.items() if k != "Authorization"}
            if bearer:
                tried["Authorization"] = f"Bearer {bearer}"
            status = call(client.app, label, op, tried)
            if status not in REFUSED:
                let_through.append(f"{label} with {name}: {status}")
    assert let_through == []


def test_state_changing_operations_refuse_a_session_without_the_csrf_token(client, accounts, token_for):
    cookie, _ = accounts["staff"]
    changing = {
        label: op
        for label, op in operations(client.app).items()
        if "staffSession" in schemes(op) and not label.startswith("GET ")
    }
    assert len(changing) >= 7
    let_through = []
    for label, op in changing.items():
        for name, csrf in {"no CSRF token": None, "a wrong one": "wrong"}.items():
            headers = {"Cookie": f"ca_session={cookie}"} | ({"X-CSRF-Token": csrf} if csrf else {})
            status = call(client.app, label, op, headers)
            if status != 403:
                let_through.append(f"{label} with {name}: {status}")
    assert let_through == []


def test_a_writer_reaches_only_the_writers_operations(client, accounts, token_for):
    staff_only = {
        label: op
        for label, op in operations(client.app).items()
        if "staffSession" in schemes(op) and label not in WRITERS_TOO
    }
    assert "GET /api/staff/queue" in staff_only and "DELETE /api/conversations/{conversation_id}" in staff_only
    let_through = [
        f"{label}: {status}"
        for label, op in staff_only.items()
        if (status := call(client.app, label, op, right_credentials(accounts, token_for, op, "writer"))) != 403
    ]
    assert let_through == []


def test_the_right_credentials_are_accepted_by_every_operation(client, accounts, token_for):
    """The refusals above are the credentials' doing: with them, no operation answers 401 or 403
    (it may still answer 404, 409, 422 or 503 to these made-up requests)."""
    ops = {label: op for label, op in operations(client.app).items() if label not in PUBLIC}
    ops.pop("POST /api/staff/logout")  # would end the session the other calls use; tests/api/users covers it
    refused = []
    for label, op in ops.items():
        if (status := call(client.app, label, op, right_credentials(accounts, token_for, op))) in REFUSED:
            refused.append(f"{label}: {status}")
    assert refused == []
