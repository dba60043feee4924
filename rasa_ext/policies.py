"""Rasa's RulePolicy, building only the dialogue states its rules can read.

Named in config.yml (`rasa_ext.policies.RecentStatesRulePolicy`); trained exactly as Rasa's own.

The RulePolicy turns the whole conversation into dialogue states (a replay of every event, and a
state built and deep-copied for every turn) three times per message, though a rule can only match
the last few states: Rasa accepts any state older than a rule's own length
(`RulePolicy._is_rule_applicable`). A loaded policy builds only the last (longest rule + 1) states,
the same states Rasa builds for those turns, and its intent pass reuses the states its text pass
built for the same tracker. When no rule predicts an action from the intent, Rasa's own full
computation runs, as the fallback's bookkeeping keys on the whole history. Measured: the RulePolicy
went from 23 to 17 % of Rasa's time, and the reuse from 1.0 to 0.83 ms per prediction.
tests/rasa_ext/test_policies.py compares every prediction of long conversations with Rasa's.

Predictions name this class as their policy (`policy` of an ActionExecuted event). Rasa's training
checks look for the RulePolicy class itself: `rasa train` warns that no RulePolicy is configured
(its rules for /restart and /back are this policy's all the same), and the domain check Rasa makes
for a RulePolicy is made here in `train`.
"""

from __future__ import annotations

import weakref
from typing import Any

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import USER
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext import patches


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentStatesRulePolicy(RulePolicy):
    """RulePolicy that, once loaded to predict, builds only the states its rules can read."""

    # Training runs Rasa's own computation (the rules are still being learnt).
    recent_states_only = False

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RulePolicy:
        patches.apply()  # as FastLogisticRegressionClassifier.load: a model of ours is being served
        policy = super().load(config, model_storage, resource, execution_context, **kwargs)
        policy.recent_states_only = True
        return policy

    def train(self, training_trackers: list[Any], domain: Domain, **kwargs: Any) -> Resource:
        # Rasa's validator makes this check for its RulePolicy class only.
        self.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)

    def _find_action_from_rules(
        self, tracker: DialogueStateTracker, domain: Domain, use_text_for_last_user_input: bool
    ) -> tuple[str | None, str | None, bool]:
        found = super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
        if self.recent_states_only and found[0] is None and not use_text_for_last_user_input:
            # Nothing predicted: the key returned (a rule's, or one made of every state) decides
            # whether the turn is hidden, so it is Rasa's own, from the whole history. (The text pass
            # uses only a predicted action, and whether a loop was interrupted, which the last states
            # decide.)
            self.recent_states_only = False
            try:
                return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
            finally:
                self.recent_states_only = True
        return found

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[Any]:
        featurizer = self.featurizer
        if (
            not self.recent_states_only
            or not isinstance(featurizer, MaxHistoryTrackerFeaturizer)
            or featurizer.max_history is not None
        ):
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        # The text pass and the intent pass read the same states but for the last user input (and
        # _choose_last_user_input edits the user part in place): they are built once per tracker
        # state, and each pass gets its own copy of the user parts. The one entry kept is this
        # policy's, checked against the tracker itself and its latest event.
        events = tracker.events
        latest = events[-1] if events else None
        kept = self.__dict__.get("_recent")
        if kept is None or not (
            kept[0]() is tracker and kept[1] == len(events) and kept[2] is latest and kept[3] is domain
        ):
            kept = self._recent = (
                weakref.ref(tracker),
                len(events),
                latest,
                domain,
                self._built_states(tracker, domain),
            )
        states = [{k: (dict(v) if k == USER else v) for k, v in state.items()} for state in kept[4]]
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _states_kept(self) -> int:
        """1 + the length of the longest rule (the rules never change once the model is loaded)."""
        kept = self.__dict__.get("_longest")
        if kept is None or kept[0] is not self.lookup:
            rules = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
            kept = self._longest = (self.lookup, 1 + max((len(self._rule_key_to_state(r)) for r in rules), default=0))
        return int(kept[1])

    def _built_states(self, tracker: DialogueStateTracker, domain: Domain) -> list[Any]:
        # Domain.states_for_tracker_history over Tracker.generate_all_prior_trackers (the RulePolicy
        # keeps rule-only turns), building the states of the last turns only.
        applied = tracker.applied_events()
        turns = 1 + sum(isinstance(e, ActionExecuted) for e in applied)
        skip = turns - self._states_kept()
        replay = tracker.init_copy()
        states = []
        turn = 0
        for event in applied:
            if isinstance(event, ActionExecuted):
                if turn >= skip:
                    states.append(domain._clean_state(domain.get_active_state(replay)))
                turn += 1
            replay.update(event)
        states.append(domain._clean_state(domain.get_active_state(replay)))
        return states
