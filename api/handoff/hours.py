"""Staff duty hours, e.g. "mon-fri 08:00-18:00" in a time zone (configurable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse(spec: str) -> tuple[set[int], dt.time, dt.time | None]:
    """ "mon-fri 08:00-18:00" -> (weekdays, start, end); an end of 24:00 is None (midnight)."""
    try:
        days, hours = spec.strip().lower().split()
        first, _, last = days.partition("-")
        a, b = _DAYS.index(first), _DAYS.index(last or first)
        weekdays = set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
        start_s, end_s = hours.split("-")
        start = dt.time.fromisoformat(start_s)
        end = None if end_s == "24:00" else dt.time.fromisoformat(end_s)
    except ValueError as exc:
        raise ValueError(f"staff hours {spec!r} must look like 'mon-fri 08:00-18:00'") from exc
    return weekdays, start, end


def on_duty(spec: str, timezone: str, now: dt.datetime | None = None) -> bool:
    weekdays, start, end = parse(spec)
    local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(timezone))
    if local.weekday() not in weekdays:
        return False
    t = local.time()
    return t >= start and (end is None or t < end)


def duty_check(spec: str, timezone: str) -> Callable[[dt.datetime], bool]:
    """`on_duty` for many moments (the insights' hand-offs): the hours and the zone read once."""
    weekdays, start, end = parse(spec)
    zone = ZoneInfo(timezone)

    def check(moment: dt.datetime) -> bool:
        local = moment.astimezone(zone)
        t = local.time()
        return local.weekday() in weekdays and t >= start and (end is None or t < end)

    return check
