"""HTTP client for Rasa's REST channel (loopback)."""

from __future__ import annotations

from typing import Any

import httpx


class DialogueUnavailable(Exception):
    """Rasa did not answer: it is down, starting or too slow."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            resp = await self._http.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata}
            )
            resp.raise_for_status()
            data = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DialogueUnavailable(type(exc).__name__) from exc
        return data if isinstance(data, list) else []

    async def ready(self) -> bool:
        try:
            return (await self._http.get("/", timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._http.aclose()
