"""The held-out gate of `python -m api.practice eval` (pure arithmetic; the figures are in docs/practice.md)."""

from __future__ import annotations

import pytest

from api.practice.__main__ import chance_of_low, lower_bound


def test_the_lower_bound_is_below_the_share_and_tightens_with_more_answers():
    small, large = lower_bound(0.95, 68), lower_bound(0.95, 1465)
    assert small < large < 0.95
    # Known values of the 95 % Wilson interval.
    assert lower_bound(0.95, 1465) == pytest.approx(0.938, abs=0.001)
    assert lower_bound(0.9, 68) == pytest.approx(0.8060, abs=0.001)
    assert lower_bound(1.0, 24) == pytest.approx(0.8620, abs=0.001)
    assert lower_bound(0.5, 0) == 0.0


def test_a_part_of_a_model_right_95_percent_of_the_time_falls_below_90_percent_by_chance():
    # 68 stories, true share 95 %: below 90 % means 61 or fewer right, about one part in nineteen (scipy.stats.binom.cdf(61, 68, 0.95)).
    assert chance_of_low(0.95, 68) == pytest.approx(0.0531, abs=0.001)
    assert chance_of_low(1.0, 68) == 0.0
    assert chance_of_low(0.5, 68) > 0.99
