"""How the knowledge service's replay judges a turn (pure logic), as `make eval` judges a reply's text."""

from __future__ import annotations

from scripts.replay import judge


def test_an_answer_needs_a_phrase_of_every_group_and_a_refusal_needs_the_fallback():
    turn = {"kind": "answer", "must_mention": [["two business days", "2 business days"], ["phone"]]}
    assert judge(turn, "answer", "Within Two Business Days after your phone interview.")
    assert not judge(turn, "answer", "Within two business days.")
    assert not judge(turn, "clarify", "two business days after the phone interview")
    refused = {"kind": "out_of_scope", "must_not_mention": ["salary"]}
    assert judge(refused, "fallback", "")
    assert not judge(refused, "answer", "anything")
