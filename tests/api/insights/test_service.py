"""The dashboard's periods and percentiles (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.insights.service import buckets, p90, period_bounds

TODAY = dt.date(2026, 12, 3)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day)


@pytest.mark.parametrize(
    ("period", "start", "end", "bucket", "expected"),
    [
        ("today", None, None, None, (at("2026-12-03"), at("2026-12-04"), "hour")),
        ("7d", None, None, None, (at("2026-11-27"), at("2026-12-04"), "day")),
        ("30d", None, None, "hour", (at("2026-11-04"), at("2026-12-04"), "hour")),
        ("custom", dt.date(2026, 1, 5), dt.date(2026, 1, 6), None, (at("2026-01-05"), at("2026-01-07"), "hour")),
        # Every request gets a period, which the answer shows: one date is that day, reversed dates swap,
        ("custom", None, dt.date(2026, 1, 6), None, (at("2026-01-06"), at("2026-01-07"), "hour")),
        ("custom", dt.date(2026, 1, 6), dt.date(2026, 1, 1), "day", (at("2026-01-01"), at("2026-01-07"), "day")),
        # more than a year keeps its last 366 days, hourly buckets over 31 days become daily ones,
        ("custom", dt.date(2020, 1, 1), dt.date(2026, 1, 1), None, (at("2025-01-01"), at("2026-01-02"), "day")),
        ("custom", dt.date(2026, 1, 1), dt.date(2026, 3, 1), "hour", (at("2026-01-01"), at("2026-03-02"), "day")),
        # and the last date there is does not overflow.
        ("custom", None, dt.date.max, None, (at("9999-12-30"), at("9999-12-31"), "hour")),
    ],
)
def test_every_request_gets_a_period(period, start, end, bucket, expected):
    assert period_bounds(period, start, end, bucket, TODAY) == expected


def test_buckets_cover_the_period():
    assert buckets(at("2026-12-03"), at("2026-12-04"), "hour")[::23] == ["2026-12-03 00", "2026-12-03 23"]
    assert buckets(at("2026-11-27"), at("2026-12-04"), "day") == [f"2026-11-{d}" for d in range(27, 31)] + [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]


def test_the_90th_percentile_is_the_nearest_rank():
    assert p90([600.0, 120.0]) == 600.0
    assert p90([float(x) for x in range(1, 11)]) == 9.0
    assert p90([5.0]) == 5.0
