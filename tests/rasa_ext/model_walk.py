"""The trained model driven as Rasa drives it, for the tests comparing rasa_ext's classes and
patches with Rasa's own code: messages, whole conversations (a form among them), and views of the
results that can be compared."""

from __future__ import annotations

import asyncio

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
        else:
            state[name] = value
    return state
