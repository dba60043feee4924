"""RecentStatesRulePolicy predicts exactly as Rasa's RulePolicy, building far fewer states."""

from __future__ import annotations

import asyncio

from rasa.core.policies.rule_policy import RulePolicy

from rasa_ext.policies import RecentStatesRulePolicy
from tests.rasa_ext.model_walk import components_of, conversation_steps


def counting_states(monkeypatch, domain) -> list[int]:
    built = [0]
    get_active_state = type(domain).get_active_state

    def counting(self, *args, **kwargs):
        built[0] += 1
        return get_active_state(self, *args, **kwargs)

    monkeypatch.setattr(type(domain), "get_active_state", counting)
    return built


def test_the_rule_policy_predicts_as_rasa_does_from_only_the_states_rules_read(agent, monkeypatch):
    """Long conversations (a form among them): every RulePolicy prediction, step by step, is Rasa's."""
    (policy,) = components_of(agent, RulePolicy)
    assert type(policy) is RecentStatesRulePolicy and policy.recent_states_only  # as loaded to serve
    domain = agent.domain
    built = counting_states(monkeypatch, domain)

    def predict(tracker):
        prediction, source = policy._predict(tracker, domain)
        return (
            prediction.probabilities,
            prediction.policy_name,
            prediction.events,
            prediction.hide_rule_turn,
            prediction.is_end_to_end_prediction,
            prediction.is_no_user_prediction,
            source,
        )

    steps = 0
    counts: list[tuple[int, int]] = []  # states built by Rasa's policy and by ours, at each step
    for text, tracker in conversation_steps(agent, "rules"):
        monkeypatch.setattr(policy, "recent_states_only", False)  # Rasa's own computation
        before = built[0]
        expected = predict(tracker)
        by_rasa = built[0] - before
        monkeypatch.setattr(policy, "recent_states_only", True)
        assert predict(tracker) == expected, (text, [e.as_dict() for e in tracker.events][-6:])
        counts.append((by_rasa, built[0] - before - by_rasa))
        steps += 1
    # The comparison covered long histories, and our policy built far fewer states for them.
    assert steps > 40 and max(rasa for rasa, _ in counts) >= 40
    assert sum(ours for _, ours in counts) < sum(rasa for rasa, _ in counts) / 2


def test_the_rule_policys_intent_pass_reuses_the_states_its_text_pass_built(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import ActionExecuted

    (policy,) = components_of(agent, RulePolicy)
    domain = agent.domain
    built = counting_states(monkeypatch, domain)
    tracker = asyncio.run(agent.processor.log_message(UserMessage("hi", sender_id=f"policy-reuse-{id(agent)}")))
    text_pass = policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=True)
    after_text_pass = built[0]
    intent_pass = policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=False)
    assert text_pass[0] is None and intent_pass[0] == "utter_greet"
    assert after_text_pass > 0 and built[0] == after_text_pass  # nothing built again
    assert "_rule_states" not in vars(tracker)  # the policy keeps its states itself, not on the tracker
    tracker.update(ActionExecuted("utter_greet"))  # a new event: the states are built anew
    assert policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=False)[0] == "action_listen"
    assert built[0] > after_text_pass


def test_a_policy_being_trained_runs_rasas_own_computation():
    assert RecentStatesRulePolicy.recent_states_only is False  # set only by load()
