"""Rates ("20/minute") and trusted networks as the settings write them: parsed here, with the
standard library only, so that the settings (api/config.py) can check them without the rate
limiter (api/ratelimit.py), which builds on the settings."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

OFF = "off"
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)(second|minute|hour|day)s?$")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Rate:
    """`count` requests per `period` seconds."""

    count: int
    period: float

    @property
    def interval(self) -> float:
        return self.period / self.count


def parse_rate(text: str) -> Rate | None:
    """'20/minute', '5/10seconds', '100/day' -> a Rate; 'off' -> None (no limit)."""
    value = re.sub(r"\s+", "", text).lower()
    if value == OFF:
        return None
    match = _RATE.match(value)
    if not match:
        raise ValueError(
            f"{text!r} is not a rate: write N/period, e.g. 20/minute, 5/10seconds or 100/day, or 'off' for no limit"
        )
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    if count < 1 or multiple < 1:
        raise ValueError(f"{text!r}: the count and the period must be at least 1 (use 'off' for no limit)")
    return Rate(count, multiple * UNITS[unit])


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """'127.0.0.1', '10.0.0.0/8', '::1' -> networks; anything else is a ValueError naming the entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return networks
