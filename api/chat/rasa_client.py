"""HTTP client for Rasa (loopback): its REST channel, and the privacy routes bot/serve.py adds."""

from __future__ import annotations

from typing import Any

import httpx


class DialogueUnavailable(Exception):
    """Rasa did not answer: it is down, starting or too slow."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float, service_token: str = "") -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._auth = {"Authorization": f"Bearer {service_token}"}

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

    async def delete_tracker(self, conversation_id: str) -> int:
        """Erase the conversation from Rasa's tracker store and memory; returns the events deleted."""
        data = await self._privacy("DELETE", f"/ca/conversations/{conversation_id}/tracker")
        return int(data.get("events_deleted", 0))

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        data = await self._privacy("GET", f"/ca/conversations/{conversation_id}/tracker")
        return list(data.get("events", []))

    async def purge_trackers(self, before: float) -> tuple[int, int]:
        """Erase every conversation idle since `before` (Unix time); returns (conversations, events)."""
        data = await self._privacy("POST", "/ca/trackers/purge", json={"before": before})
        return int(data.get("conversations", 0)), int(data.get("events_deleted", 0))

    async def _privacy(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        # Only the status and Rasa's own explanation are reported: never a request detail.
        try:
            resp = await self._http.request(method, path, json=json, headers=self._auth)
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(f"Rasa did not answer ({type(exc).__name__})") from exc
        if resp.status_code != 200:
            try:
                detail = str(resp.json().get("detail", ""))
            except ValueError:
                detail = ""
            hint = " (is CA_SERVICE_TOKEN the same for the API and Rasa?)" if resp.status_code == 401 else ""
            raise DialogueUnavailable(f"Rasa answered {resp.status_code}{hint}: {detail or resp.reason_phrase}")
        try:
            data = resp.json()
        except ValueError as exc:
            raise DialogueUnavailable("Rasa answered with something other than JSON") from exc
        return data if isinstance(data, dict) else {}

    async def close(self) -> None:
        await self._http.aclose()
