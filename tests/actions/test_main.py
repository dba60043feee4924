"""The action server as `make run` starts it (`python -m actions`): only Rasa, with the service
secret, may call it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "action-server-secret-" + "z" * 27


def call(url: str, authorization: str | None = None, body: dict | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError:
        return 0  # not listening (yet)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "CA_SERVICE_TOKEN": SECRET,
        "SANIC_HOST": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
    }
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "actions", "--actions", "actions", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while call(url + "/health") != 200:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("authorization", [None, "Bearer guess", f"Bearer {SECRET}x", SECRET])
def test_a_caller_without_the_service_secret_is_refused(action_server, authorization):
    body = {"next_action": "action_check_status", "sender_id": "c1", "tracker": {}, "domain": {}}
    assert call(action_server + "/webhook", authorization, body) == 401
    assert call(action_server + "/actions", authorization) == 401


def test_rasa_with_the_secret_is_served_and_health_is_open(action_server):
    assert call(action_server + "/actions", f"Bearer {SECRET}") == 200
    assert call(action_server + "/health") == 200
