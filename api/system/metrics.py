"""GET /metrics: Prometheus' text format, for loopback and the networks in CA_METRICS_ALLOW only."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import exc as sa_exc

from api import db, metrics
from api.conversations import stats
from api.deps import SettingsDep
from api.ratelimit import RateLimiter
from api.rates import Network, parse_networks

router = APIRouter(tags=["system"])

_FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> list[Network]:
    return parse_networks(allowed)


def _in(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def allowed(request: Request, allow: list[str], trusted_proxies: list[str]) -> bool:
    """Loopback and CA_METRICS_ALLOW. Behind a trusted proxy (CA_TRUSTED_PROXIES) the client is the
    address the proxy forwarded; a request another proxy forwarded (a forwarding header from a peer
    that is not trusted, e.g. an ingress) is refused, as its peer says nothing about who sent it."""
    peer = request.client.host if request.client else ""
    if _in(peer, _networks(tuple(trusted_proxies))):
        limiter: RateLimiter = request.app.state.limiter
        client = limiter.address(request)
    elif any(name in _FORWARDED for name, _ in request.scope["headers"]):
        return False
    else:
        client = peer
    try:
        if ipaddress.ip_address(client).is_loopback:
            return True
    except ValueError:
        return False
    return _in(client, _networks(tuple(allow)))


@router.get("/metrics", summary="Prometheus metrics (operators)", include_in_schema=False)
async def scrape(request: Request, settings: SettingsDep) -> Response:
    if not allowed(request, settings.metrics_allow, settings.trusted_proxies):
        # As if there were nothing here: no hint to anyone else that metrics exist.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    knowledge = getattr(request.app.state, "knowledge", None)
    index = knowledge.index if knowledge else None
    try:
        waiting: int | None = await db.run(stats.waiting_now)
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        # A database outage must not hide every other metric (the gauge is missing meanwhile).
        waiting = None
    state = metrics.State(waiting, len(index.sections) if index else None, index.version if index else None)
    return Response(metrics.render(state), media_type=CONTENT_TYPE_LATEST)
