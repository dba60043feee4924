"""What the running stack exposes: loopback-only sockets, no Rasa API or tracker on any public path,
and the CORS allow-list (issue 8, point 4)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest


def listening_addresses(pid: int) -> set[str]:
    """The local addresses of every TCP socket the process (and its children) listens on."""
    pids = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        pids.append(int(child))
    inodes: set[str] = set()
    for p in pids:
        for fd in Path(f"/proc/{p}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                address = local.split(":")[0]
                found.add(address if width == 32 else ".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_every_process_listens_on_loopback_only(stack):
    for name, proc in stack.procs.items():
        addresses = listening_addresses(proc.pid)
        assert addresses, f"{name} listens on nothing?"
        assert addresses == {"127.0.0.1"}, f"{name} listens on {addresses}"


@pytest.mark.parametrize(
    "path", ["/model", "/status", "/conversations/x/tracker", "/webhooks/rest/webhook", "/ca/trackers/purge"]
)
def test_the_public_port_serves_no_rasa_endpoint(http, path):
    assert http.get(path).status_code == 404
    assert http.post(path, json={}).status_code in (404, 405)


def test_rasa_serves_neither_its_http_api_nor_trackers_without_the_service_token(stack):
    rasa = f"http://127.0.0.1:{stack.rasa_port}"
    for path in ("/model", "/status", "/conversations/x/tracker"):
        assert httpx.get(rasa + path, timeout=5).status_code in (403, 404), path  # --enable-api is off
    assert httpx.get(f"{rasa}/ca/conversations/x/tracker", timeout=5).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert httpx.delete(f"{rasa}/ca/conversations/x/tracker", headers=wrong, timeout=5).status_code == 401


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:8000.evil.example", "http://evil127.0.0.1:8000", "https://127.0.0.1:8000", "null"],
)
def test_cors_refuses_look_alike_origins(http, origin):
    r = http.options("/api/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    r = http.post("/api/chat", json={"conversation_id": "cors-x", "message": "hi"}, headers={"Origin": origin})
    assert "access-control-allow-origin" not in r.headers


def test_cors_allows_the_careers_site(http):
    r = http.options("/api/chat", headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") == "http://127.0.0.1:8000"
