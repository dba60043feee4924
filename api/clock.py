"""The service tier's clock: naive UTC datetimes, as every table stores them (SQLite keeps no zone)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
