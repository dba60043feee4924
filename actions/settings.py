"""The one settings object of the action server.

A frozen dataclass read from CA_* variables: pydantic-settings needs pydantic 2, and Rasa 3.6
pins pydantic 1 in this environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class ActionSettings:
    service_url: str = "http://127.0.0.1:8000"
    service_token: str = ""
    timeout_seconds: float = 3.0
    # Below the 3 s in which a candidate must hear that status is unavailable.
    status_timeout_seconds: float = 2.5

    @classmethod
    def from_env(cls) -> ActionSettings:
        env = os.environ
        return cls(
            service_url=env.get("CA_SERVICE_URL", cls.service_url).rstrip("/"),
            service_token=env.get("CA_SERVICE_TOKEN") or _kept_service_token(env) or cls.service_token,
            timeout_seconds=float(env.get("CA_ACTION_TIMEOUT_SECONDS", cls.timeout_seconds)),
            status_timeout_seconds=float(env.get("CA_STATUS_LOOKUP_TIMEOUT_SECONDS", cls.status_timeout_seconds)),
        )


def _kept_service_token(env: os._Environ[str] | dict[str, str]) -> str:
    """The secret `make run` generated under var/secrets/ (scripts/stack.py passes it in the
    environment; this lets `rasa run actions` by hand find it too)."""
    var_dir = Path(env.get("CA_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    path = var_dir / "secrets" / "service-token"
    return path.read_text().strip() if path.is_file() else ""


@lru_cache
def get_settings() -> ActionSettings:
    return ActionSettings.from_env()
