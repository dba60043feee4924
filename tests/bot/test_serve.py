"""bot/serve.py's graph runner gives Rasa exactly the results dask did, on the trained model."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.engine.runner.dask import DaskGraphRunner

MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "candidate-assistant.tar.gz"
MESSAGES = [
    "hi",
    "How long does the work style assessment take?",
    "what's the salary for this role?",
    "where is my application?",
    "I'd like to talk to a person",
    "¿Cómo funciona la entrevista?",
    "<script>alert(1)</script>",
    "thanks, bye",
]


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains one) or `make model`")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def outcomes(agent) -> list[tuple]:
    from rasa.core.channels.channel import UserMessage

    out = []
    for n, text in enumerate(MESSAGES):
        # A new conversation (session start, then the message), as Rasa builds it for a real message.
        message = UserMessage(text, sender_id=f"serve-{n}-{len(out)}-{id(out)}")
        tracker = asyncio.run(agent.processor.log_message(message, should_save_tracker=False))
        parsed = tracker.latest_message.parse_data
        prediction = agent.processor._predict_next_with_tracker(tracker)
        intents = [(i["name"], round(i["confidence"], 6)) for i in parsed["intent_ranking"]]
        action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
        out.append((intents, action, prediction.policy_name, round(prediction.max_confidence, 6)))
    return out


def test_the_graphs_give_the_same_intents_and_actions_without_dask(agent, monkeypatch):
    with_dask = outcomes(agent)
    from bot.serve import _run_graphs_without_dask

    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)  # restored after the test
    _run_graphs_without_dask()
    assert outcomes(agent) == with_dask
    # The comparison means something only if the messages reached different intents and actions.
    assert len({o[0][0][0] for o in with_dask}) >= 5 and "action_answer_question" in {o[1] for o in with_dask}


def test_the_classifier_gets_the_same_rows_and_gives_the_same_intents_with_direct_assembly(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    from bot.serve import _assemble_classifier_rows_directly

    rasas_own = LogisticRegressionClassifier._create_X
    seen: list[tuple] = []

    def capture(self, messages):
        seen.append((self, list(messages)))
        return rasas_own(self, messages)

    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", capture)
    for text in MESSAGES:
        asyncio.run(agent.processor.parse_message(UserMessage(text)))
    before = outcomes(agent)
    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", rasas_own)  # restored after the test
    _assemble_classifier_rows_directly()
    assert LogisticRegressionClassifier._create_X is not rasas_own
    assert len(seen) >= len(MESSAGES)
    for classifier, messages in seen:
        expected, got = rasas_own(classifier, messages), LogisticRegressionClassifier._create_X(classifier, messages)
        assert got.shape == expected.shape and got.dtype == expected.dtype and got.format == "csr"
        assert (got != expected).nnz == 0
    # Several messages at once (as in training) give the rows of each, stacked.
    many = [m for _, messages in seen for m in messages]
    assert (LogisticRegressionClassifier._create_X(seen[0][0], many) != rasas_own(seen[0][0], many)).nnz == 0
    assert outcomes(agent) == before


def test_the_classifier_gives_exactly_scikit_learns_probabilities_without_its_input_checks(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    from bot.serve import _score_intents_without_checking_the_row_again

    component = components_of(agent, LogisticRegressionClassifier)[0]
    model_class = type(component.clf)
    sklearns_own = model_class.predict_proba
    rows: list = []
    create_x = LogisticRegressionClassifier._create_X

    def capture(self, messages):
        rows.append(create_x(self, messages))
        return rows[-1]

    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", capture)
    monkeypatch.setattr(LogisticRegressionClassifier, "process", LogisticRegressionClassifier.process)  # restored
    _score_intents_without_checking_the_row_again()
    # The loaded model's graph took the method when it was built (bot/serve.py patches before loading).
    for node in agent.processor.graph_runner._instantiated_nodes.values():
        if getattr(node, "_component", None) is component:
            monkeypatch.setattr(node, "_fn", LogisticRegressionClassifier.process)
    checked: list = []
    monkeypatch.setattr(model_class, "predict_proba", lambda self, x: checked.append(x) or sklearns_own(self, x))
    # (Messages the guard after the classifier re-labels, non-English or markup, are left out.)
    for text in [m for m in MESSAGES if m.isascii() and "<" not in m]:
        parsed = asyncio.run(agent.processor.parse_message(UserMessage(text)))
        expected = dict(zip(component.clf.classes_, sklearns_own(component.clf, rows[-1])[0], strict=True))
        ranking = {i["name"]: i["confidence"] for i in parsed["intent_ranking"] if i["name"] in expected}
        assert ranking and all(ranking[name] == expected[name] for name in ranking), text  # exactly equal
    assert checked == []  # scikit-learn's checks were not run for our usual rows
    assert "predict_proba" not in vars(component.clf)  # nothing left on the model


def test_the_action_server_gets_rasas_tracker_state_with_only_the_current_turns_events(agent, monkeypatch):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.utils.endpoints import EndpointConfig

    from bot.serve import _send_actions_the_current_turn

    sender = f"serve-turn-{id(agent)}"
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
    rasas_own = RemoteAction._action_call_format
    full = rasas_own(action, tracker, agent.domain)
    monkeypatch.setattr(RemoteAction, "_action_call_format", rasas_own)  # restored after the test
    _send_actions_the_current_turn()
    sent = RemoteAction._action_call_format(action, tracker, agent.domain)

    events = full["tracker"].pop("events")
    turn = sent["tracker"].pop("events")
    assert sent == full  # everything else as Rasa sends it: slots, latest message, active loop, domain
    assert full["tracker"]["slots"]["last_question"] == "How long is the phone interview?"
    # From the latest user message on: the message, and the slot candidate a form validation reads.
    assert [e["event"] for e in turn] == ["user", "slot"] and turn[0]["text"] == "and the loop?"
    assert turn == events[-2:] and len(events) > 6


def test_a_domain_is_judged_empty_or_not_as_rasa_judges_it(agent, monkeypatch):
    from rasa.shared.core.domain import Domain

    from bot.serve import _know_a_domain_with_responses_is_not_empty

    domains = [agent.domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]})]
    rasas_answers = [d.is_empty() for d in domains]
    monkeypatch.setattr(Domain, "is_empty", Domain.is_empty)  # restored after the test
    _know_a_domain_with_responses_is_not_empty()
    assert [d.is_empty() for d in domains] == rasas_answers == [False, True, False]


CONVERSATIONS = [
    [
        "hi",
        "How long does the work style assessment take?",
        "and the work sample?",
        "what's the salary for this role?",
        "where is my application?",
        "the second one",
        "What does a bar raiser do?",
        "can I talk to a person?",
        "thanks",
        "How many steps are there?",
        "are you a bot?",
        "bye",
    ],
    [
        "where is my application?",
        "what is a bar raiser?",
        "the first",
        "¿Cómo funciona la entrevista?",
        "what can you do?",
        "yes",
        "no",
        "<script>alert(1)</script>",
        "Can I apply to more than one job?",
        "where is my application?",
        "the SDE one",
        "thank you",
    ],
]


def components_of(agent, cls) -> list:
    """The trained model's components of a class, in the order of its graph."""
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return [n._component for n in nodes if isinstance(getattr(n, "_component", None), cls)]


def what_it_does(action: str, tracker, several_applications: bool) -> list:
    """The events an action adds, as ours and Rasa's do, so that slots and the form's loop take part."""
    from rasa.shared.core.events import ActiveLoop, SlotSet, UserUtteranceReverted

    if action == "action_answer_question":
        return [SlotSet("last_question", tracker.latest_message.text)]
    if action == "action_check_status":
        return [SlotSet("status_choice_needed", several_applications)]
    if action == "status_form":
        if tracker.active_loop_name != "status_form":
            return [ActiveLoop("status_form"), SlotSet("requested_slot", "application_choice")]
        return [SlotSet("application_choice", "2"), SlotSet("requested_slot", None), ActiveLoop(None)]
    if action == "action_show_status":
        return [SlotSet(name, None) for name in ("application_choice", "status_options", "status_choice_needed")]
    if action == "action_default_fallback":
        return [UserUtteranceReverted()]
    return []


def conversation_steps(agent, name: str):
    """Every step of CONVERSATIONS as the trained model's RulePolicy drives them, our actions' events
    included (what_it_does): yields (text, tracker) before each prediction; the caller may check
    anything then, and the walk goes on with the policy's action."""
    from rasa.core.channels.channel import UserMessage
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.events import ActionExecuted

    policy, domain, processor = components_of(agent, RulePolicy)[0], agent.domain, agent.processor
    for n, messages in enumerate(CONVERSATIONS):
        sender = f"serve-{name}-{n}-{id(agent)}"
        for text in messages:
            tracker = asyncio.run(processor.log_message(UserMessage(text, sender_id=sender)))
            for _ in range(6):
                yield text, tracker
                prediction, _ = policy._predict(tracker, domain)
                action = domain.action_names_or_texts[prediction.max_confidence_index]
                tracker.update(ActionExecuted(action))
                for event in what_it_does(action, tracker, several_applications=n == 0):
                    tracker.update(event)
                if action == "action_listen":
                    break
            asyncio.run(processor.save_tracker(tracker))


def test_the_rule_policy_predicts_as_rasa_does_from_only_the_states_rules_read(agent, monkeypatch):
    """Long conversations (a form among them): every RulePolicy prediction, step by step, is Rasa's."""
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.serve import _rule_policy_builds_only_the_states_rules_read

    policy, domain = components_of(agent, RulePolicy)[0], agent.domain
    rasas_own = RulePolicy._find_action_from_rules
    built = [0]  # dialogue states built
    get_active_state = type(domain).get_active_state

    def counting(self, *args, **kwargs):
        built[0] += 1
        return get_active_state(self, *args, **kwargs)

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

    monkeypatch.setattr(type(domain), "get_active_state", counting)
    monkeypatch.setattr(RulePolicy, "_find_action_from_rules", rasas_own)  # restored after the test
    steps = 0
    counts: list[tuple[int, int]] = []  # states built by Rasa's policy and by ours, at each step
    for text, tracker in conversation_steps(agent, "rules"):
        RulePolicy._find_action_from_rules = rasas_own
        before = built[0]
        expected = predict(tracker)
        by_rasa = built[0] - before
        _rule_policy_builds_only_the_states_rules_read()
        assert predict(tracker) == expected, (text, [e.as_dict() for e in tracker.events][-6:])
        counts.append((by_rasa, built[0] - before - by_rasa))
        steps += 1
    # The comparison covered long histories, and the patched policy built far fewer states for them.
    assert steps > 40 and max(rasa for rasa, _ in counts) >= 40
    assert sum(ours for _, ours in counts) < sum(rasa for rasa, _ in counts) / 2


def test_the_rule_policys_intent_pass_reuses_the_states_its_text_pass_built(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.events import ActionExecuted

    from bot.serve import _rule_policy_builds_only_the_states_rules_read

    policy, domain = components_of(agent, RulePolicy)[0], agent.domain
    monkeypatch.setattr(RulePolicy, "_find_action_from_rules", RulePolicy._find_action_from_rules)  # restored
    _rule_policy_builds_only_the_states_rules_read()
    built = [0]
    get_active_state = type(domain).get_active_state

    def counting(self, *args, **kwargs):
        built[0] += 1
        return get_active_state(self, *args, **kwargs)

    monkeypatch.setattr(type(domain), "get_active_state", counting)
    tracker = asyncio.run(agent.processor.log_message(UserMessage("hi", sender_id=f"serve-reuse-{id(agent)}")))
    text_pass = policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=True)
    after_text_pass = built[0]
    intent_pass = policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=False)
    assert text_pass[0] is None and intent_pass[0] == "utter_greet"
    assert after_text_pass > 0 and built[0] == after_text_pass  # nothing built again
    tracker.update(ActionExecuted("utter_greet"))  # a new event: the states are built anew
    assert policy._find_action_from_rules(tracker, domain, use_text_for_last_user_input=False)[0] == "action_listen"
    assert built[0] > after_text_pass


def test_the_featurizers_make_the_same_sentence_features_and_intents_without_per_token_ones(agent, monkeypatch):
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.serve import CONFIG, _featurize_only_what_the_pipeline_reads

    tokenizer = components_of(agent, WhitespaceTokenizer)[0]
    featurizers = components_of(agent, CountVectorsFeaturizer)

    def features(kind: str) -> list:
        out = []
        for text in MESSAGES:
            message = Message(data={TEXT: text})
            tokenizer.process([message])
            for featurizer in featurizers:  # as the served NLU graph runs them
                featurizer.process([message])
            out.append([f.features.toarray().tolist() for f in message.features if f.type == kind])
        return out

    before, sentences = outcomes(agent), features(FEATURE_TYPE_SENTENCE)
    assert all(features(FEATURE_TYPE_SEQUENCE))  # Rasa's own: per-token features for every message
    monkeypatch.setattr(CountVectorsFeaturizer, "process", CountVectorsFeaturizer.process)  # restored after
    assert _featurize_only_what_the_pipeline_reads(CONFIG)
    assert features(FEATURE_TYPE_SENTENCE) == sentences and len(sentences[0]) == 2  # word and character rows
    assert not any(features(FEATURE_TYPE_SEQUENCE))
    assert outcomes(agent) == before


def test_a_pipeline_with_another_component_keeps_rasas_features(tmp_path):
    from bot.serve import _featurize_only_what_the_pipeline_reads

    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: WhitespaceTokenizer\n  - name: CountVectorsFeaturizer\n  - name: DIETClassifier\n"
    )
    assert not _featurize_only_what_the_pipeline_reads(config)


def test_action_replies_are_judged_valid_or_not_exactly_as_by_rasas_whole_schema():
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core import events as ev

    from bot.serve import _action_response_checker

    schema = RemoteAction.action_response_format_spec()
    whole = validators.validator_for(schema)(schema)
    fast = _action_response_checker()
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


def test_once_the_server_has_started_what_startup_built_is_out_of_the_collectors_sight(monkeypatch):
    import gc

    import rasa.core.run
    from sanic import Sanic

    from bot.serve import _freeze_startup_objects, _freeze_what_startup_built

    registered: list[tuple] = []
    monkeypatch.setattr(Sanic, "register_listener", lambda app, fn, event: registered.append((fn, event)))
    monkeypatch.setattr(rasa.core.run, "configure_app", rasa.core.run.configure_app)  # restored after
    _freeze_what_startup_built()
    rasa.core.run.configure_app(port=0, enable_api=False)
    assert (_freeze_startup_objects, "after_server_start") in registered
    try:
        asyncio.run(_freeze_startup_objects(None, None))
        assert gc.get_freeze_count() > 100_000  # Rasa, TensorFlow, scikit-learn... all loaded by now
    finally:
        gc.unfreeze()


def test_the_action_servers_request_body_carries_the_same_json_values(agent, monkeypatch):
    import json

    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import UserMessage
    from rasa.utils.endpoints import EndpointConfig

    from bot.serve import _reuse_endpoint_sessions

    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)  # restored after the test
    _reuse_endpoint_sessions()
    endpoint = EndpointConfig("http://127.0.0.1:1")
    tracker = asyncio.run(
        agent.processor.log_message(UserMessage("How long is the work style assessment? ¿Sí? a/b", sender_id="json"))
    )
    body = RemoteAction("action_answer_question", endpoint)._action_call_format(tracker, agent.domain)

    async def serialised() -> str:
        async with endpoint.session() as session:
            return session.json_serialize(body)

    assert json.loads(asyncio.run(serialised())) == json.loads(json.dumps(body))


def tracker_state(tracker) -> dict:
    """Everything a tracker holds, comparable: events by identity, slots and the active loop by value."""
    import dataclasses

    state = {}
    for name, value in vars(tracker).items():
        if name == "events":
            state[name] = ([id(e) for e in value], value.maxlen)
        elif name == "slots":
            state[name] = {slot_name: dict(vars(slot)) for slot_name, slot in value.items()}
        elif name == "active_loop":
            state[name] = dataclasses.asdict(value) if value is not None else None
        elif name != "_rule_states":
            state[name] = value
    return state


def test_a_tracker_copy_holds_what_replaying_every_event_gives_and_is_independent(agent, monkeypatch):
    from rasa.shared.core.events import ActiveLoop, LoopInterrupted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.serve import _copy_trackers_without_replaying_them

    replaying = DialogueStateTracker.copy
    monkeypatch.setattr(DialogueStateTracker, "copy", replaying)  # restored after the test
    _copy_trackers_without_replaying_them()
    compared, in_a_loop = 0, 0
    for text, tracker in conversation_steps(agent, "copy"):
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
