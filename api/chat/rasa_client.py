"""HTTP client for Rasa's REST channel (loopback), over one or several Rasa instances.

With several instances (CA_RASA_URL="http://127.0.0.1:5005,http://127.0.0.1:5006", the cluster
set-up), messages go round-robin, and a message is moved to the next instance only when the
connection itself failed, i.e. when Rasa certainly never saw it: a message Rasa may have handled
(a read timeout, a 5xx) is never sent twice. The instances share the tracker store and, through
Redis, the per-conversation lock, so any instance can continue any conversation.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import httpx


class DialogueUnavailable(Exception):
    """Rasa did not answer: it is down, starting or too slow."""


class RasaClient:
    def __init__(self, base_urls: str, timeout: float) -> None:
        urls = [u.strip().rstrip("/") for u in base_urls.split(",") if u.strip()]
        if not urls:
            raise ValueError("CA_RASA_URL is empty; give Rasa's URL (several separated by commas)")
        self._http = [httpx.AsyncClient(base_url=u, timeout=timeout) for u in urls]
        self._turn = itertools.cycle(range(len(urls)))

    @property
    def instances(self) -> int:
        return len(self._http)

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        first = next(self._turn)
        body = {"sender": sender, "message": message, "metadata": metadata}
        error: Exception | None = None
        for step in range(len(self._http)):
            http = self._http[(first + step) % len(self._http)]
            try:
                resp = await http.post("/webhooks/rest/webhook", json=body)
                resp.raise_for_status()
                data = resp.json()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error = exc  # never reached this instance: the next one may take the message
                continue
            except (httpx.HTTPError, ValueError) as exc:
                raise DialogueUnavailable(type(exc).__name__) from exc
            return data if isinstance(data, list) else []
        raise DialogueUnavailable(type(error).__name__) from error

    async def ready(self) -> tuple[int, int]:
        """How many instances answer, of how many."""
        up = 0
        for http in self._http:
            with contextlib.suppress(httpx.HTTPError):
                up += (await http.get("/", timeout=2.0)).status_code == 200
        return up, len(self._http)

    async def close(self) -> None:
        for http in self._http:
            await http.aclose()
