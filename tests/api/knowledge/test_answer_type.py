"""Which quantity a question asks for, and whether a text states one (pure logic)."""

from __future__ import annotations

import pytest

from api.knowledge import answer_type


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how long is the phone interview?", "duration"),
        ("had my phone screen yesterday (tuesday), how long until they get back to me usually?", "duration"),
        ("back to the assessments \u2014 how long is the simulation?", "duration"),
        ("and how soon do they reply?", "duration"),
        ("how much time should I block off for the work style questionnaire?", "duration"),
        ("how many minutes is the work style test?", "duration"),
        ("how many interviews are in the loop? 4? 5?", "count"),
        ("so how many resumes can I keep?", "count"),
        ("normally how long does it take after the loop?", "duration"),  # an adverb first
        ("roughly how many stages are there", "count"),
        ("oh wait how long do they take again", "duration"),  # chat fillers first
        ("lol how many are there", "count"),
        ("how much does an L5 engineer make?", "amount"),
        ("how often does the candidate portal update my application status?", "frequency"),
        # Not the question's own request: a "how many" inside another question, or none at all.
        ("will there be brain teasers like how many golf balls fit in a plane?", None),
        # ...or the puzzle's, in a sentence of its own.
        ("do aws interviews have brain teasers? like how many golf balls fit in a plane lol", None),
        ("any trick questions? how many windows are in seattle type stuff", None),
        # Which of the things just named takes more time: a duration compared.
        ("which one is longer", "duration"),
        ("ok but is the second one shorter?", "duration"),
        # ...not a length of something else, nor a question naming its things (answered by their durations).
        ("should my answers be longer?", None),
        ("which assessment takes longer", None),
        ("is there a time limit?", None),
        ("when will I hear back?", None),
        ("what is a bar raiser?", None),
    ],
)
def test_the_quantity_a_question_asks_for(question, kind):
    assert answer_type.wanted(question) == kind


@pytest.mark.parametrize(
    ("kind", "text", "states"),
    [
        ("duration", "The work sample simulation typically takes 20-60 minutes to complete.", True),
        ("duration", "AWS aims to get back to you within two business days.", True),
        ("duration", "The phone interview takes about an hour.", True),
        ("duration", "Amazon reviews applications on a rolling basis.", True),
        ("duration", "The phone interview is the third of the four steps.", False),
        ("count", "These 11 tips will help you prepare.", True),
        ("count", "You can save only one resume in your profile.", True),
        ("count", "The number of assessments you take depends on the role.", True),
        ("count", "A bar raiser is a neutral interviewer from another team.", False),
        ("amount", "Salaries are competitive.", False),
        ("amount", "The stipend is $500 a month.", True),
        ("frequency", "The portal is updated every day.", True),
        ("frequency", "Recruiters check in twice a week.", True),
        ("frequency", "You can see the status of your application in the candidate portal.", False),
        ("frequency", "Which link you use depends on the kind of role.", False),  # not how often
    ],
)
def test_whether_a_text_states_a_quantity(kind, text, states):
    assert answer_type.states(kind, text) is states


def test_a_question_for_a_quantity_needs_one_of_the_texts_to_state_it():
    texts = ["A bar raiser is a neutral interviewer.", "Topic experts interview you in the loop."]
    assert not answer_type.answers("how many interviewers are in the loop?", texts)
    assert answer_type.answers("who is in the loop?", texts)
    assert answer_type.answers("how many steps are there?", [*texts, "There are four steps."])


def test_a_number_must_count_what_the_question_asks_to_count():
    style = "The work style assessment is one of the two common types of AWS online assessments. Its questions center on culture."
    assert not answer_type.answers("how many questions are on the work style assessment", [style])
    assert answer_type.answers("how many tips are there?", ["The recruiters share a set of 11 tips."])
    # The process's parts are counted in its own words: "four steps" answers "how many rounds".
    assert answer_type.answers("how many rounds are there", ["The process has four steps."])
    # "It depends on the role" answers a count of anything.
    assert answer_type.answers("how many tests will i get", ["The number depends on the role."])


REPLY_TIME = "Phone interviews cover your experience. AWS aims to get back to you within two business days after your phone interview."
WORK_SAMPLE = (
    "The work sample simulation asks you to complete virtual tasks. It typically takes 20-60 minutes to complete."
)


@pytest.mark.parametrize(
    ("question", "text", "answered"),
    [
        # The quantity is stated of the step the question names.
        ("how soon do they get back to you after the phone screen?", REPLY_TIME, True),
        ("how long does the work sample sim take?", WORK_SAMPLE, True),
        ("how long does it take?", WORK_SAMPLE, True),  # names no step: the topic decides
        # Stated, but of another step (or of none the page gives a figure for).
        ("how long after the final interviews do you hear back?", REPLY_TIME, False),
        ("how long does the whole thing take from applying to offer?", WORK_SAMPLE, False),
        # The whole process: no step's duration is its length.
        ("how long does the whole thing take start to finish", WORK_SAMPLE, False),
        ("how long is the entire hiring process?", REPLY_TIME, False),
    ],
)
def test_a_quantity_must_be_stated_of_the_step_the_question_names(question, text, answered):
    assert answer_type.answers(question, [text]) is answered


def test_a_question_about_how_things_will_be_needs_a_text_that_says_so():
    assert answer_type.wanted("will interviews always be virtual from now on?") == "future"
    assert answer_type.wanted("will it go back to in person later") == "future"
    assert answer_type.wanted("will I have to do an assessment?") is None  # "will" alone asks about now
    assert answer_type.wanted("going back to the simulation, how long does it take") == "duration"  # a topic again
    assert answer_type.wanted("will the loop be virtual forever?") == "future"
    # A long wait, not how things will be: "two business days" answers it.
    assert (
        answer_type.wanted("is it normal to wait forever after the phone interview?? whats the usual turnaround")
        is None
    )
    assert answer_type.wanted("people say the process takes like forever, what are the steps") is None
    # What the candidate no longer is asks about now; whether interviews still are so asks about later.
    assert answer_type.wanted("what if i'm a recent grad not a student anymore?") is None
    assert answer_type.wanted("are interviews not virtual anymore?") == "future"
    now = "AWS in-person interviews are currently held virtually, out of an abundance of caution."
    assert not answer_type.answers("will it always be virtual?", [now])
    assert answer_type.answers("will it always be virtual?", ["Interviews will return to in person next year."])


def test_a_question_for_who_needs_text_that_names_people():
    assert answer_type.asks_who("and who does the phone interview?")
    assert answer_type.asks_who("what if i don't hear back in 2 days, who do i email")
    assert not answer_type.asks_who("what does a bar raiser do?")
    assert answer_type.names_people("Topic experts, future colleagues and bar raisers interview you.")
    assert not answer_type.names_people("Amazon reviews applications on a rolling basis.")


def test_how_much_something_matters_asks_no_amount():
    assert answer_type.wanted("how much do the leadership principles actually matter") is None
    assert answer_type.wanted("how much does a referral help?") is None
    assert answer_type.wanted("how much does the job pay?") == "amount"


PHONE_REPLY = (
    "AWS aims to get back to you within two business days after your phone interview. More generally, "
    "Amazon reviews applications on a rolling basis."
)


def test_a_time_stated_of_applications_answers_how_long_after_applying():
    question = "how long does it usually take to hear back after applying?"
    assert answer_type.answers(question, [PHONE_REPLY])  # "applications ... on a rolling basis"
    # ...but only in passing: its first statement of a time is about the phone interview.
    assert not answer_type.answers_first(question, PHONE_REPLY)
    assert answer_type.answers_first(question, "Amazon reviews applications on a rolling basis.")
    assert answer_type.answers_first("how long after the phone interview do i hear back?", PHONE_REPLY)


def test_interviews_coming_back_to_offices_asks_about_the_future_a_reply_coming_back_does_not():
    assert answer_type.wanted("when are in person interviews coming back to actual offices") == "future"
    assert answer_type.wanted("when are they coming back to me") is None


def test_a_rolling_basis_says_how_often_applications_are_reviewed():
    text = "Amazon reviews applications on a rolling basis."
    assert answer_type.answers("how often do you review applications?", [text])
    assert not answer_type.answers("how often do they email about new jobs?", ["You can join the talent network."])


def test_the_longest_time_a_text_states_orders_durations():
    assert answer_type.longest_minutes("The work sample simulation takes 20-60 minutes.") == 60
    assert answer_type.longest_minutes("It takes 10 to 20 minutes.") == 20
    assert answer_type.longest_minutes("It takes about 2 hours.") == 120
    assert answer_type.longest_minutes("No time is given.") == 0


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("do all jobs have it", True),
        ("does it depend on the job", True),
        ("do senior roles skip them", True),
        ("does everyone get both", True),
        ("do i get both?", True),
        ("do i have to take all of them", True),
        # Whether it is the same for all: fairness, "the same experience", not how it varies.
        ("does everyone get the same one?", False),
        ("is it the same for every role?", False),
        # ...but the same number, or the same or different per role, is a thing of the role.
        ("does every role have same number of tests?", True),
        ("does every job have the same assessments or is it different per role?", True),
        ("how long is it", False),
    ],
)
def test_whether_a_question_asks_if_something_holds_for_every_role(question, asks):
    assert answer_type.asks_if_it_varies(question) is asks


def test_a_text_saying_it_depends_answers_whether_it_varies():
    assert answer_type.states_it_varies("The number of online assessments you take depends on the role.")
    assert not answer_type.states_it_varies("AWS uses two common types of online assessments.")
