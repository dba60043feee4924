"""Starts the real stack (trained Rasa model, action server, API) once for the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import API_PY, MODEL, Stack  # noqa: E402

SECRET = "e2e-candidate-secret-" + "y" * 24


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains one) or `make model`")
    var = tmp_path_factory.mktemp("var")
    models = ROOT / "var" / "models"
    (var / "models").symlink_to(models, target_is_directory=True)
    # E2E_PORT_OFFSET moves all three ports, so two checkouts can run their end-to-end tests at once.
    offset = int(os.environ.get("E2E_PORT_OFFSET", "0"))
    s = Stack(
        api_port=8100 + offset,
        rasa_port=5105 + offset,
        actions_port=5155 + offset,
        var_dir=var,
        extra_env={"CA_CANDIDATE_TOKEN_SECRET": SECRET},
    )
    subprocess.run([str(API_PY), "-m", "api.status", "seed"], env=s.env(), cwd=ROOT, check=True, capture_output=True)
    s.start()
    try:
        s.wait_ready(timeout=300)
        yield s
    finally:
        s.stop()


@pytest.fixture
def http(stack: Stack):
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client


@pytest.fixture
def ask(http):
    """Sends messages in one new conversation; returns the parsed response of each."""
    cid = f"e2e-{uuid.uuid4().hex[:10]}"

    def send(message: str, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = http.post("/api/chat", json={"conversation_id": cid, "message": message}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    return send


@pytest.fixture
def token_for():
    """Mints candidate tokens as a careers site would, with the secret the stack was given."""
    from api.config import Settings
    from api.tokens import issue

    settings = Settings(candidate_token_secret=SECRET)
    return lambda candidate, minutes=10: issue(settings, candidate, minutes)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (installed by `make test`), never a downloaded browser build."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def add_account(stack: Stack, username: str, role: str, password: str) -> None:
    """Creates a staff or writer account the way an operator does: `python -m api.users add`."""
    subprocess.run(
        [str(API_PY), "-m", "api.users", "add", "--username", username, "--role", role, "--password-stdin"],
        input=password + "\n",
        text=True,
        env=stack.env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
