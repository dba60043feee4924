"""Odd headers, redirects, API docs and file permissions, against the real stack (trained Rasa, action
server, API): raw bytes over a socket, where an HTTP client would refuse to send them."""

from __future__ import annotations

import json
import re
import socket
import stat
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import add_account

PASSWORD = "hardening staff password"


def raw(port: int, request: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Sends `request` as it is; returns the status, the headers and the body (for an event stream:
    whatever arrived with the head)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "-1"))
        while 0 <= len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split()[1]), headers, body


def request(method: str, path: str, port: int, headers: bytes = b"", body: bytes = b"") -> bytes:
    length = b"Content-Length: %d\r\nContent-Type: application/json\r\n" % len(body) if body else b""
    return (
        b"%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s%s\r\n"
        % (method.encode(), path.encode(), port, length, headers)
        + body
    )


class ApiLog:
    """What the API logged since it was opened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start = path.stat().st_size

    def new(self) -> str:
        with self.path.open("rb") as f:
            f.seek(self.start)
            return f.read().decode(errors="replace")


@pytest.fixture(scope="module")
def staff_session(stack) -> tuple[str, str]:
    import httpx

    add_account(stack, "hardening-staff", "staff", PASSWORD)
    r = httpx.post(
        f"{stack.api_url}/api/staff/login", json={"username": "hardening-staff", "password": PASSWORD}, timeout=30
    )
    assert r.status_code == 200, r.text
    return r.cookies["ca_session"], r.json()["csrf_token"]


def test_non_ascii_credentials_and_odd_last_event_ids_get_a_4xx_or_are_ignored_without_a_traceback(
    stack, staff_session
):
    port, token = stack.api_port, stack.env()["CA_SERVICE_TOKEN"]
    cookie, _csrf = staff_session
    log = ApiLog(stack.var_dir / "log" / "api.log")
    search = json.dumps({"query": "How long is the interview?"}).encode()
    chat = json.dumps({"conversation_id": f"odd-{uuid.uuid4().hex[:8]}", "message": "hello"}).encode()
    events = f"/api/conversations/odd-{uuid.uuid4().hex[:8]}/events"
    cases = [
        # (what, request, the statuses it may get)
        ("service token", request("POST", "/api/internal/search", port, b"X-Service-Token: \xff\xfe\r\n", search), {401}),
        ("service token", request("POST", "/api/internal/search", port, b"X-Service-Token: " + token.encode() + b"\xe9\r\n", search), {401}),
        ("CSRF token", request("POST", "/api/staff/conversations/odd-1/claim", port,
                               b"Cookie: ca_session=" + cookie.encode() + b"\r\nX-CSRF-Token: \xff\r\n"), {403}),
        ("bearer token on the status", request("GET", "/api/status/applications", port,
                                               b"X-Service-Token: " + token.encode() + b"\r\nAuthorization: Bearer \xff\xfe.\xc3(.x\r\n"), {401}),
        ("bearer token on the chat", request("POST", "/api/chat", port, b"Authorization: Bearer \xff\xfe\x80\r\n", chat), {200}),
        ("20-digit Last-Event-ID", request("GET", events, port, b"Last-Event-ID: 99999999999999999999\r\n"), {200}),
        ("non-ASCII digit Last-Event-ID", request("GET", events, port, b"Last-Event-ID: \xb2\r\n"), {200}),
        ("word Last-Event-ID", request("GET", events, port, b"Last-Event-ID: last\r\n"), {200}),
    ]  # fmt: skip
    for what, sent, allowed in cases:
        status, headers, body = raw(port, sent)
        assert status in allowed, (what, status, body[:300])
        if status >= 400:
            detail = json.loads(body)["detail"]
            assert isinstance(detail, str) and 10 <= len(detail) <= 300, (what, detail)
        if headers.get("content-type", "").startswith("text/event-stream"):
            continue  # an event stream: its head came, so the odd id was ignored
    logged = log.new()
    assert "Traceback" not in logged and "Exception in ASGI" not in logged, logged[-3000:]
    assert len(logged.splitlines()) <= len(cases), logged[-3000:]


def test_a_trailing_slash_redirect_never_goes_to_the_host_the_client_named(stack):
    port = stack.api_port
    sent = b"GET /staff/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    status, headers, _ = raw(port, sent)
    assert 300 <= status < 400 and headers["location"] == "/staff", (status, headers)
    # Nor through a path that looks like another host once its trailing slash is gone.
    status, headers, _ = raw(
        port, b"GET //evil.example/staff/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    assert not headers.get("location", "/").startswith("//") and "evil" not in headers.get("location", ""), headers


def test_the_api_docs_reference_no_other_host_and_their_assets_are_served(stack, http):
    r = http.get("/docs")
    assert r.status_code == 200
    refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert refs and not [ref for ref in refs if not ref.startswith("/") or ref.startswith("//")], refs
    for ref in refs:
        asset = http.get(ref)
        assert asset.status_code == 200 and asset.content, ref


def test_the_api_docs_render_under_the_pages_content_security_policy(stack, page):
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{stack.api_url}/docs")
    # Swagger UI read the OpenAPI 3.1 document and lists the operations.
    page.locator(".opblock-summary-path", has_text="/api/chat").first.wait_for(timeout=15_000)
    assert page.locator(".opblock").count() > 10
    assert blocked == []


def test_the_databases_and_their_wal_and_shm_files_are_readable_by_their_owner_only(stack, ask):
    ask("How long does the phone interview take?")  # both tiers have written a conversation
    var = stack.var_dir
    files = [var / "api.db", var / "rasa" / "tracker.db"]
    files += [f.with_name(f.name + suffix) for f in files for suffix in ("-wal", "-shm")]
    present = [f for f in files if f.exists()]
    assert {f.name for f in present} >= {"api.db", "tracker.db", "api.db-wal", "tracker.db-wal"}, present
    loose = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in present if f.stat().st_mode & 0o077}
    assert loose == {}, f"readable by others: {loose}"
