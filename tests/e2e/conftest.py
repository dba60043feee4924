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
LIMITS_FOR_TESTS = {
    "CA_RATE_LIMIT_CHAT_CONVERSATION": "1000/minute",
    "CA_RATE_LIMIT_CHAT_ADDRESS": "10000/minute",
    "CA_RATE_LIMIT_LOGIN_ADDRESS": "1000/minute",
    "CA_RATE_LIMIT_LOGIN_USERNAME": "1000/minute",
}
# The small limits of `limited_apis`.
CONVERSATION_LIMIT = "3/30seconds"
LOGIN_ADDRESS_LIMIT = "3/hour"


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
        # Explicit limits well above what these tests send from 127.0.0.1; the rate-limit tests use
        # `limited_apis` below.
        extra_env={"CA_CANDIDATE_TOKEN_SECRET": SECRET, **LIMITS_FOR_TESTS},
    )
    subprocess.run([str(API_PY), "-m", "api.status", "seed"], env=s.env(), cwd=ROOT, check=True, capture_output=True)
    # The demo job feed, as `make run` imports it (tests/e2e/test_jobs_stack.py).
    subprocess.run([str(API_PY), "-m", "api.jobs", "seed"], env=s.env(), cwd=ROOT, check=True, capture_output=True)
    s.start()
    try:
        s.wait_ready(timeout=300)
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="session")
def limited_apis(stack: Stack, tmp_path_factory) -> list[Stack]:
    """Two more API processes in front of the same Rasa and action server, as in the cluster set-up:
    one database, rate-limit counters shared in a real redis-server, and small limits (3 messages
    per 30 s per conversation, 3 sign-in attempts per hour per address)."""
    from tests.redis_server import RedisServer, free_port

    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    redis.start()
    var = tmp_path_factory.mktemp("var-limited")
    (var / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
    env = {
        "CA_CANDIDATE_TOKEN_SECRET": SECRET,
        # Instances in front of one dialogue tier share its service secret (as in the cluster).
        "CA_SERVICE_TOKEN": stack.env()["CA_SERVICE_TOKEN"],
        "CA_WATCH_KNOWLEDGE": "false",
        "CA_REDIS_URL": redis.url,
        "CA_RATE_LIMIT_CHAT_CONVERSATION": CONVERSATION_LIMIT,
        "CA_RATE_LIMIT_CHAT_ADDRESS": "10000/minute",
        "CA_RATE_LIMIT_LOGIN_ADDRESS": LOGIN_ADDRESS_LIMIT,
        "CA_RATE_LIMIT_LOGIN_USERNAME": "off",
    }
    apis = [
        Stack(
            api_port=free_port(),
            rasa_port=stack.rasa_port,
            actions_port=stack.actions_port,
            var_dir=var,
            extra_env=dict(env),
        )
        for _ in range(2)
    ]
    try:
        for api in apis:  # one after the other: the first builds the index, the second loads it
            api.start(only=["api"])
            api.wait_ready(timeout=300)
        yield apis
    finally:
        for api in apis:
            api.stop()
        redis.stop()


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
