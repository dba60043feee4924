"""A bounded load test on the real stack: 100 conversations at once, FAQ, status and hand-off traffic."""

from __future__ import annotations

from load import run  # scripts/ is on sys.path through tests.e2e.conftest

from tests.e2e.conftest import SECRET


def test_a_hundred_conversations_at_once_lose_and_duplicate_nothing(stack):
    result = run(
        stack.api_url,
        SECRET,
        f"sqlite:///{stack.var_dir / 'api.db'}",
        f"sqlite:///{stack.var_dir / 'rasa' / 'tracker.db'}",
        conversations=100,
        messages=5,
        time_limit=240,
    )
    print(result.summary())
    assert result.sent == 500, result.errors[:5]
    assert result.errors == []
    assert result.lost == [] and result.duplicated == []
