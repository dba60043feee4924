"""Custom actions: each reads the message, calls one service-tier endpoint and sends one reply."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions import practice_logic as practice
from actions.replies import (
    answer_payload,
    clarify_payload,
    jobs_payload,
    looks_like_email,
    partly_answered_payload,
    repeated_payload,
    response_text,
)
from actions.service_client import NotVerified, ServiceUnavailable, get_client
from actions.status_logic import match_application, option, status_fields

log = logging.getLogger(__name__)


def _section_id(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "section_id":
            return str(entity.get("value"))
    return None


# The conversation's state, kept in slots (bot/domain.yml) so the dialogue tier owns it: the service
# resolves a follow-up against it ("what comes next?", "the second one", "why not?") and returns the
# state to keep for the next turn.
CONTEXT_SLOTS = {
    "doc": "topic_doc",
    "section": "topic_section",
    "listed": "topic_listed",
    "step": "process_step",
    "refused": "topic_refused",
}


def conversation_context(tracker: Tracker) -> dict[str, Any]:
    """The state the slots hold, in the search request's shape."""
    ctx = {key: tracker.get_slot(slot) for key, slot in CONTEXT_SLOTS.items()}
    ctx["listed"] = [str(x) for x in ctx["listed"] or []]
    ctx["refused"] = bool(ctx["refused"])
    return ctx


def context_events(result: dict[str, Any]) -> list[EventType]:
    """Slot events for the state the service returned (nothing when it returned none)."""
    ctx = result.get("context")
    if not isinstance(ctx, dict):
        return []
    empty = {"listed": [], "refused": False}
    return [SlotSet(slot, ctx.get(key) or empty.get(key)) for key, slot in CONTEXT_SLOTS.items()]


class ActionAnswerQuestion(Action):
    """Answers a hiring question from the knowledge service, with its sources.

    The conversation's state (current topic, what the last answer listed, the process step) is sent
    with every search and kept in slots from the answer, so a follow-up is resolved in context.
    """

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        section_id = _section_id(tracker)
        previous = tracker.get_slot("last_question")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        try:
            result = await get_client().search(
                text, previous, section_id, intent, tracker.sender_id, conversation_context(tracker)
            )
        except ServiceUnavailable as exc:
            log.warning("knowledge search failed: %s", exc)
            dispatcher.utter_message(response="utter_service_error")
            return []
        decision = result["decision"]
        state = context_events(result)
        if decision == "answer":
            if result.get("repeated"):
                note = response_text(domain, "utter_said_again")
                dispatcher.utter_message(json_message=repeated_payload(result, note))
            elif result.get("unanswered"):
                note = response_text(domain, "utter_partly_answered")
                dispatcher.utter_message(json_message=partly_answered_payload(result, note))
            else:
                dispatcher.utter_message(json_message=answer_payload(result))
            # A chosen "did you mean" option has no question text of its own; its heading is the context.
            asked = result["passages"][0]["heading"] if section_id else result["query"]
            return [SlotSet("last_question", asked), *state]
        if decision == "clarify":
            dispatcher.utter_message(json_message=clarify_payload(result, response_text(domain, "utter_clarify")))
            # The question asked back is still the candidate's: "the simulation" typed next asks it of that.
            return [SlotSet("last_question", result["query"]), *state]
        if decision == "status":
            # The knowledge service read it as a look-up of the candidate's own application ("any word
            # on the dublin thing?"), which NLU had taken for a question: the look-up, not an answer.
            return await _look_up_in_one_reply(dispatcher, tracker)
        small_talk = _small_talk_meant(tracker, text) if intent == "nlu_fallback" else None
        if small_talk is not None:
            # "aight bet, thx 🙏🔥", "r u chatgpt": NLU was unsure between pleasantries (thanks or a
            # reaction), the knowledge has nothing: the pleasantry's reply, the topic left as it was.
            dispatcher.utter_message(response=small_talk)
            return []
        # Twice in a row the same apology reads like a loop: the second refusal says so and leads with
        # the person who can help.
        again = tracker.get_slot("topic_refused") is True
        if again:
            name = "utter_not_covered_again"
        elif _maybe_own_status(tracker):
            name = "utter_not_covered_or_status"
        else:
            name = "utter_not_covered"
        dispatcher.utter_message(response=name)
        return state


# The small-talk intents and their replies (bot/data/rules.yml).
SMALL_TALK = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_thank",
    "wish_luck": "utter_good_luck",
    "react": "utter_react",
    "joke": "utter_joke",
    "complain": "utter_sorry_unhelpful",
    "bot_challenge": "utter_bot_challenge",
    "capabilities": "utter_capabilities",
}
# A short message NLU was unsure of whose likeliest intent is small talk at least this sure, which the
# knowledge does not answer, is that small talk (tuned on the dev sets' small talk).
SMALL_TALK_SECOND_THOUGHT = 0.35
SMALL_TALK_WORDS = 7


def _small_talk_meant(tracker: Tracker, text: str) -> str | None:
    """The reply of the small talk a short message most likely is, when NLU fell back only for want of
    certainty ("aight bet, thx": thanks 0.47 against a reaction 0.43); None otherwise, and for a yes or
    a no (not small talk: what they answer depends on the question before)."""
    if len(text.split()) > SMALL_TALK_WORDS:
        return None
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    if not ranking:
        return None
    top = max(ranking, key=lambda r: r.get("confidence") or 0.0)
    if (top.get("confidence") or 0.0) < SMALL_TALK_SECOND_THOUGHT:
        return None
    name = str(top.get("name"))
    if _ASKS.search(text) and not (name == "bot_challenge" and _TO_THE_BOT.search(text)):
        # "are they a manager?", "can i unsubscribe later": a question, whatever NLU half-heard in it; only
        # one put to the assistant itself ("r u chatgpt") is small talk.
        return None
    return SMALL_TALK.get(name)


_ASKS = re.compile(
    r"\?|^\W*(?:what|whats|how|when|where|who|why|which|is|are|do|does|did|can|could|will|would|should|r)\b", re.I
)
_TO_THE_BOT = re.compile(r"\b(?:you|u|ur|your|bot|chatgpt|gpt|ai|robot|human|real\s+person)\b", re.I)


# NLU's second thought: a message it nearly took for a look-up of the candidate's own application
# ("any word on the Dublin thing?") and the knowledge does not answer was, as often as not, exactly
# that. The refusal then offers the look-up as a button instead of leaving the candidate to rephrase.
MAYBE_STATUS = 0.2


def _maybe_own_status(tracker: Tracker) -> bool:
    ranking = tracker.latest_message.get("intent_ranking") or []
    return any(r.get("name") == "check_my_status" and (r.get("confidence") or 0) >= MAYBE_STATUS for r in ranking)


def _auth(tracker: Tracker) -> dict[str, str]:
    """What the gateway verified about the sender of the latest message (never typed text)."""
    metadata = tracker.latest_message.get("metadata") or {}
    auth = metadata.get("auth") if isinstance(metadata, dict) else None
    return auth if isinstance(auth, dict) else {"status": "none"}


def _signed_in_as(tracker: Tracker) -> str | None:
    """The candidate the gateway verified for the latest message, if any."""
    auth = _auth(tracker)
    candidate = auth.get("candidate_id") if auth.get("status") == "valid" else None
    return str(candidate) if candidate else None


def _same_candidate(tracker: Tracker) -> bool:
    """Whether the latest message comes from the candidate who started the status look-up: a
    conversation id alone (a shared computer, a copied link) never continues someone's look-up."""
    owner = tracker.get_slot("status_owner")
    return bool(owner) and _signed_in_as(tracker) == owner


def _verify_reply(dispatcher: CollectingDispatcher, status: str) -> None:
    dispatcher.utter_message(response="utter_status_session_expired" if status == "expired" else "utter_status_sign_in")


_FORGET_THE_LOOK_UP: list[EventType] = [
    SlotSet("application_choice", None),
    SlotSet("status_options", None),
    SlotSet("status_choice_needed", None),
    SlotSet("status_owner", None),
]


async def _fetch(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """The candidate's applications, or None after telling them why not (sign in, or unavailable)."""
    auth = _auth(tracker)
    grant = auth.get("grant")
    if auth.get("status") != "valid" or not grant:
        _verify_reply(dispatcher, str(auth.get("status")))
        return None
    try:
        return await get_client().applications(grant, tracker.sender_id)
    except NotVerified:
        _verify_reply(dispatcher, "invalid")
    except ServiceUnavailable as exc:
        log.warning("status look-up failed: %s", exc)
        dispatcher.utter_message(response="utter_status_unavailable")
    return None


async def _look_up_in_one_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """What `action_check_status` does, in this turn: the sign-in prompt, or the candidate's one
    application (or none). With several, a button starts the look-up, which asks which one (that choice
    is a form, started by the look-up's own rule)."""
    apps = await _fetch(dispatcher, tracker)
    if apps is not None and len(apps) > 1:
        dispatcher.utter_message(response="utter_status_several")
    elif apps is not None:
        _tell_status(dispatcher, apps)
    return []


def _tell_status(dispatcher: CollectingDispatcher, apps: list[dict[str, Any]]) -> None:
    """The status of the candidate's one application, or that there is none."""
    if apps:
        dispatcher.utter_message(response="utter_status_one", **status_fields(apps[0]))
    else:
        dispatcher.utter_message(response="utter_status_none")


async def _asked_not_looked_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """A question NLU took for a look-up of the candidate's own application ("Im civil servant in my
    country, is problem if I interview with Amazon?"): the knowledge service answers it when it reads it
    as a question it answers (its decision is "status" otherwise), replied with its slot events. None,
    with nothing said, for a look-up, a button's payload, or when the service cannot be reached; the
    service's refusal of what is no look-up either ("i forgot my password tho") is said."""
    text = tracker.latest_message.get("text") or ""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent != "check_my_status" or text.startswith("/"):
        return None
    # The service refuses only what is no look-up either ("i forgot my password"): that refusal is said.
    return await _answer_instead(dispatcher, tracker, text, intent, refuse=True)


class ActionCheckStatus(Action):
    """Looks up the signed-in candidate's own applications.

    No application: says so. One: its stage, last update and next step. Several: keeps a short list
    (`status_options`) and whose it is (`status_owner`), and sets `status_choice_needed`; the rules
    start `status_form` to ask which.
    """

    def name(self) -> str:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        asked = await _asked_not_looked_up(dispatcher, tracker)
        if asked is not None:
            return [SlotSet("status_choice_needed", False), *asked]
        apps = await _fetch(dispatcher, tracker)
        if apps is not None and len(apps) > 1:
            return [
                SlotSet("status_options", [option(a) for a in apps]),
                SlotSet("status_owner", _signed_in_as(tracker)),
                SlotSet("status_choice_needed", True),
            ]
        if apps is not None:
            _tell_status(dispatcher, apps)
        return [SlotSet("status_choice_needed", False)]


class ActionAskApplicationChoice(Action):
    """Asks which application the candidate means, with one button per application; only in reply to
    a message from the candidate who started the look-up (otherwise the form ends, listing nothing,
    and `action_show_status` asks to sign in)."""

    def name(self) -> str:
        return "action_ask_application_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not _same_candidate(tracker):
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        options = tracker.get_slot("status_options") or []
        lines = [response_text(domain, "utter_ask_application_choice")]
        lines += [f"{n}. {o['label']}" for n, o in enumerate(options, start=1)]
        buttons = [
            {
                "title": o["label"],
                "payload": "/inform_application" + json.dumps({"application_choice": o["id"]}, separators=(",", ":")),
            }
            for o in options
        ]
        dispatcher.utter_message(
            json_message={"kind": "status", "text": "\n".join(lines), "buttons": buttons, "sources": []}
        )
        return []


class ValidateStatusForm(FormValidationAction):
    """Accepts an application choice only when it names one of the candidate's own applications, and
    only from the candidate who started the look-up: a message without that identity (signed out, or
    no token at all) ends the form, and `action_show_status` asks to sign in."""

    def name(self) -> str:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not _same_candidate(tracker):
            return [SlotSet(REQUESTED_SLOT, None)]
        return await super().run(dispatcher, tracker, domain)

    async def validate_application_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not value:
            return {"application_choice": None}
        chosen = match_application(str(value), tracker.get_slot("status_options") or [])
        if chosen is None:
            dispatcher.utter_message(response="utter_status_no_match")
        return {"application_choice": chosen}


class ActionShowStatus(Action):
    """Shows the live status of the application the candidate picked, looked up again for this turn;
    when the latest message is not from the candidate who started the look-up, asks to sign in."""

    def name(self) -> str:
        return "action_show_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        reset = list(_FORGET_THE_LOOK_UP)
        if not _same_candidate(tracker):
            _verify_reply(dispatcher, str(_auth(tracker).get("status")))
            return reset
        chosen = tracker.get_slot("application_choice")
        apps = await _fetch(dispatcher, tracker)
        if apps is None:
            return reset
        app = next((a for a in apps if a["id"] == chosen), None)
        if app is None:
            dispatcher.utter_message(response="utter_status_no_match")
        else:
            dispatcher.utter_message(response="utter_status_one", **status_fields(app))
        return reset


class ActionRequestHuman(Action):
    """Queues the conversation for support staff and tells the candidate their place in the queue
    (or, outside staff hours, to leave a message and an email). From then on the gateway keeps the
    bot silent until a staff member hands the conversation back."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        auth = _auth(tracker)
        candidate_id = auth.get("candidate_id") if auth.get("status") == "valid" else None
        try:
            result = await get_client().handoff(tracker.sender_id, candidate_id)
        except ServiceUnavailable as exc:
            log.warning("hand-off request failed: %s", exc)
            dispatcher.utter_message(response="utter_service_error")
            return []
        if not result.get("on_duty", True):
            dispatcher.utter_message(response="utter_handoff_offline")
        else:
            dispatcher.utter_message(response="utter_handoff_queued", position=result.get("position") or 1)
        return []


# Interview practice (docs/practice.md). `practice_form` waits for the answer, so whatever the
# candidate types next is the answer (not a hiring question for NLU); after the feedback it waits
# again, for another attempt. The answer lives in the slot only until the feedback is sent.
PRACTICE_SLOTS = ("practice_question_id", "practice_answer", "practice_previous")


def _practice_principle(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "practice_principle":
            return str(entity.get("value"))
    return None


async def _practice_questions(dispatcher: CollectingDispatcher) -> list[dict[str, Any]] | None:
    """The practice questions by principle, or None after telling the candidate the service is down."""
    try:
        return await get_client().practice_questions()
    except ServiceUnavailable as exc:
        log.warning("practice questions unavailable: %s", exc)
        dispatcher.utter_message(response="utter_service_error")
        return None


class ActionPracticeQuestion(Action):
    """Asks a practice question (of the principle a button named, if any; the same one again for
    "try again") with its principle and what a good answer holds; the first one in a conversation
    also says where the answers are kept."""

    def name(self) -> str:
        return "action_practice_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        principles = await _practice_questions(dispatcher)
        if principles is None:
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        current = tracker.get_slot("practice_question_id")
        retry = tracker.latest_message.get("intent", {}).get("name") == "practice_retry"
        by_id = {q["id"]: q for p in principles for q in p["questions"]}
        question = by_id.get(current) if retry and current else None
        if question is None:
            retry = False
            question = practice.pick_question(principles, _practice_principle(tracker), exclude=current)
        if question is None:
            dispatcher.utter_message(response="utter_service_error")
            return []
        # No question asked yet in this conversation (the slot, not the events: the action server is
        # not sent the whole history): say where the answers are kept, once.
        first = current is None
        dispatcher.utter_message(
            json_message=practice.question_payload(
                question, practice.description_of(principles, question["principle"]), first, retry
            )
        )
        events: list[EventType] = [
            SlotSet("practice_question_id", question["id"]),
            SlotSet("practice_answer", None),
            SlotSet("practised", True),
        ]
        if not retry:
            events.append(SlotSet("practice_previous", None))
        return events


class ActionPracticePrinciples(Action):
    """Lists the Leadership Principles as buttons, to pick one to practise."""

    def name(self) -> str:
        return "action_practice_principles"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        principles = await _practice_questions(dispatcher)
        if principles is None:
            return []
        dispatcher.utter_message(json_message=practice.principles_payload(principles))
        return []


class ActionAskPracticeAnswer(Action):
    """The form's question for `practice_answer`: the practice question already asked it, so nothing."""

    def name(self) -> str:
        return "action_ask_practice_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return []


class ActionPracticeFeedback(Action):
    """Reviews the answer the form collected (POST /api/practice/review) and sends the feedback,
    compared with the previous attempt at the same question; then forgets the answer's text."""

    def name(self) -> str:
        return "action_practice_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        answer = str(tracker.get_slot("practice_answer") or "")
        question_id = tracker.get_slot("practice_question_id")
        forget: list[EventType] = [SlotSet("practice_answer", None)]
        if not answer.strip():
            return forget
        try:
            review = await get_client().practice_review(answer, question_id)
        except ServiceUnavailable as exc:
            log.warning("practice review failed: %s", exc)
            dispatcher.utter_message(response="utter_service_error")
            return forget
        previous = tracker.get_slot("practice_previous")
        dispatcher.utter_message(
            json_message=practice.feedback_payload(
                review, answer, previous if isinstance(previous, dict) else None, question_id
            )
        )
        return [*forget, SlotSet("practice_previous", practice.summary(review, question_id))]


class ActionSearchJobs(Action):
    """Searches the careers site's jobs for what the message asks ("any data engineer jobs in
    Seattle?"), refines the last search for a follow-up ("what about in Dublin?"), or shows the next
    jobs of the last search (more_jobs). Up to five job cards; when nothing matches, says so."""

    PAGE = 5

    def name(self) -> str:
        return "action_search_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        previous = tracker.get_slot("job_search")
        previous = previous if isinstance(previous, dict) else None
        shown = int(tracker.get_slot("job_shown") or 0)
        more = intent == "more_jobs" and previous is not None
        if not more and _names_own_case(tracker, text):
            # "im applying for a hardware engineering role in seattle" just after where to check the
            # status (one candidate portal link for Technical Engineering Hardware roles, another for
            # tech roles in North America): the candidate says which case is theirs, and the topic
            # answers it. Only an answer from that same topic; else it is the search it looks like.
            answered = await _answer_instead(dispatcher, tracker, text, intent, same_topic=True)
            if answered is not None:
                return answered
        if not more and _names_a_stage_not_listings(text):
            # "what about system design rounds" after the interview questions: a round of interviews, not
            # a role ("system design" found jobs): the knowledge's answer, or its refusal with a person.
            answered = await _answer_instead(dispatcher, tracker, text, intent, refuse=True)
            if answered is not None:
                return answered
        try:
            result = await get_client().search_jobs(
                text, previous, more=more, offset=shown if more else 0, limit=self.PAGE
            )
        except ServiceUnavailable as exc:
            log.warning("job search failed: %s", exc)
            dispatcher.utter_message(response="utter_service_error")
            return []
        found = len(result.get("jobs") or [])
        before = shown if more else 0
        criteria = result.get("criteria") or {}
        # "when do summer internship apps open?": when listings open, not which are open now.
        asks_when = not more and bool(_ASKS_WHEN_OPEN.search(text))
        maybe_question = not found or _nearly_a_hiring_question(tracker) or asks_when
        # "are aws jobs remote or is it full RTO now?" names remote work but asks something else; so does
        # "in-person interview at aws... in person really? or remote bc of covid", whose "role" of many
        # words matched no job.
        many_words = len(str(criteria.get("q") or "").split()) >= NOT_A_ROLE_WORDS
        named_but_asks_else = _names_where(criteria) and not found and (bool(_ASKS_ELSE.search(text)) or many_words)
        # "and do internships pay?": a yes-or-no question of the listings, for which none were found.
        asks_of_listings = (
            not found
            and bool(_ASKS_OF_LISTINGS.match(text))
            and not _SEARCHES.search(_LISTINGS.sub(" ", text))
            and not _names_where(criteria)
        )
        if (
            maybe_question
            and not more
            and (not _names_where(criteria) or named_but_asks_else or asks_when)
            and (not _asks_for_listings(text) or asks_of_listings)
        ):
            # "any insider tips from recruiters?", "I'm interested in both a PM job and a data engineer
            # job, is that allowed?": NLU heard a job search, but no job has
            # those words and no place narrowed it (or NLU nearly took it for a hiring question, and
            # "recruiters" found recruiter jobs); when the knowledge answers the message, that is what
            # was asked ("no open framework recommend mistakes jobs" never is). Nothing found for a
            # "role" of many words ("is aws in a hiring freeze rn? heard rumors on blind") is no search
            # at all: the knowledge's refusal, with the offer of a person, not "no open aws freeze
            # heard rumors blind jobs".
            # (A place named and nothing else asked: only the knowledge's answer, for a long title in a
            # place may just be missing.)
            refuse = (
                (not found and many_words and (not _names_where(criteria) or bool(_ASKS_ELSE.search(text))))
                # The page states no opening dates: its refusal, never today's listings as the answer.
                or asks_when
                # "does it cost anything to join?" asks a yes-or-no question of "it", for no listings (no
                # "jobs", "any", "open"), and found none: a question the knowledge does not answer, not
                # "no open it cost join jobs". ("pastry chef, is that a thing here?" names a role.)
                or (
                    not found
                    and bool(_ASKS_OF_IT.match(text))
                    and not _SEARCHES.search(text)
                    and not _names_where(criteria)
                )
                or asks_of_listings
            )
            answered = await _answer_instead(dispatcher, tracker, text, intent, refuse=refuse)
            if answered is not None:
                return [SlotSet("job_search", criteria), SlotSet("job_shown", 0.0), *answered]
        also: list[EventType] = []
        if not more and _asks_how_to_search(text):
            # "can i filter openings by city? only want stuff near dublin", "im in college, are there
            # internships?": a question about searching (or about students) with a search in it. The
            # knowledge's answer (how the careers site is searched, the students' page), then the jobs
            # (or that none are open there).
            also = await _answer_instead(dispatcher, tracker, text, intent) or []
        if found:
            name = "utter_jobs_more_found" if more else "utter_jobs_found"
        else:
            name = "utter_jobs_no_more" if more else "utter_jobs_none"
        dispatcher.utter_message(json_message=jobs_payload(result, response_text(domain, name), before))
        return [*also, SlotSet("job_search", result.get("criteria")), SlotSet("job_shown", float(before + found))]


class ActionRefineJobs(Action):
    """Says how to change the last job search; with no search yet, "can I filter the job search by
    city?" is a question about searching, answered from the knowledge when it can be."""

    def name(self) -> str:
        return "action_refine_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not isinstance(tracker.get_slot("job_search"), dict):
            text = tracker.latest_message.get("text") or ""
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if not text.startswith("/"):  # the button of a job list is a refinement, never a question
                answered = await _answer_instead(dispatcher, tracker, text, intent)
                if answered is not None:
                    return answered
        dispatcher.utter_message(response="utter_refine_jobs")
        return []


# "any pastry chef jobs?" asks for listings, and "none open" is its answer; "I'm interested in both a PM
# job and a data engineer job, is that allowed?" names jobs but asks something else.
_LISTINGS = re.compile(r"\b(?:jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|internships?|postings?)\b", re.I)
_ASKS_ELSE = re.compile(
    r"\b(?:allowed|ok(?:ay)?\s+to|is\s+(?:it|that|this|there\s+a\s+(?:limit|rule))|can\s+i|should\s+i|how|why|what|when|who)\b",
    re.I,
)


# How to search ("can i filter jobs by city", "is there a way to only see jobs in dublin", "where do i even
# find open jobs"), or what there is for students and graduates ("anything for new grads?"): the hiring
# page answers both, beside the jobs the message also asks for.
_HOW_TO_SEARCH = re.compile(
    r"\b(?:can|could)\s+(?:i|u|you|we)\s+(?:filter|search|sort|browse|narrow|look\s+up)\b"
    r"|\b(?:how|hw)\s+(?:do|can|should|would)?\s*(?:i|u|you|to)\s+(?:\w+\s+)?(?:find|search|filter|browse|look\s+for|see)\b"
    r"|\b(?:is\s+there|any)\s+(?:a\s+)?way\s+to\b"
    r"|\bwhere\s+(?:do|can|should)\s+i\s+(?:even\s+)?(?:find|look|search|see)\b"
    r"|\b(?:students?|new\s+grads?|graduates?|college|university|uni|internships?)\b.*(?:\?|\bwhere\W*$)"
    r"|\?.*\b(?:students?|new\s+grads?|graduates?)\b"
    # "im still in uni, are there jobs for students", "im a uni student, does aws have internships": a
    # question about what there is for students, typed without a question mark.
    r"|\b(?:students?|new\s+grads?|graduates?|college|university|uni)\b.*"
    r"\b(?:(?:are|r)\s+there|does\s+(?:aws|amazon)\s+(?:have|offer|hire)|do\s+(?:you|u)\s+(?:guys\s+)?(?:have|offer|hire))\b"
    # "btw are there internships for students" ("r there"): the same question, the students named last.
    r"|\b(?:(?:are|r)\s+there|does\s+(?:aws|amazon)\s+(?:have|offer)|do\s+(?:you|u)\s+(?:guys\s+)?(?:have|offer))\b.*"
    r"\b(?:students?|new\s+grads?|graduates?)\b",
    re.IGNORECASE,
)


def _asks_how_to_search(text: str) -> bool:
    return bool(_HOW_TO_SEARCH.search(text))


# Stages of the interviews ("rounds", "the onsite", "the loop"): a message naming one and no jobs asks about
# hiring, whatever jobs its other words find.
_INTERVIEW_STAGE = re.compile(r"\b(?:rounds?|onsites?|on-sites?|interviews?|loops?|phone\s+screens?)\b", re.I)


def _names_a_stage_not_listings(text: str) -> bool:
    """A message that names a stage of the interviews and no jobs: asks about hiring, not for listings."""
    return bool(_INTERVIEW_STAGE.search(text)) and not _LISTINGS.search(text) and not _SEARCHES.search(text)


def _asks_for_listings(text: str) -> bool:
    """True when a message names jobs and asks nothing else about them: a search, whatever it found."""
    return bool(_LISTINGS.search(text)) and not _ASKS_ELSE.search(text)


# "when do internships open?", "when does hiring for new grads start": a question about when listings
# open (which the page does not state), not a request for today's listings.
_ASKS_WHEN_OPEN = re.compile(
    r"\bwhen\s+(?:do|does|will|are|is|would)\b[\w\s'-]{0,40}?\b(?:open|opens|opening|start|starts|begin|begins|"
    r"close|closes|come\s+out|released?|posted)\b",
    re.I,
)

_ASKS_OF_IT = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|also)\W+)*(?:does|do|is|are|can|will|would|should|did)\s+(?:it|that|this|they|i|we)\b",
    re.I,
)
# "and do internships pay?", "are the jobs paid weekly": a yes-or-no question of the listings themselves
# (what they are like), not a request for some ("are there internships?", "do you have jobs in dublin").
_ASKS_OF_LISTINGS = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|also)\W+)*(?:does|do|is|are|will|would|did)\s+(?:the\s+|aws\s+|amazon\s+|your\s+)?"
    r"(?:internships?|interns|jobs?|roles?|positions?)\s+(?!in\b|at\b|for\b|near\b|around\b|available\b|open\b)[a-z]",
    re.I,
)

# A job search whose role has this many words and matches no job is not a job search ("aws freeze heard
# rumors blind"); titles of that length ("senior data center operations technician") are found.
NOT_A_ROLE_WORDS = 4
# NLU's hiring question this close behind its job search: either could be meant.
NEAR_HIRING_QUESTION = 0.15


def _nearly_a_hiring_question(tracker: Tracker) -> bool:
    ranking = tracker.latest_message.get("intent_ranking") or []
    top = (ranking[0].get("confidence") or 0.0) if ranking else 0.0
    return any(
        r.get("name") == "ask_hiring" and (r.get("confidence") or 0.0) >= top - NEAR_HIRING_QUESTION
        for r in ranking[1:]
    )


# Words that ask for listings, beside a role: "show me", "any", "are there", "open", a plural ("jobs").
_SEARCHES = re.compile(
    r"\b(?:show|find|search|list|browse|look(?:ing)?\s+for|any|open(?:ings?)?|available|hiring|are\s+there|"
    r"is\s+there|jobs|roles|positions|vacanc(?:y|ies)|internships|postings)\b",
    re.I,
)


def _names_own_case(tracker: Tracker, text: str) -> bool:
    """True when a message that NLU took for a job search names a role without asking for listings, in
    a conversation with a topic and no job search yet ("its a technical engineering hardware role in
    canada" after where to check the status): it may say which of the topic's cases is the candidate's.
    (The actions see only the current turn's events: after a job search, a role is a refinement.)"""
    return bool(tracker.get_slot("topic_doc")) and not tracker.get_slot("job_search") and not _SEARCHES.search(text)


def _names_where(criteria: dict[str, Any]) -> bool:
    """True when a job search named a place, a team or remote work: a search, whatever it found."""
    return bool(criteria.get("location") or criteria.get("team") or criteria.get("remote") is not None)


async def _answer_instead(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    intent: str | None,
    refuse: bool = False,
    same_topic: bool = False,
) -> list[EventType] | None:
    """The knowledge's answer to a message, replied with its slot events; None (nothing said) when the
    knowledge would not answer it or cannot be reached. With `refuse`, its refusal is replied too; with
    `same_topic`, only an answer from the conversation's open topic counts."""
    try:
        result = await get_client().search(
            text, tracker.get_slot("last_question"), None, intent, tracker.sender_id, conversation_context(tracker)
        )
    except ServiceUnavailable as exc:
        log.warning("knowledge search failed: %s", exc)
        return None
    if refuse and result.get("decision") == "fallback":
        again = tracker.get_slot("topic_refused") is True
        dispatcher.utter_message(response="utter_not_covered_again" if again else "utter_not_covered")
        return context_events(result)
    if result.get("decision") != "answer":
        return None
    if same_topic and (result.get("context") or {}).get("doc") != tracker.get_slot("topic_doc"):
        return None
    dispatcher.utter_message(json_message=answer_payload(result))
    return [SlotSet("last_question", result["query"]), *context_events(result)]


TALENT_SLOTS = ("talent_email", "talent_location", "talent_consent")


class ValidateTalentForm(FormValidationAction):
    """Accepts an email address only when it looks like one (the service checks it again)."""

    def name(self) -> str:
        return "validate_talent_form"

    async def validate_talent_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value and looks_like_email(str(value)):
            return {"talent_email": str(value).strip()}
        dispatcher.utter_message(response="utter_talent_bad_email")
        return {"talent_email": None}


# "how do i join the talent community thing", "i heard theres some kinda list u can join for job alerts?":
# a sign-up that starts with a question about the community, not a plain "sign me up".
_ASKS_ABOUT_IT = re.compile(
    r"\?|^\W*(?:(?:ok|so|and|hey|hi|btw)\W+)*(?:how|what|whats|what's|where|is|are|can|could|do|does|any|i\s+heard)\b",
    re.IGNORECASE,
)


class ActionAskTalentEmail(Action):
    """Asks for the address (the form's question for `talent_email`). When the sign-up started with a
    question about the community, the knowledge's answer to it (what the AWS Talent Network does, with
    its source) comes first: the candidate asked something, and the sign-up alone does not answer it."""

    def name(self) -> str:
        return "action_ask_talent_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: list[EventType] = []
        if intent == "join_talent_community" and not text.startswith("/") and _ASKS_ABOUT_IT.search(text):
            events = await _answer_instead(dispatcher, tracker, text, intent) or []
        dispatcher.utter_message(response="utter_ask_talent_email")
        return events


class ActionAskTalentLocation(Action):
    """Asks where the jobs should be, offering the place of the last job search and "Anywhere"."""

    def name(self) -> str:
        return "action_ask_talent_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        search = tracker.get_slot("job_search")
        place = str(search.get("location") or "") if isinstance(search, dict) else ""
        buttons = [{"title": place.title(), "payload": place.title()}] if place else []
        buttons.append({"title": "Anywhere", "payload": "anywhere"})
        text = response_text(domain, "utter_ask_talent_location")
        dispatcher.utter_message(json_message={"kind": "chitchat", "text": text, "buttons": buttons, "sources": []})
        return []


class ActionJoinTalentCommunity(Action):
    """Sends the completed sign-up (address, the last search's interests, place, and the purpose the
    candidate agreed to, word for word) to the service, which emails a confirmation link; then empties
    the form's slots so the address is not kept in the dialogue's state."""

    def name(self) -> str:
        return "action_join_talent_community"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        reset: list[EventType] = [SlotSet(slot, None) for slot in TALENT_SLOTS]
        if tracker.get_slot("talent_consent") is not True:
            dispatcher.utter_message(response="utter_talent_declined")
            return reset
        search = tracker.get_slot("job_search")
        try:
            status = await get_client().join_talent_community(
                str(tracker.get_slot("talent_email") or ""),
                search if isinstance(search, dict) else None,
                str(tracker.get_slot("talent_location") or ""),
                response_text(domain, "utter_ask_talent_consent"),
            )
        except ServiceUnavailable as exc:
            log.warning("talent community sign-up failed: %s", exc)
            dispatcher.utter_message(response="utter_talent_failed")
            return reset
        dispatcher.utter_message(response="utter_talent_pending" if status == 202 else "utter_talent_bad_email")
        return reset
