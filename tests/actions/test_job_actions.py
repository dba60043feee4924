"""The job search action against a stand-in for the service tier (the real chain is in tests/e2e)."""

from __future__ import annotations

import asyncio

from actions.actions import ActionSearchJobs
from actions.replies import job_card, search_words
from tests.actions.conftest import make_tracker as tracker

DOMAIN = {
    "responses": {
        "utter_jobs_found": [{"custom": {"kind": "jobs", "text": "I found {total} {what}:"}}],
        "utter_jobs_more_found": [{"custom": {"kind": "jobs", "text": "Here are {shown} more of the {total} {what}:"}}],
        "utter_jobs_none": [{"custom": {"kind": "jobs", "text": "I couldn't find any open {what} right now."}}],
        "utter_jobs_no_more": [{"custom": {"kind": "jobs", "text": "That's all of the {total} {what}."}}],
    }
}
JOB = {
    "id": "demo:DEMO-00001",
    "title": "Data Engineer",
    "locations": ["Seattle, WA, United States"],
    "team": "Data",
    "employment_type": "FULL_TIME",
    "workplace": "hybrid",
    "url": "https://careers.example.com/jobs/demo-00001",
    "apply_url": "https://careers.example.com/jobs/demo-00001/apply",
    "posted_at": None,
    "snippet": "",
}
SEATTLE = {"q": "data engineer", "location": "seattle", "team": "", "employment_type": "", "remote": None}


def route(stand_in, body, status=200):
    stand_in.routes["/api/internal/jobs/search"] = (status, body, 0.0)


def test_a_search_replies_with_job_cards_and_keeps_the_criteria(stand_in):
    route(stand_in, {"total": 7, "jobs": [JOB] * 5, "criteria": SEATTLE, "refined": False, "offset": 0})
    messages, events = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("any data engineer jobs in Seattle?", intent="search_jobs"), DOMAIN)
    )
    payload = messages[0]["custom"]
    assert payload["kind"] == "jobs"
    assert payload["text"] == "I found 7 data engineer jobs in Seattle:"
    assert payload["jobs"][0] == {
        "id": "demo:DEMO-00001",
        "title": "Data Engineer",
        "place": "Seattle, WA, United States · Hybrid",
        "team": "Data",
        "type": "Full-time",
        "url": "https://careers.example.com/jobs/demo-00001",
        "apply_url": "https://careers.example.com/jobs/demo-00001/apply",
    }
    assert [b["payload"] for b in payload["buttons"]] == [
        "/more_jobs",
        "/refine_jobs",
        "/join_talent_community",
    ]
    assert [(e["name"], e["value"]) for e in events] == [("job_search", SEATTLE), ("job_shown", 5.0)]
    assert stand_in.requests[0]["body"] == {
        "text": "any data engineer jobs in Seattle?",
        "previous": None,
        "more": False,
        "offset": 0,
        "limit": 5,
    }


def test_a_follow_up_sends_the_last_search(stand_in):
    route(
        stand_in,
        {"total": 1, "jobs": [JOB], "criteria": {**SEATTLE, "location": "dublin"}, "refined": True, "offset": 0},
    )
    trk = tracker("what about in Dublin?", intent="search_jobs", slots={"job_search": SEATTLE, "job_shown": 5.0})
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert stand_in.requests[0]["body"]["previous"] == SEATTLE
    assert stand_in.requests[0]["body"]["more"] is False
    assert messages[0]["custom"]["text"] == "I found 1 data engineer job in Dublin:"
    assert "/more_jobs" not in [b["payload"] for b in messages[0]["custom"]["buttons"]]


def test_more_pages_the_last_search(stand_in):
    route(stand_in, {"total": 7, "jobs": [JOB, JOB], "criteria": SEATTLE, "refined": False, "offset": 5})
    trk = tracker("/more_jobs", intent="more_jobs", slots={"job_search": SEATTLE, "job_shown": 5.0})
    messages, events = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert stand_in.requests[0]["body"]["more"] is True and stand_in.requests[0]["body"]["offset"] == 5
    assert messages[0]["custom"]["text"] == "Here are 2 more of the 7 data engineer jobs in Seattle:"
    assert events[-1]["value"] == 7.0


def test_nothing_found_says_so_and_offers_alerts(stand_in):
    criteria = {**SEATTLE, "q": "pastry chef", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("pastry chef jobs", intent="search_jobs"), DOMAIN)
    )
    payload = messages[0]["custom"]
    assert payload["text"] == "I couldn't find any open pastry chef jobs right now."
    assert payload["jobs"] == [] and [b["title"] for b in payload["buttons"]] == ["Get job alerts"]


def test_service_down_gives_the_error_reply(stand_in):
    route(stand_in, {"detail": "x"}, status=503)
    messages, events = asyncio.run(stand_in.run(ActionSearchJobs(), tracker("jobs", intent="search_jobs"), DOMAIN))
    assert messages[0]["response"] == "utter_service_error" and events == []


def test_search_words_and_cards():
    assert search_words({"employment_type": "INTERN"}) == "internships"
    assert search_words({"q": "security", "remote": True}) == "remote security jobs"
    assert (
        search_words({"q": "", "employment_type": "PART_TIME", "location": "new york"}) == "part-time jobs in New York"
    )
    card = job_card({**JOB, "locations": ["Dublin, Ireland", "Remote"], "workplace": "remote"})
    assert card["place"] == "Dublin, Ireland (+1 more) · Remote"


TALENT_DOMAIN = {
    "responses": {
        "utter_ask_talent_consent": [
            {"custom": {"kind": "chitchat", "text": "May we keep your address to email jobs?"}}
        ],
        "utter_ask_talent_location": [{"custom": {"kind": "chitchat", "text": "Where should the jobs be?"}}],
    }
}
FILLED = {"talent_email": "ana@example.org", "talent_location": "Dublin", "talent_consent": True, "job_search": SEATTLE}


def test_joining_sends_the_sign_up_with_the_consent_text_and_forgets_the_address(stand_in):
    from actions.actions import ActionJoinTalentCommunity

    stand_in.routes["/api/internal/talent/join"] = (202, {"status": "pending"}, 0.0)
    messages, events = asyncio.run(
        stand_in.run(ActionJoinTalentCommunity(), tracker("/affirm", intent="affirm", slots=FILLED), TALENT_DOMAIN)
    )
    assert stand_in.requests[0]["body"] == {
        "email": "ana@example.org",
        "interests": SEATTLE,
        "location": "Dublin",
        "consent": True,
        "consent_text": "May we keep your address to email jobs?",
    }
    assert messages[0]["response"] == "utter_talent_pending"
    assert {e["name"]: e["value"] for e in events} == {
        "talent_email": None,
        "talent_location": None,
        "talent_consent": None,
    }


def test_without_consent_nothing_is_sent(stand_in):
    from actions.actions import ActionJoinTalentCommunity

    slots = {**FILLED, "talent_consent": None}
    messages, _ = asyncio.run(
        stand_in.run(ActionJoinTalentCommunity(), tracker("no", intent="deny", slots=slots), TALENT_DOMAIN)
    )
    assert stand_in.requests == [] and messages[0]["response"] == "utter_talent_declined"


def test_the_location_question_offers_the_last_search_s_place(stand_in):
    from actions.actions import ActionAskTalentLocation

    messages, _ = asyncio.run(
        stand_in.run(ActionAskTalentLocation(), tracker("x", slots={"job_search": SEATTLE}), TALENT_DOMAIN)
    )
    assert [b["payload"] for b in messages[0]["custom"]["buttons"]] == ["Seattle", "anywhere"]


def test_email_check():
    from actions.replies import looks_like_email

    assert looks_like_email(" ana@example.org ")
    assert not looks_like_email("ana at example dot org")
    assert not looks_like_email("ana@localhost")
    assert not looks_like_email("a@b@example.org")


ANSWER = {
    "decision": "answer",
    "query": "just graduated, anything for new grads?",
    "passages": [
        {
            "section_id": "students#students",
            "heading": "Students",
            "title": "Students and graduates",
            "text": "Students and recent graduates can find opportunities on the AWS Students and Graduates page.",
            "path": "knowledge/students.md",
            "url": "https://example.com/students",
            "score": 0.7,
        }
    ],
    "context": None,
}


def test_nothing_found_for_a_message_the_knowledge_answers_gives_that_answer(stand_in):
    # "just graduated, anything for new grads?": no job has those words, and the knowledge says where
    # graduates look.
    criteria = {**SEATTLE, "q": "graduated anything grads", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    messages, events = asyncio.run(
        stand_in.run(
            ActionSearchJobs(), tracker("just graduated, anything for new grads?", intent="search_jobs"), DOMAIN
        )
    )
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    assert "Students and Graduates" in messages[0]["custom"]["text"]
    assert stand_in.requests[1]["body"]["nlu_intent"] == "search_jobs"
    assert ("job_search", criteria) in [(e["name"], e["value"]) for e in events]
    assert ("last_question", "just graduated, anything for new grads?") in [(e["name"], e.get("value")) for e in events]


def test_nothing_found_in_a_named_place_is_said_so_without_asking_the_knowledge(stand_in):
    criteria = {**SEATTLE, "location": "reykjavik"}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("data engineer jobs in reykjavik", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/jobs/search"]


def test_nothing_found_for_a_request_for_listings_is_said_so_without_asking_the_knowledge(stand_in):
    # "any pastry chef jobs?" asks for jobs: "none open" is the answer, not how to search the site.
    criteria = {**SEATTLE, "q": "pastry chef", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("any pastry chef jobs?", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    assert {r["path"] for r in stand_in.requests} == {"/api/internal/jobs/search"}
    # A student's "do you have internships?" is also a question the hiring page answers (the students'
    # page): that answer, then that none are open.
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("do you have internships?", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["answer", "jobs"]


def test_nothing_found_and_no_answer_in_the_knowledge_says_nothing_was_found(stand_in):
    criteria = {**SEATTLE, "q": "pastry chef", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("pastry chef, is that a thing here?", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    assert messages[0]["custom"]["text"] == "I couldn't find any open pastry chef jobs right now."
    assert stand_in.requests[1]["path"] == "/api/internal/search"


def test_nothing_found_for_many_words_the_knowledge_does_not_answer_is_its_refusal(stand_in):
    # "is aws in a hiring freeze rn? heard rumors on blind": no search at all; the offer of a person, not
    # "no open aws freeze heard rumors blind jobs".
    criteria = {**SEATTLE, "q": "aws freeze heard rumors blind", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    text = "is aws in a hiring freeze rn? heard rumors on blind"
    messages, events = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
    assert [m.get("response") for m in messages] == ["utter_not_covered"]
    assert ("job_search", criteria) in [(e["name"], e["value"]) for e in events]


def test_nothing_found_in_a_named_place_for_a_question_about_something_else_asks_the_knowledge(stand_in):
    criteria = {**SEATTLE, "q": "aws full rto", "location": "", "remote": True}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(
            ActionSearchJobs(), tracker("are aws jobs remote or is it full RTO now", intent="search_jobs"), DOMAIN
        )
    )
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/jobs/search", "/api/internal/search"]
    # Three words of a role: "none open" stays the reply when the knowledge has nothing either.
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]


def test_nothing_found_in_a_named_place_for_a_role_of_many_words_asks_the_knowledge(stand_in):
    # "in-person interview at aws... in person really? or remote bc of covid": remote work named, and a
    # "role" of many words that no job has: the knowledge's answer (the interviews are held virtually).
    criteria = {**SEATTLE, "q": "person interview aws person bc covid", "location": "", "remote": True}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    text = "in-person interview at aws... in person really? or remote bc of covid"
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    # When the knowledge has no answer either, "none open" (a long title in a place may just be missing)...
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    place = "solutions architect specialist networking in remote"
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(place, intent="search_jobs"), DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    # ...but a message about an interview is about hiring: the refusal, with the offer of a person.
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
    assert [m.get("response") for m in messages] == ["utter_not_covered"]


def test_refining_with_no_search_yet_is_a_question_the_knowledge_answers(stand_in):
    from actions.actions import ActionRefineJobs

    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "query": "can I filter the job search by city"}, 0.0)
    messages, events = asyncio.run(
        stand_in.run(ActionRefineJobs(), tracker("can I filter the job search by city", intent="refine_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    assert events[0]["name"] == "last_question"


def test_refining_a_search_or_an_unanswered_question_says_how_to_refine(stand_in):
    from actions.actions import ActionRefineJobs

    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    for trk in (
        tracker("/refine_jobs", intent="refine_jobs", slots={"job_search": SEATTLE}),
        tracker("change the search", intent="refine_jobs", slots={"job_search": SEATTLE}),
        tracker("change it", intent="refine_jobs"),
    ):
        messages, events = asyncio.run(stand_in.run(ActionRefineJobs(), trk, DOMAIN))
        assert [m["response"] for m in messages] == ["utter_refine_jobs"]
        assert events == []
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]  # only the one with no search


def test_jobs_found_for_a_message_nearly_taken_for_a_hiring_question_give_the_knowledges_answer(stand_in):
    # "any insider tips from recruiters?": recruiter jobs match "recruiters", but NLU nearly heard the
    # hiring question it is, and the knowledge answers it.
    criteria = {**SEATTLE, "q": "insider tips recruiters", "location": ""}
    route(stand_in, {"total": 3, "jobs": [JOB] * 3, "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    trk = tracker("any insider tips from recruiters?", intent="search_jobs")
    trk.latest_message["intent_ranking"] = [
        {"name": "search_jobs", "confidence": 0.47},
        {"name": "ask_hiring", "confidence": 0.39},
    ]
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    # A clear job search that found jobs shows them, without asking the knowledge.
    trk.latest_message["intent_ranking"] = [
        {"name": "search_jobs", "confidence": 0.9},
        {"name": "ask_hiring", "confidence": 0.05},
    ]
    stand_in.requests.clear()
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/jobs/search"]


def test_a_question_about_searching_found_jobs_gets_the_knowledges_answer_and_the_jobs(stand_in):
    # "can i filter by city? only want stuff near seattle": how the careers site is searched (the
    # knowledge's answer), then the jobs the message asked for, in that order.
    route(stand_in, {"total": 7, "jobs": [JOB] * 5, "criteria": SEATTLE, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    trk = tracker("can i filter openings by city? only want data engineer stuff near seattle", intent="search_jobs")
    messages, events = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer", "jobs"]
    slots = dict((e["name"], e["value"]) for e in events)
    assert slots["last_question"] == ANSWER["query"] and slots["job_search"] == SEATTLE
    # A student's question too; and when the knowledge has no answer, the jobs alone.
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("im in college, any internships?", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    # A plain search never asks the knowledge.
    stand_in.requests.clear()
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("data engineer jobs in seattle?", intent="search_jobs"), DOMAIN)
    )
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/jobs/search"]


def test_a_question_about_searching_that_found_nothing_in_its_place_gets_the_answer_and_says_so(stand_in):
    criteria = {**SEATTLE, "q": "", "location": "reykjavik"}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    trk = tracker("is there a way to only see jobs in reykjavik?", intent="search_jobs")
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer", "jobs"]
    assert messages[1]["custom"]["text"].startswith("I couldn't find any open")


def test_questions_about_searching_are_told_from_searches():
    from actions.actions import _asks_how_to_search

    for asked in (
        "hw do i filter jobs by type, like marketing vs engineering",  # "hw": chat's "how"
        "internships for uni students where",  # a question without its question mark
        "can i filter openings by city?",
        "im in college, any internships?",
        "im still in uni, are there jobs for students",  # no question mark: "are there" asks
        "im a uni student in my 3rd year, does aws have internships",
        "btw are there internships for students",  # the students named last
        "r there internships or stuff for students",  # "r": chat's "are"
    ):
        assert _asks_how_to_search(asked), asked
    for search in (
        "internships in seattle",
        "data engineer jobs in seattle",
        "student jobs near me",
        "r there any sde jobs in seattle",
    ):
        assert not _asks_how_to_search(search), search


PORTAL = {
    "decision": "answer",
    "query": "im applying for a hardware engineering role in seattle",
    "passages": [
        {
            "section_id": "application-status#which-candidate-portal-link-to-use",
            "heading": "Which candidate portal link to use",
            "title": "Application status",
            "text": "For all other roles, including Technical Engineering Hardware roles, use the other link.",
            "path": "knowledge/application-status.md",
            "url": "https://example.com/status",
            "score": 0.6,
        }
    ],
    "context": {"doc": "knowledge/application-status.md", "section": "which-candidate-portal-link-to-use"},
}


def after_an_answer(text: str, searched: dict | None = None, doc: str | None = None):
    slots = {"topic_doc": doc or "knowledge/application-status.md", "job_search": searched}
    return tracker(text, intent="search_jobs", slots=slots)


def test_a_role_named_just_after_an_answer_says_which_of_its_cases_is_the_candidates(stand_in):
    # "im applying for a hardware engineering role in seattle" just after where to check the status:
    # which portal link is theirs (the open topic answers it), not two hardware jobs in Seattle.
    route(stand_in, {"total": 2, "jobs": [JOB] * 2, "criteria": SEATTLE, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, PORTAL, 0.0)
    text = "im applying for a hardware engineering role in seattle"
    messages, events = asyncio.run(stand_in.run(ActionSearchJobs(), after_an_answer(text), DOMAIN))
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search"]
    assert dict((e["name"], e["value"]) for e in events)["topic_doc"] == "knowledge/application-status.md"
    # Asking for listings is a search, and so is the same message after a job search (a refinement).
    for trk in (
        after_an_answer("any hardware engineering jobs in seattle?"),
        after_an_answer("show me a hardware engineering role in seattle"),
        after_an_answer(text, searched=SEATTLE),
    ):
        stand_in.requests.clear()
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), trk, DOMAIN))
        assert [m["custom"]["kind"] for m in messages] == ["jobs"], trk.latest_message["text"]
        assert [r["path"] for r in stand_in.requests] == ["/api/internal/jobs/search"]
    # An answer from another topic than the open one is not what the role was named for: the jobs.
    stand_in.requests.clear()
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), after_an_answer(text, doc="knowledge/students.md"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]
    assert [r["path"] for r in stand_in.requests] == ["/api/internal/search", "/api/internal/jobs/search"]


def test_asking_when_listings_open_is_a_question_for_the_knowledge_not_todays_listings(stand_in):
    # "when do summer internship apps open": the page states no opening dates. Its refusal, with the offer
    # of a person, even though internships are open today; an answer when the knowledge has one.
    criteria = {**SEATTLE, "q": "summer apps", "location": "", "employment_type": "INTERN"}
    route(stand_in, {"total": 24, "jobs": [JOB] * 5, "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    for text in ("when do summer internship apps open", "when do internships open?"):
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
        assert [m.get("response") for m in messages] == ["utter_not_covered"]
    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("when does hiring for new grads start", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    # A request for listings is still a search.
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("show me internships open now", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]


def test_a_yes_or_no_question_of_it_that_found_no_jobs_is_not_a_search(stand_in):
    # "does it cost anything to join" after the talent network: not "no open it cost join jobs".
    criteria = {**SEATTLE, "q": "it cost join", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    text = "does it cost anything to join"
    messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
    assert [m.get("response") for m in messages] == ["utter_not_covered"]
    # A role named with no listing words stays a search: "none open".
    criteria = {**SEATTLE, "q": "pastry chef", "location": ""}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    messages, _ = asyncio.run(
        stand_in.run(ActionSearchJobs(), tracker("pastry chef, is that a thing here?", intent="search_jobs"), DOMAIN)
    )
    assert [m["custom"]["kind"] for m in messages] == ["jobs"]


def test_a_yes_or_no_question_of_the_listings_that_found_none_is_not_a_search(stand_in):
    # "and do internships pay?": what internships are like, not a request for some; the page does not
    # say, so its refusal with the offer of a person, never "no open pay internships".
    criteria = {**SEATTLE, "q": "pay", "location": "", "employment_type": "INTERN"}
    route(stand_in, {"total": 0, "jobs": [], "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    for text in ("and do internships pay?", "are the jobs paid weekly"):
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
        assert [m.get("response") for m in messages] == ["utter_not_covered"], text
    # A request for listings that found none is still the search's "none open".
    for text in ("are there internships in pottsville", "do you have any pastry internships"):
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
        assert [m["custom"]["kind"] for m in messages] == ["jobs"], text


def test_a_stage_of_the_interviews_named_without_jobs_is_not_a_search(stand_in):
    # "what about system design rounds": "system design" finds jobs, but a round is a stage of the
    # interviews: the knowledge's answer, or its refusal with the offer of a person; never job cards.
    criteria = {**SEATTLE, "q": "system design rounds", "location": ""}
    route(stand_in, {"total": 3, "jobs": [JOB] * 3, "criteria": criteria, "refined": False, "offset": 0})
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    for text in ("what about system design rounds", "and the onsite for sde?"):
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
        assert [m.get("response") for m in messages] == ["utter_not_covered"], text
    # Jobs asked for with a stage named are still a search.
    for text in ("any interview coordinator jobs?", "show me roles with a short interview loop"):
        messages, _ = asyncio.run(stand_in.run(ActionSearchJobs(), tracker(text, intent="search_jobs"), DOMAIN))
        assert [m["custom"]["kind"] for m in messages] == ["jobs"], text


def test_a_talent_sign_up_started_with_a_question_answers_it_before_asking_for_the_address(stand_in):
    from actions.actions import ActionAskTalentEmail

    stand_in.routes["/api/internal/search"] = (200, ANSWER, 0.0)
    asked = tracker("how do i join the talent community thing", intent="join_talent_community")
    messages, events = asyncio.run(stand_in.run(ActionAskTalentEmail(), asked, DOMAIN))
    assert [m.get("custom", {}).get("kind") or m.get("response") for m in messages] == [
        "answer",
        "utter_ask_talent_email",
    ]
    assert any(e.get("name") == "last_question" for e in events)
    # The button (a payload) and a plain request are the sign-up alone: the knowledge is not asked.
    stand_in.requests.clear()
    for text in ("/join_talent_community", "sign me up for job alerts"):
        messages, _ = asyncio.run(
            stand_in.run(ActionAskTalentEmail(), tracker(text, intent="join_talent_community"), DOMAIN)
        )
        assert [m.get("response") for m in messages] == ["utter_ask_talent_email"], text
    assert stand_in.requests == []
    # When the knowledge does not answer, the address is asked for alone.
    stand_in.routes["/api/internal/search"] = (200, {**ANSWER, "decision": "fallback", "passages": []}, 0.0)
    messages, _ = asyncio.run(stand_in.run(ActionAskTalentEmail(), asked, DOMAIN))
    assert [m.get("response") for m in messages] == ["utter_ask_talent_email"]
