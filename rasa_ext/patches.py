"""The run-time patches of Rasa's private code: only the changes Rasa offers no seam for.

Everything else that extends Rasa is a class named in its configuration (docs/architecture.md "How
we extend Rasa"). These five replace methods of classes Rasa builds itself, where no configuration
names a class: the graph runner (`rasa.engine.loader` is always given DaskGraphRunner), the remote
action (built by `action_for_name_or_text` and the form action), the tracker's copy and the domain.
Each changes speed only: the same results, checked by its test against Rasa's own method on the
trained model (tests/rasa_ext/test_patches.py).

`apply()` installs them, once per process; the model's own components call it when Rasa loads a
trained model (rasa_ext.components.classifier, rasa_ext.policies), so `rasa run`, `rasa shell`,
`rasa test` and `Agent.load` all run them. They were written against Rasa's code of exactly
`PINNED_RASA`: with any other version `apply()` refuses (RasaVersionError), and loading the model
fails with that message, rather than run unknown code. Upgrading Rasa means reading each patch
against the new version's method and running its test.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

PINNED_RASA = "3.6.21"

_originals: dict[tuple[type, str], Any] = {}
_applied = False


class RasaVersionError(RuntimeError):
    """Rasa is not the version the patches were written for."""


def check_rasa_version(version: str | None = None) -> None:
    if version is None:
        import rasa

        version = rasa.__version__
    if version != PINNED_RASA:
        raise RasaVersionError(
            f"rasa_ext/patches.py replaces private methods of Rasa {PINNED_RASA}, but Rasa {version} is "
            f"installed. Install rasa=={PINNED_RASA} (requirements/rasa.txt), or check each patch in "
            "rasa_ext/patches.py against the new version's code, run its test, and change PINNED_RASA."
        )


def apply() -> None:
    """Installs the patches (after checking Rasa's version); a second call does nothing."""
    global _applied
    check_rasa_version()
    if _applied:
        return
    run_graphs_without_dask()
    check_action_replies_with_a_cached_validator()
    send_actions_the_current_turn()
    copy_trackers_without_replaying_them()
    know_a_domain_with_responses_is_not_empty()
    _applied = True


def original(owner: type, name: str) -> Any:
    """Rasa's own `owner.name`, whether or not a patch replaced it (for the equivalence tests)."""
    return _originals.get((owner, name), vars(owner)[name])


def _replace(owner: type, name: str, new: Any) -> Any:
    """Puts `new` in place of `owner.name` and returns Rasa's own (the same on every call)."""
    rasas_own = _originals.setdefault((owner, name), vars(owner)[name])
    setattr(owner, name, new)
    return rasas_own


# --- 1. DaskGraphRunner.run -------------------------------------------------------------------


def run_graphs_without_dask() -> None:
    """Replaces `rasa.engine.runner.dask.DaskGraphRunner.run`.

    Why: Rasa runs its NLU and policy graphs for each message through dask's local scheduler, and
    profiling put about a quarter of that time in dask's own bookkeeping. The graphs are small and
    run on one thread anyway, so they are evaluated in dependency order directly, with the same
    nodes, inputs and results. Rasa always builds this runner itself (rasa.engine.loader), so no
    configuration can name another.
    Gain: about a quarter of the graphs' time per message.
    Test: test_the_graphs_give_the_same_intents_and_actions_without_dask.
    """
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(
        self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        # The runner's own cache of minimal schemas: a schema never changes once loaded.
        schemas = self.__dict__.setdefault("_minimal_schemas", {})
        key = tuple(run_targets)
        schema = schemas.get(key)
        if schema is None:
            schema = schemas[key] = self._graph_schema.minimal_graph_schema(run_targets)
        # As in dask's graph: an input is the pair (name, value), a node's result (node name, output).
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(f"Input value '{value}' clashes with a node name.")
            results[name] = (name, value)

        def compute(name: str) -> Any:
            if name not in results:
                needs = schema.nodes[name].needs.values()
                results[name] = self._instantiated_nodes[name](*(compute(n) for n in needs))
            return results[name]

        try:
            return dict(compute(t) for t in run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    _replace(DaskGraphRunner, "run", run)


# --- 2. RemoteAction._validate_action_result --------------------------------------------------


def _event_type_validators(schema: dict[str, Any], validator_class: Any) -> tuple[Any, dict[str, Any]] | None:
    """The action-response schema split in two: the response with each event's common part, and
    one validator per event type. An event is valid under `oneOf` when exactly one alternative
    matches; each alternative requires its own `event` name, so only the one of that name can. None
    when the schema is not shaped so (another Rasa version): then the whole schema is used."""
    shell = copy.deepcopy(schema)
    items = shell.get("properties", {}).get("events", {}).get("items", {})
    alternatives = items.pop("oneOf", None)
    if not isinstance(alternatives, list):
        return None
    by_type: dict[str, Any] = {}
    for alternative in alternatives:
        name = alternative.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_type:
            return None
        by_type[name] = validator_class(alternative)
    return validator_class(shell), by_type


def action_response_checker() -> Any:
    """A function telling whether an action server's reply is valid under Rasa's schema."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    whole = validator_class(schema)
    split = _event_type_validators(schema, validator_class)

    def is_valid(result: Any) -> bool:
        if split is None:
            return bool(whole.is_valid(result))
        shell, by_type = split
        if not shell.is_valid(result):
            return False
        # The shell checked that each event is an object with a string `event`.
        for event in (result.get("events") or []) if isinstance(result, dict) else []:
            check = by_type.get(event["event"])
            if check is None or not check.is_valid(event):
                return False
        return True

    return is_valid


def check_action_replies_with_a_cached_validator() -> None:
    """Replaces `rasa.core.actions.action.RemoteAction._validate_action_result`.

    Why: Rasa 3.6 calls `jsonschema.validate` on every action-server reply, which rebuilds a
    validator from the schema each time; profiling showed about half of Rasa's CPU per
    custom-action message spent there. A validator built once checks exactly the same schema.
    Within it, each event was tried against all 23 event types (`oneOf`); it is checked against its
    own type only, which gives the same verdict (`_event_type_validators`). Rasa builds remote
    actions itself (no configuration names their class).
    Gain: about half of Rasa's CPU per custom-action message; an event's check 0.73 -> 0.07 ms.
    Test: test_action_replies_are_judged_valid_or_not_exactly_as_by_rasas_whole_schema.
    """
    from rasa.core.actions.action import RemoteAction

    is_valid = action_response_checker()
    rasas_own = original(RemoteAction, "_validate_action_result")

    def validate_cached(self: RemoteAction, result: dict[str, Any]) -> bool:
        if is_valid(result):
            return True
        # Invalid replies take Rasa's path, which raises with Rasa's own explanation.
        return bool(rasas_own(self, result))

    _replace(RemoteAction, "_validate_action_result", validate_cached)


# --- 3. RemoteAction._action_call_format ------------------------------------------------------


def send_actions_the_current_turn() -> None:
    """Replaces `rasa.core.actions.action.RemoteAction._action_call_format`.

    Why: Rasa sends the action server the whole conversation with every custom action (all its
    events, each turned into a dict and JSON again), and the action server parses it all back. Our
    actions read only the latest message, the slots and the events of the current turn (a form's
    validation looks at the slot events at the end), so only the events since the candidate's
    latest message are sent; every other field of the tracker state is as Rasa sends it.
    Gain: at the tenth message 42 -> 12 KB and 1.16 -> 0.29 ms in Rasa, and less to parse in the
    action server.
    Test: test_the_action_server_gets_rasas_tracker_state_with_only_the_current_turns_events.
    """
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Any) -> dict[str, Any]:
        # As RemoteAction._action_call_format, but for the events.
        state = tracker.current_state(EventVerbosity.NONE)
        events = list(tracker.events)
        start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
        state["events"] = [e.as_dict() for e in events[start:]]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    _replace(RemoteAction, "_action_call_format", action_call_format)


# --- 4. DialogueStateTracker.copy -------------------------------------------------------------


def copy_trackers_without_replaying_them() -> None:
    """Replaces `rasa.shared.core.trackers.DialogueStateTracker.copy`.

    Why: Rasa copies the tracker before running each action (a rejected action's events must be
    discarded), and DialogueStateTracker.copy replays every event of the conversation into a new
    tracker: twice a message, longer with every turn. The copy here has the same state: the same
    event objects (replaying appends them too), each slot's own copy with the original's values,
    and a copy of the active loop (events edit it in place); every other attribute is a value that
    events only ever replace. Rasa's processor and form action create and copy trackers themselves.
    Gain: 0.10 -> 0.035 ms per copy at 47 events, more in longer conversations.
    Test: test_a_tracker_copy_holds_what_replaying_every_event_gives_and_is_independent.
    """
    from rasa.shared.core.trackers import DialogueStateTracker

    replaying = original(DialogueStateTracker, "copy")

    def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
        if type(self) is not DialogueStateTracker:
            return replaying(self)  # a subclass may hold more: Rasa's way
        new = self.init_copy()
        for name, value in vars(self).items():
            if name == "events":
                new.events = new._create_events(list(self.events))
            elif name == "slots":
                for slot_name, slot in self.slots.items():
                    vars(new.slots[slot_name]).update(vars(slot))
            elif name == "active_loop":
                new.active_loop = dataclasses.replace(value) if value is not None else None
            elif name not in ("model_id", "assistant_id"):
                # (Replaying leaves these two unset: the processor sets them, not an event.)
                setattr(new, name, value)
        return new

    _replace(DialogueStateTracker, "copy", copy_tracker)


# --- 5. Domain.is_empty -----------------------------------------------------------------------


def know_a_domain_with_responses_is_not_empty() -> None:
    """Replaces `rasa.shared.core.domain.Domain.is_empty`.

    Why: before using the parse of every message, Rasa's processor checks that its domain is not
    empty by building an empty Domain and comparing the two as dicts. A domain with responses of its
    own is not the empty one, so that answer is given without building anything. The domain is
    read from the model; no configuration names its class.
    Gain: 5 % of Rasa's CPU under load.
    Test: test_a_domain_is_judged_empty_or_not_as_rasa_judges_it.
    """
    from rasa.shared.core.domain import Domain

    rasas_own = original(Domain, "is_empty")

    def is_empty(self: Domain) -> bool:
        # The empty domain has no responses; any other domain takes Rasa's comparison.
        return False if self.responses else bool(rasas_own(self))

    _replace(Domain, "is_empty", is_empty)
