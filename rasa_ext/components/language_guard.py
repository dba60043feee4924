"""Rasa NLU component that re-labels, after intent classification, non-English messages, non-questions,
questions about where candidates check a status (the FAQ, not a look-up of the candidate's own), and
requests for the candidate's own status that NLU called out of scope."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.components.message_checks import (
    asks_about_own_application,
    asks_about_rather_than_for,
    asks_beyond_yes_no,
    asks_for_a_person,
    asks_for_advice,
    asks_for_the_next_step,
    asks_more_than_a_reaction,
    asks_to_explain_again,
    asks_to_join,
    asks_to_practise,
    asks_to_retry,
    asks_to_stop,
    asks_what_a_look_up_cannot_answer,
    asks_whats_next,
    asks_where_to_check_status,
    emoji_reaction,
    greets,
    has_foreign_signs,
    instructs_the_bot,
    is_foreign_greeting,
    is_non_english,
    is_not_a_question,
    names_a_subject,
    names_own_application,
    opens_as_a_process_question,
    requests_own_status,
    requests_own_status_in_another_language,
    says_goodbye,
)

# Button payloads ("/request_human") are already intents; they are never re-labelled.
_PAYLOAD_PREFIX = "/"
# "thanks, that's all I needed" is both a thank-you and a goodbye: a near tie between the two made
# the FallbackClassifier's ambiguity rule send it to the search, which refused it as uncovered.
# Either reply closes the conversation politely, so the pair counts as one: the top of the two with
# both confidences.
CLOSING = frozenset({"thank", "goodbye"})
# "ok cool" is as much a reaction as a yes: the yes leads, so after "shall I connect you with a person?"
# it still says yes. (None: the top of the two is kept.)
MERGED = {CLOSING: None, frozenset({"react", "affirm"}): "affirm"}
NEAR_TIE = 0.1  # twice the FallbackClassifier's ambiguity threshold: a clear "lol" stays a reaction
# "Which status link is mine? it's a hardware role in Seattle" names a role and a place, so NLU may
# take it for a job search as well as for a look-up: either way it asks where to check, the FAQ.
WHERE_TO_CHECK_IS_NOT = frozenset({"check_my_status", "search_jobs"})
# A request for my own status NLU called out of scope, or a look-up too weak to pass the fallback level.
OWN_STATUS_MISSED = frozenset({"out_of_scope", "check_my_status"})
# What NLU makes of a request about one's own application that names a role, a stage or a place; and
# "am i getting an offer or nah 😭", which its n-grams took for no question at all (the checks above
# that find markup or gibberish had let it through), and "bro did aws reject me 💀 sde1 dallas", which
# they took for another language (the English words of the request say otherwise).
HIRING_OR_SEARCH = frozenset(
    {"ask_hiring", "search_jobs", "inform_application", "out_of_scope", "not_a_question", "non_english"}
)
PRACTICE = frozenset({"practice", "practice_principles"})
REACTIONS = frozenset({"react", "complain"})
ANSWERS = frozenset({"affirm", "deny", "react"})
# NLU's own "not a question" below this, for a message with a question mark, gives way to the next intent.
WEAK_NOT_A_QUESTION = 0.6
SMALL_TALK = frozenset(
    {
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "wish_luck",
        "react",
        "joke",
        "complain",
        "bot_challenge",
        "capabilities",
    }
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith(_PAYLOAD_PREFIX):
                continue
            intent = (message.get(INTENT) or {}).get("name")
            if reaction := emoji_reaction(text):
                self._relabel(message, reaction)
            elif is_foreign_greeting(text):
                self._relabel(message, "greet")
            elif is_non_english(text) and requests_own_status_in_another_language(text):
                # "¿me pueden decir si avanzó mi solicitud?": the look-up needs no language.
                self._relabel(message, "check_my_status")
            elif is_non_english(text):
                self._relabel(message, "non_english")
            elif is_not_a_question(text):
                self._relabel(message, "not_a_question")
            elif intent in WHERE_TO_CHECK_IS_NOT and (asks_where_to_check_status(text) or asks_whats_next(text)):
                # "which status link is mine?", "just hit apply now on a solutions architect role in
                # dublin, whats next": questions about the process.
                self._relabel(message, "ask_hiring")
            elif intent == "wish_luck" and asks_for_advice(text):
                # "im nervous about my interview loop next week, any advice?": the nerves are small talk,
                # the request for advice is a hiring question (how to prepare).
                self._relabel(message, "ask_hiring")
            elif intent in SMALL_TALK and asks_for_the_next_step(text):
                # "after that?" read as a goodbye: it asks for the next step of the process.
                self._relabel(message, "ask_hiring")
            elif (intent in OWN_STATUS_MISSED or intent in SMALL_TALK) and requests_own_status(text):
                # "What's the current status of my candidacy for the Dublin data center technician job?":
                # the role and the place outweighed the request in the n-grams; "ok can u just check
                # mine, same email as this chat" was a look-up too weakly to pass the fallback threshold;
                # "heard nothing since tuesday" read as a greeting.
                self._relabel(message, "check_my_status")
            elif intent in HIRING_OR_SEARCH and asks_about_own_application(text):
                # "was my app for the SDE1 new grad role in vancouver rejected??", "lmk if im through to
                # the phone interview stage for the BIE job": the role and the stage read as a hiring
                # question or a job search; the words ask about the candidate's own application.
                self._relabel(message, "check_my_status")
            elif intent == "check_my_status" and asks_what_a_look_up_cannot_answer(text):
                # "why was i rejected", "can you withdraw my application": the candidate's own
                # application, but nothing its status says; refused with the offer of a person.
                self._relabel(message, "out_of_scope")
            elif intent == "check_my_status" and not names_own_application(text):
                # "rsu vesting schedule still 5/15/40/40 or did they change it": nothing of the candidate
                # or an application; not a look-up (the reply would ask them to sign in).
                self._drop_top(message)
            elif intent == "greet" and not greets(text):
                # "how many?" after the assessments' answer read as "how are you" from the n-grams.
                self._drop_top(message)
            elif intent == "goodbye" and not says_goodbye(text):
                # "gpa cutoff for new grad?" read as a goodbye from the n-grams.
                self._drop_top(message)
            elif intent == "check_my_status" and opens_as_a_process_question(text):
                # "if I withdraw my application, will it hurt my chances?": not a look-up.
                self._drop_top(message)
            elif intent == "join_talent_community" and asks_about_rather_than_for(text):
                # "is joining the talent network the same thing as applying to a job?": the FAQ.
                self._relabel(message, "ask_hiring")
            elif intent == "join_talent_community" and not asks_to_join(text):
                # "wait they want me to talk about taking risks?" (after the loop's preparation): no word
                # of joining or of being told about jobs; the sign-up form would ask for an address.
                self._drop_top(message)
            elif intent == "stop_practice" and not asks_to_stop(text):
                # "does it have practice problems?": no word of stopping, whatever the n-grams.
                self._drop_top(message)
            elif intent == "request_human" and not asks_for_a_person(text):
                # "who calls me, a recruiter?": a question about the process, not a request for a
                # person (the hand-off would queue the candidate for support staff).
                self._drop_top(message)
            elif intent == "capabilities" and names_a_subject(text):
                # "what about relocation help": a subject of its own, not "what can you help with".
                self._drop_top(message)
            elif intent == "practice_retry" and not asks_to_retry(text):
                # "won't that count against me?": no word of trying again, whatever the n-grams.
                self._drop_top(message)
            elif (
                intent == "not_a_question"
                and "?" in text
                and self._confidence(message) < WEAK_NOT_A_QUESTION
                and not instructs_the_bot(text)
            ):
                # "I'm a backend dev, anything extra to prepare with?": a question, weakly taken for
                # none (markup, injections and gibberish were caught above, whatever NLU's confidence).
                self._drop_top(message)
            elif intent in PRACTICE and not asks_to_practise(text):
                # "sde interview prep guide?": a hiring question, whatever the n-grams of "interview".
                self._drop_top(message)
            elif intent == "non_english" and not has_foreign_signs(text):
                self._drop_top(message)
            elif intent in SMALL_TALK | {"search_jobs"} and asks_to_explain_again(text):
                # "i don't get it" (a "no" to NLU), "can you say that simpler" (a complaint): the answer again,
                # in the conversation's context (the knowledge service).
                self._relabel(message, "ask_hiring")
            elif intent in ANSWERS and asks_beyond_yes_no(text):
                # "bc of covid?" after the answer that interviews are virtual: a question, not a yes.
                self._drop_top(message)
            elif intent in REACTIONS and asks_more_than_a_reaction(text):
                # "lol what's a bar raiser": the question, not the "lol".
                self._drop_top(message)
            else:
                self._merge_closing(message)
        return messages

    @staticmethod
    def _merge_closing(message: Message) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        if len(ranking) < 2:
            return
        pair = frozenset({ranking[0].get("name"), ranking[1].get("name")})
        if pair not in MERGED or ranking[0]["confidence"] - ranking[1]["confidence"] > NEAR_TIE:
            return
        name = MERGED[pair] or ranking[0]["name"]
        merged = {"name": name, "confidence": ranking[0]["confidence"] + ranking[1]["confidence"]}
        message.set(INTENT, merged, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [merged, *ranking[2:]], add_to_output=True)

    @staticmethod
    def _confidence(message: Message) -> float:
        return float((message.get(INTENT) or {}).get("confidence") or 0.0)

    @staticmethod
    def _drop_top(message: Message) -> None:
        """The classifier's top intent without support in the text is dropped: the next one leads (the
        FallbackClassifier after this component still judges its confidence). "EEO laws info?" read as
        non-English from the character n-grams of a few capitals, though no word of it is foreign."""
        ranking = (message.get(INTENT_RANKING_KEY) or [])[1:]
        if not ranking:
            return
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _relabel(message: Message, intent: str) -> None:
        label = {"name": intent, "confidence": 1.0}
        message.set(INTENT, label, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [label], add_to_output=True)
