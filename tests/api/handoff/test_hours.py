from __future__ import annotations

import datetime as dt

import pytest

from api.handoff.hours import on_duty, parse

UTC = dt.timezone.utc


def test_weekday_office_hours():
    spec = "mon-fri 08:00-18:00"
    assert on_duty(spec, "UTC", dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # Thursday
    assert not on_duty(spec, "UTC", dt.datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
    assert not on_duty(spec, "UTC", dt.datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # Saturday


def test_time_zone_is_applied():
    assert on_duty("mon-fri 08:00-18:00", "America/Los_Angeles", dt.datetime(2026, 11, 26, 17, 0, tzinfo=UTC))
    assert not on_duty("mon-fri 08:00-18:00", "America/Los_Angeles", dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC))


def test_always_on_duty():
    assert on_duty("mon-sun 00:00-24:00", "UTC", dt.datetime(2026, 11, 29, 23, 59, tzinfo=UTC))


def test_bad_spec_is_a_clear_error():
    with pytest.raises(ValueError, match="must look like"):
        parse("weekdays 9 to 5")


def test_duty_check_agrees_with_on_duty_at_every_hour_of_a_week():
    from api.handoff.hours import duty_check, on_duty

    check = duty_check("mon-fri 08:00-18:00", "Europe/Berlin")
    start = dt.datetime(2026, 3, 23, tzinfo=dt.timezone.utc)  # a week around the change to summer time
    for hour in range(7 * 24):
        moment = start + dt.timedelta(hours=hour)
        assert check(moment) == on_duty("mon-fri 08:00-18:00", "Europe/Berlin", moment), moment
