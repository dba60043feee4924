"""HTTP client for Rasa's REST channel (loopback), over one or several Rasa instances.

With several instances (CA_RASA_URL="http://127.0.0.1:5005,http://127.0.0.1:5006", the cluster
set-up), messages go round-robin, and a message is moved to the next instance only when the
connection itself failed, i.e. when Rasa certainly never saw it: a message Rasa may have handled
(a read timeout, a 5xx) is never sent twice, with one exception: a message with an id whose
instance dropped the connection mid-flight (it died: the connection was reset or closed without an
answer) goes to the next instance with the same id, and Rasa's channel (rasa_ext/channels.py) answers a
message it already handled with that turn's replies instead of handling it again. A read timeout is
still not retried: the instance may be working on it, and the time budget is spent. The instances share the tracker store and, through
Redis, the per-conversation lock, so any instance can continue any conversation.

At most `concurrency` messages are in the dialogue tier at once; the others wait here, in order, for
up to `queue_seconds`. Rasa, the action server and the search share two cores: letting a hundred
messages in at once only moves the queue inside them, where the action's 3-second budget for the
knowledge search runs out and the candidate gets an error. Waiting here costs nothing but time, and
a message that waited too long was never sent, so the client may safely retry it.

Messages go through aiohttp: a round trip to Rasa cost 2.0-2.7 ms of the gateway's time with
httpx's async client and 0.8 ms with aiohttp, measured here on the same loopback server. The rare
privacy and readiness calls keep httpx.

The privacy routes rasa_ext/privacy.py adds to Rasa (erase, export, purge) may be called on any instance:
they act on the shared tracker store.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import aiohttp
import httpx

# Rasa's REST channel behind the service secret (rasa_ext/channels.py, named in bot/credentials.yml).
WEBHOOK = "/webhooks/gateway/webhook"


class DialogueUnavailable(Exception):
    """Rasa did not answer: it is down, starting or too slow."""


class DialogueBusy(DialogueUnavailable):
    """Every dialogue slot stayed taken for the whole queue time: the message was not sent."""


class RasaClient:
    def __init__(
        self,
        base_urls: str,
        timeout: float,
        service_token: str = "",
        concurrency: int = 8,
        queue_seconds: float = 30.0,
    ) -> None:
        urls = [u.strip().rstrip("/") for u in base_urls.split(",") if u.strip()]
        if not urls:
            raise ValueError("CA_RASA_URL is empty; give Rasa's URL (several separated by commas)")
        if concurrency < 1:
            raise ValueError("CA_DIALOGUE_CONCURRENCY must be at least 1")
        self._urls = urls
        self._timeout = timeout
        # Made on first use, inside the event loop it belongs to (a test may drive the app from another).
        self._aio: aiohttp.ClientSession | None = None
        self._aio_loop: asyncio.AbstractEventLoop | None = None
        self._http = [httpx.AsyncClient(base_url=u, timeout=timeout) for u in urls]
        # Per instance: a second Rasa instance doubles what may be in flight.
        self._slots = asyncio.Semaphore(concurrency * len(urls))
        self._queue_seconds = queue_seconds
        self._turn = itertools.cycle(range(len(urls)))
        self._auth = {"Authorization": f"Bearer {service_token}"}

    @property
    def instances(self) -> int:
        return len(self._http)

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any], message_id: str | None = None
    ) -> list[dict[str, Any]]:
        try:
            await asyncio.wait_for(self._slots.acquire(), self._queue_seconds)
        except TimeoutError as exc:
            raise DialogueBusy(f"no dialogue slot free within {self._queue_seconds:g} s") from exc
        try:
            return await self._send(sender, message, metadata, message_id)
        finally:
            self._slots.release()

    async def _send(
        self, sender: str, message: str, metadata: dict[str, Any], message_id: str | None
    ) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        if self._aio is None or self._aio_loop is not loop:
            self._aio = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
            self._aio_loop = loop
        first = next(self._turn)
        body: dict[str, Any] = {"sender": sender, "message": message, "metadata": metadata}
        if message_id:
            body["message_id"] = message_id
        error: Exception | None = None
        for step in range(len(self._urls)):
            url = self._urls[(first + step) % len(self._urls)] + WEBHOOK
            try:
                async with self._aio.post(url, json=body, headers=self._auth) as resp:
                    if resp.status >= 400:
                        raise DialogueUnavailable(f"Rasa answered {resp.status}")
                    data = await resp.json(content_type=None)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                error = exc  # never reached this instance: the next one may take the message
                continue
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError) as exc:
                if not message_id:
                    raise DialogueUnavailable(type(exc).__name__) from exc
                error = exc  # the instance died with it: the next one answers it once (by its id)
                continue
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
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
        resp: httpx.Response | None = None
        for http in self._http:
            try:
                resp = await http.request(method, path, json=json, headers=self._auth)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue  # this instance is down; any other shares the tracker store
            except httpx.HTTPError as exc:
                raise DialogueUnavailable(f"Rasa did not answer ({type(exc).__name__})") from exc
        if resp is None:
            raise DialogueUnavailable("Rasa did not answer (ConnectError)")
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
        if self._aio is not None and self._aio_loop is asyncio.get_running_loop():
            await self._aio.close()
        for http in self._http:
            await http.aclose()
