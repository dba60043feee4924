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
