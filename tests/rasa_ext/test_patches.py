"""rasa_ext/patches.py: each patch gives exactly what Rasa's own method gives, on the trained model;
the patches are in place wherever Rasa loads the model; and they refuse another Rasa version."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext import patches
from tests.rasa_ext.model_walk import MESSAGES, conversation_steps, outcomes, tracker_state

PATCHED = [
    (DaskGraphRunner, "run"),
    (RemoteAction, "_validate_action_result"),
    (RemoteAction, "_action_call_format"),
    (DialogueStateTracker, "copy"),
    (Domain, "is_empty"),
]


def test_loading_the_model_as_rasa_does_applies_every_patch(agent):
    # The agent fixture is Rasa's own Agent.load, as in `rasa run`, `rasa shell` and `rasa test`.
    for owner, name in PATCHED:
        assert vars(owner)[name] is not patches.original(owner, name), f"{owner.__name__}.{name}"


def test_another_rasa_version_is_refused_with_what_to_do(agent, monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(patches.RasaVersionError) as refused:
        patches.apply()
    message = str(refused.value)
    assert "3.6.21" in message and "3.6.22" in message and "rasa_ext/patches.py" in message
    patches.check_rasa_version("3.6.21")  # the pinned one passes


def test_another_rasa_version_gets_no_patch(monkeypatch):
    import rasa

    monkeypatch.setattr(patches, "_applied", False)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    for owner, name in PATCHED:
        monkeypatch.setattr(owner, name, patches.original(owner, name))  # Rasa's own, restored after
    with pytest.raises(patches.RasaVersionError):
        patches.apply()
    assert all(vars(owner)[name] is patches.original(owner, name) for owner, name in PATCHED)


def test_the_graphs_give_the_same_intents_and_actions_without_dask(agent, monkeypatch):
    monkeypatch.setattr(DaskGraphRunner, "run", patches.original(DaskGraphRunner, "run"))  # restored after
    with_dask = outcomes(agent)
    patches.run_graphs_without_dask()
    assert DaskGraphRunner.run is not patches.original(DaskGraphRunner, "run")
    assert outcomes(agent) == with_dask
    # The comparison means something only if the messages reached different intents and actions.
    assert len({o[0][0][0] for o in with_dask}) >= 5 and "action_answer_question" in {o[1] for o in with_dask}
    assert len(MESSAGES) == len(with_dask)


def test_the_action_server_gets_rasas_tracker_state_with_only_the_current_turns_events(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.utils.endpoints import EndpointConfig

    sender = f"patches-turn-{id(agent)}"
    processor = agent.processor
    tracker = asyncio.run(processor.log_message(UserMessage("How long is the phone interview?", sender_id=sender)))
    tracker.update(ActionExecuted("action_answer_question"))
    tracker.update(SlotSet("last_question", "How long is the phone interview?"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(processor.save_tracker(tracker))
    tracker = asyncio.run(
        processor.log_message(UserMessage("and the loop?", sender_id=sender), should_save_tracker=False)
    )
    tracker.update(SlotSet("application_choice", "1"))  # a form's slot candidate, at the end as Rasa adds them

    action = RemoteAction("validate_status_form", EndpointConfig("http://127.0.0.1:1"))
    rasas_own = patches.original(RemoteAction, "_action_call_format")
    full = rasas_own(action, tracker, agent.domain)
    monkeypatch.setattr(RemoteAction, "_action_call_format", rasas_own)  # restored after the test
    patches.send_actions_the_current_turn()
    sent = RemoteAction._action_call_format(action, tracker, agent.domain)

    events = full["tracker"].pop("events")
    turn = sent["tracker"].pop("events")
    assert sent == full  # everything else as Rasa sends it: slots, latest message, active loop, domain
    assert full["tracker"]["slots"]["last_question"] == "How long is the phone interview?"
    # From the latest user message on: the message, and the slot candidate a form validation reads.
    assert [e["event"] for e in turn] == ["user", "slot"] and turn[0]["text"] == "and the loop?"
    assert turn == events[-2:] and len(events) > 6


def test_a_domain_is_judged_empty_or_not_as_rasa_judges_it(agent, monkeypatch):
    domains = [agent.domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]})]
    rasas_own = patches.original(Domain, "is_empty")
    rasas_answers = [rasas_own(d) for d in domains]
    monkeypatch.setattr(Domain, "is_empty", rasas_own)  # restored after the test
    patches.know_a_domain_with_responses_is_not_empty()
    assert Domain.is_empty is not rasas_own
    assert [d.is_empty() for d in domains] == rasas_answers == [False, True, False]


def test_action_replies_are_judged_valid_or_not_exactly_as_by_rasas_whole_schema():
    from jsonschema import validators
    from rasa.shared.core import events as ev

    schema = RemoteAction.action_response_format_spec()
    whole = validators.validator_for(schema)(schema)
    fast = patches.action_response_checker()
    good = [
        ev.SlotSet("last_question", "How long?"),
        ev.SlotSet("status_options", [{"id": "a1", "title": "SDE"}]),
        ev.ActiveLoop("status_form"),
        ev.ActiveLoop(None),
        ev.FollowupAction("action_listen"),
        ev.UserUtteranceReverted(),
        ev.ActionReverted(),
        ev.Restarted(),
        ev.AllSlotsReset(),
        ev.BotUttered("hi", {"custom": {"kind": "chitchat"}}),
        ev.UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        ev.ActionExecuted("action_listen"),
        ev.SessionStarted(),
        ev.LoopInterrupted(True),
        ev.ReminderScheduled("greet", __import__("datetime").datetime(2026, 1, 1)),
    ]
    events = [e.as_dict() for e in good]
    bad = [
        {"event": "nope"},
        {"event": "slot", "name": 5},
        {"event": "active_loop", "name": 3},
        {"event": "followup"},
        {"name": "x"},
        {"event": 7},
        "slot",
        {"event": "slot", "timestamp": "yesterday", "name": "x"},
        {"event": "user", "text": 3},
    ]
    replies = [{"events": [e], "responses": []} for e in events + bad]
    replies += [
        {"events": events, "responses": [{"custom": {"kind": "answer"}}, {"response": "utter_not_covered"}]},
        {"events": [*events, bad[0]], "responses": []},
        {"events": [], "responses": "no"},
        {"events": None, "responses": []},
        {"responses": []},
        {},
        [],
        "text",
    ]
    verdicts = [whole.is_valid(r) for r in replies]
    assert [fast(r) for r in replies] == verdicts
    assert verdicts.count(True) >= len(good) and verdicts.count(False) >= len(bad)


def test_an_invalid_action_reply_is_refused_with_rasas_own_error(monkeypatch):
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", patches.original(RemoteAction, "_validate_action_result")
    )
    patches.check_action_replies_with_a_cached_validator()
    action = RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1"))
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(Exception) as patched_error:
        action._validate_action_result({"events": [{"event": "nope"}], "responses": []})
    with pytest.raises(Exception) as rasas_error:
        patches.original(RemoteAction, "_validate_action_result")(
            action, {"events": [{"event": "nope"}], "responses": []}
        )
    assert type(patched_error.value) is type(rasas_error.value) and str(patched_error.value) == str(rasas_error.value)


def test_a_tracker_copy_holds_what_replaying_every_event_gives_and_is_independent(agent, monkeypatch):
    from rasa.shared.core.events import ActiveLoop, LoopInterrupted, SlotSet

    replaying = patches.original(DialogueStateTracker, "copy")
    monkeypatch.setattr(DialogueStateTracker, "copy", replaying)  # restored after the test
    patches.copy_trackers_without_replaying_them()
    compared, in_a_loop = 0, 0
    for text, tracker in conversation_steps(agent, "copy"):
        # (The policy's predictions in between leave nothing on the tracker the copy must skip.)
        assert tracker_state(tracker.copy()) == tracker_state(replaying(tracker)), text
        compared += 1
        in_a_loop += tracker.active_loop is not None
    assert compared > 40 and in_a_loop > 0
    # What an action does to the copy (Rasa runs actions on it) leaves the original as it was.
    tracker.update(ActiveLoop("status_form"))
    before = tracker_state(tracker)
    copied = tracker.copy()
    copied.update(SlotSet("last_question", "changed"))
    copied.update(LoopInterrupted(True))
    assert tracker_state(tracker) == before and copied.active_loop.is_interrupted
