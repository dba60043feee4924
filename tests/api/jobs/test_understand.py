"""Reading a chat message as a job search, and a follow-up as a refinement (pure logic)."""

from __future__ import annotations

from api.jobs.search import Criteria
from api.jobs.understand import interpret

PLACES = {"seattle", "dublin", "new york", "united kingdom"}


def place(phrase: str) -> str | None:
    return phrase if phrase in PLACES else None


def test_role_and_place() -> None:
    assert interpret("any data engineer jobs in Seattle?", None, place) == (
        Criteria(q="data engineer", location="seattle"),
        False,
    )


def test_remote_and_internships() -> None:
    assert interpret("remote roles in security", None, place)[0] == Criteria(q="security", remote=True)
    assert interpret("internships for students", None, place)[0] == Criteria(employment_type="INTERN")


def test_synonyms_of_places() -> None:
    assert interpret("SDE jobs in NYC", None, place)[0] == Criteria(q="software engineer", location="new york")
    assert interpret("roles in the UK", None, place)[0].location == "united kingdom"


def test_a_follow_up_refines_the_last_search() -> None:
    last = Criteria(q="data engineer", location="seattle")
    assert interpret("what about in Dublin?", last, place) == (Criteria(q="data engineer", location="dublin"), True)
    assert interpret("only remote ones", last, place) == (
        Criteria(q="data engineer", location="seattle", remote=True),
        True,
    )
    assert interpret("any product manager jobs?", last, place) == (Criteria(q="product manager"), False)
    assert interpret("Dublin?", last, place) == (Criteria(q="data engineer", location="dublin"), True)
    assert interpret("just internships", last, place)[1] is True


def test_a_new_kind_of_job_without_a_cue_is_a_new_search() -> None:
    last = Criteria(q="data engineer", location="dublin")
    assert interpret("internships for students", last, place) == (Criteria(employment_type="INTERN"), False)


def test_question_words_and_chat_fillers_are_not_part_of_the_role() -> None:
    assert interpret("ok and where do students look for internships?", None, place)[0] == Criteria(
        employment_type="INTERN"
    )
    assert interpret("hey, which data engineer jobs are open in Dublin then?", None, place)[0] == Criteria(
        q="data engineer", location="dublin"
    )
    assert interpret("im still in college, r there internships or student stuff", None, place)[0] == Criteria(
        employment_type="INTERN"
    )
    assert interpret("im still in college, are there internships or anything for students?", None, place)[
        0
    ] == Criteria(employment_type="INTERN")
    assert interpret("btw are there internships for students", None, place)[0] == Criteria(employment_type="INTERN")
    # A supposition names no role either.
    assert interpret("and if it was a hardware engineering role instead?", None, place)[0] == Criteria(
        q="hardware engineering"
    )
    # Saying the question changes the subject names no role.
    for text in ("unrelated but do u have any openings in dublin", "ok switching topics, any jobs in dublin?"):
        assert interpret(text, None, place)[0] == Criteria(location="dublin"), text


def test_acknowledgements_and_chat_spellings_are_not_part_of_the_role() -> None:
    assert interpret("got it. also do u have remote jobs?", None, place)[0] == Criteria(remote=True)
    assert interpret("do u have data engineer roles rn", None, place)[0] == Criteria(q="data engineer")
    # "it" is a role's word when it is not "got it".
    assert interpret("any it support jobs in dublin?", None, place)[0] == Criteria(q="it support", location="dublin")


def test_hedges_and_intensifiers_are_not_part_of_the_role() -> None:
    assert interpret("where do i even find open jobs? want something in seattle ideally", None, place)[0] == Criteria(
        location="seattle"
    )
    assert interpret("honestly maybe a data engineer role, preferably in dublin", None, place)[0] == Criteria(
        q="data engineer", location="dublin"
    )
    assert interpret("is there a way to only see jobs in dublin? scrolling through everything is painful", None, place)[
        0
    ] == Criteria(location="dublin")
    assert interpret("can i search jobs by location? i only want data engineer stuff near seattle", None, place)[
        0
    ] == Criteria(q="data engineer", location="seattle")
    assert interpret("hw do i filter jobs by type, like marketing vs engineering", None, place)[0] == Criteria(
        q="marketing engineering"
    )
