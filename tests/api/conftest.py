"""Fixtures for the service tier's tests: the real packaged model, shared across the session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The ONNX export is cached under var/models, as `make run` does, so it happens once per machine."""
    path = ROOT / "var" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def embedder(model_cache: Path):
    from api.knowledge.embedder import OnnxEmbedder

    return OnnxEmbedder(model_cache)


@pytest.fixture
def write_doc(tmp_path: Path):
    kdir = tmp_path / "knowledge"
    kdir.mkdir()

    def write(name: str, text: str) -> Path:
        path = kdir / name
        path.write_text(text, encoding="utf-8")
        return path

    write.dir = kdir  # type: ignore[attr-defined]
    return write
