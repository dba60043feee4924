"""Secrets generated once and kept under var/secrets/ (0600), for a development or test stack.

Standard library only: the API's settings use it, and so does scripts/stack.py, which runs under
either virtualenv and hands the same secret to Rasa and the action server.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

_kept: dict[Path, str] = {}


def kept_secret(var_dir: Path, name: str) -> str:
    """A random secret kept in var/secrets/NAME (0600), created by whichever process needs it first
    (O_EXCL: of two racing, one writes and both read the same value). Cached per path: the internal
    endpoints check it on every request."""
    path = (var_dir / "secrets" / name).resolve()
    if path in _kept:
        return _kept[path]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    value = path.read_text().strip()
    if not value:  # the other process is between creating and writing it
        time.sleep(0.05)
        value = path.read_text().strip()
    _kept[path] = value
    return value
