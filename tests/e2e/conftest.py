"""Starts the real stack (trained Rasa model, action server, API) once for the end-to-end tests."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import MODEL, Stack  # noqa: E402


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains one) or `make model`")
    var = tmp_path_factory.mktemp("var")
    models = ROOT / "var" / "models"
    (var / "models").symlink_to(models, target_is_directory=True)
    s = Stack(api_port=8100, rasa_port=5105, actions_port=5155, var_dir=var)
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

    def send(message: str) -> dict:
        r = http.post("/api/chat", json={"conversation_id": cid, "message": message})
        assert r.status_code == 200, r.text
        return r.json()

    return send
