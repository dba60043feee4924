"""Custom actions: each reads the message, calls one service-tier endpoint and sends one reply."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import answer_payload, clarify_payload, response_text
from actions.service_client import ServiceUnavailable, get_client

log = logging.getLogger(__name__)


def _section_id(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "section_id":
            return str(entity.get("value"))
    return None


class ActionAnswerQuestion(Action):
    """Answers a hiring question from the knowledge service, with its sources.

    The previous answered question is kept in `last_question`, so a short follow-up
    ("how long does that take?") is searched in its context.
    """

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        section_id = _section_id(tracker)
        previous = tracker.get_slot("last_question")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        try:
            result = await get_client().search(text, previous, section_id, intent)
        except ServiceUnavailable as exc:
            log.warning("knowledge search failed: %s", exc)
            dispatcher.utter_message(response="utter_service_error")
            return []
        decision = result["decision"]
        if decision == "answer":
            dispatcher.utter_message(json_message=answer_payload(result))
            # A chosen "did you mean" option has no question text of its own; its heading is the context.
            asked = result["passages"][0]["heading"] if section_id else result["query"]
            return [SlotSet("last_question", asked)]
        if decision == "clarify":
            dispatcher.utter_message(json_message=clarify_payload(result, response_text(domain, "utter_clarify")))
            return []
        dispatcher.utter_message(response="utter_not_covered")
        return []


class ActionCheckStatus(Action):
    """Routes a request for the candidate's own application status.

    Live look-ups need a verified identity from the careers site; until one is presented the
    candidate is asked to sign in and pointed to the candidate portal.
    """

    def name(self) -> str:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_status_sign_in")
        return []
