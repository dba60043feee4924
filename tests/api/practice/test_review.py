"""Feedback on an answer with the project's fitted sentence-role model (api/practice/roles.npz)."""

from __future__ import annotations

import numpy as np
import pytest

from api.config import ROOT
from api.practice.bank import load_bank
from api.practice.cues import split_sentences
from api.practice.review import review
from api.practice.roles import RoleModel, in_story_order

STORY = (
    "Last year our warehouse kept loading parcels onto the wrong truck. "
    "My manager asked me to find out why. "
    "I followed the parcels from the sorter to the dock for three shifts. "
    "I found that two door labels had been swapped and I reported it with photos. "
    "Misloaded parcels dropped from 40 a day to 2."
)


@pytest.fixture(scope="module")
def bank():
    return load_bank(ROOT / "practice")


@pytest.fixture(scope="module")
def model():
    return RoleModel.load()


def test_a_full_story_has_its_four_parts_quoted_an_i_and_a_measured_result(model, bank):
    r = review(STORY, model, None, bank)
    assert r.kind == "story" and r.missing == []
    assert r.parts["situation"] == ["Last year our warehouse kept loading parcels onto the wrong truck."]
    assert r.parts["task"] == ["My manager asked me to find out why."]
    assert len(r.parts["action"]) == 2 and r.parts["result"] == ["Misloaded parcels dropped from 40 a day to 2."]
    assert r.first_person == {"i": 3, "we": 0} and r.quantified_result
    assert r.words == 56 and r.speaking_seconds == 22  # 150 words a minute


def test_a_story_without_a_result_is_told_what_is_missing_with_one_suggestion(model, bank):
    text = (
        "At the cafe where I worked the queue went out of the door every morning. "
        "My manager asked me to speed things up. "
        "I split the work so one person took orders and the other made drinks. "
        "I also moved the cups next to the machine."
    )
    r = review(text, model, bank=bank, encoder=None)
    assert r.kind == "story" and r.missing == ["result"]
    assert r.suggestions[0].startswith("End with what happened")


def test_an_answer_that_opens_with_what_was_done_is_told_the_scene_is_missing(model, bank):
    # The training answers almost all open with a scene: the model once read any first sentence as one.
    text = (
        "I rewrote the checklist we used for new starters on the tills. "
        "I also paired each new starter with an experienced colleague for their first week. "
        "New starters now work on their own after three shifts instead of six."
    )
    r = review(text, model, None, bank)
    assert r.kind == "story" and r.parts["situation"] == [] and "situation" in r.missing
    assert r.parts["action"] == split_sentences(text)[:2]


def test_a_story_with_could_not_in_it_is_a_story(model, bank):
    text = (
        "When I was a teaching assistant, a boy in my group could not read his timetable. "
        "I made him a colour-coded copy and walked him through it every morning. "
        "By the end of the month he could find his classes on his own."
    )
    assert review(text, model, None, bank).kind == "story"


def test_a_story_with_would_or_could_in_a_clause_about_something_else_is_a_story(model, bank):
    text = (
        "A client wanted a colour that I knew would damage her hair, so I explained why and did a strand test. "
        "I suggested a softer shade that would get close to what she wanted and that I could redo later. "
        "She was disappointed at first but she has come back to me ever since."
    )
    assert review(text, model, None, bank).kind == "story"
    # The teller's own "would" is still what they would do.
    assert (
        review(
            text.replace("I explained", "I would explain").replace("I suggested", "I'd suggest"), model, None, bank
        ).kind
        != "story"
    )


def test_we_heavy_actions_and_an_unmeasured_result_are_named(model, bank):
    text = (
        "Our team owned the checkout service of an online shop. "
        "Before a big sale the service started timing out. "
        "We profiled it and found a slow query. "
        "We added an index and a cache. "
        "The sale went through without problems and the customers were happy."
    )
    r = review(text, model, None, bank)
    assert r.first_person["we"] > r.first_person["i"] and not r.quantified_result
    assert any('say "we"' in s for s in r.suggestions) and any("measurable" in s for s in r.suggestions)
    assert r.principles and r.principles[0]["name"] == "Customer Obsession"
    assert "customers" in r.principles[0]["evidence"]


@pytest.mark.parametrize(
    "text, kind",
    [
        (
            "If a customer complained, I would listen carefully. Then I'd try to help them. I would follow up.",
            "hypothetical",
        ),
        (
            "I am very customer-obsessed. I always put the customer first. My colleagues say I am reliable.",
            "self_description",
        ),
        ("I once fixed a big problem at work.", "too_short"),
    ],
)
def test_answers_that_are_not_stories_are_named_with_the_reason_and_no_parts(model, bank, text, kind):
    r = review(text, model, None, bank)
    assert r.kind == kind and r.parts == {"situation": [], "task": [], "action": [], "result": []}
    assert r.principles == [] and len(r.suggestions) == 1 and "specific example" in r.suggestions[0]


def test_roles_are_decoded_in_story_order():
    # Per sentence the third looks like a result (index 3), but a result cannot come back to an action.
    lp = np.log(
        np.array(
            [
                [0.9, 0.05, 0.03, 0.02],
                [0.1, 0.1, 0.7, 0.1],
                [0.05, 0.05, 0.4, 0.5],
                [0.05, 0.05, 0.7, 0.2],
                [0.0, 0.0, 0.1, 0.9],
            ]
        )
        + 1e-9
    )
    assert in_story_order(lp) == [0, 2, 2, 2, 3]
    assert in_story_order(lp[:0]) == []


def test_a_greeting_before_the_story_is_no_part_of_it(model, bank):
    r = review("Sure, I can think of one. Hi! " + STORY, model, None, bank)
    assert r.kind == "story" and r.roles[:2] == ["O", "O"]
    assert all("Sure" not in s and "Hi!" not in s for part in r.parts.values() for s in part)
    assert r.parts["situation"] == ["Last year our warehouse kept loading parcels onto the wrong truck."]


def test_a_result_that_names_a_number_without_measuring_anything_is_not_quantified(model, bank):
    text = (
        "At my last job the sales and support teams kept blaming each other for late orders. "
        "I asked both managers if I could set up a short weekly meeting. "
        "I wrote the agenda and I sent a summary after each meeting. "
        "The two teams now meet every Monday and there were no more double bookings."
    )
    r = review(text, model, None, bank)
    assert r.parts["result"] and not r.quantified_result
    assert any("measurable" in s for s in r.suggestions)


class _FixedRoles:
    """A sentence-role model that answers fixed roles and result chances (pure logic of the review)."""

    def __init__(self, roles, chances):
        self._roles, self._chances = roles, chances

    def roles_and_result_chances(self, sentences, encoder):
        assert len(sentences) == len(self._roles)
        return list(self._roles), list(self._chances)


THREE = (
    "Our restaurant started a new booking system the week before a holiday. "
    "We did not test it with a full evening of bookings. "
    "On the night twelve tables were double-booked and we turned people away."
)


@pytest.mark.parametrize(
    "roles, chances, quantified",
    [
        (("S", "A", "R"), (0.0, 0.1, 0.9), True),  # the amount is in the result
        (("S", "A", "T"), (0.0, 0.1, 0.4), True),  # read as the task, but fairly likely the result
        (("S", "A", "A"), (0.0, 0.1, 0.05), False),  # an amount in what was done is not the outcome
        (("S", "A", "S"), (0.0, 0.1, 0.9), False),  # nor in the scene
    ],
)
def test_an_amount_counts_as_a_measured_result_when_its_sentence_is_or_likely_is_the_result(
    bank, roles, chances, quantified
):
    r = review(THREE, _FixedRoles(roles, chances), None, bank)
    assert r.quantified_result is quantified


@pytest.mark.parametrize(
    "roles, chances, result",
    [
        # "I was promoted six months later" opens like one more action ("I <verb>"): read as one by the
        # decoding, but fairly likely the result.
        (("S", "A", "A"), (0.0, 0.01, 0.45), ["I was promoted six months later."]),
        (("S", "A", "A"), (0.0, 0.01, 0.1), []),  # unlikely: the story stops at its actions
        (("S", "A", "R"), (0.0, 0.01, 0.9), ["I was promoted six months later."]),
    ],
)
def test_a_last_sentence_fairly_likely_to_be_the_result_is_the_result_when_none_was_decoded(
    bank, roles, chances, result
):
    text = (
        "Our team's weekly report was always late because the numbers came from four places. "
        "I wrote a script that pulled the numbers together every Friday morning. "
        "I was promoted six months later."
    )
    r = review(text, _FixedRoles(roles, chances), None, bank)
    assert r.parts["result"] == result and ("result" in r.missing) is (not result)


def test_a_story_that_stops_at_its_actions_still_has_no_result(model, bank):
    text = (
        "Our team's weekly report was always late because the numbers came from four places. "
        "I wrote a script that pulled the numbers together every Friday morning. "
        "I handed it over to the new analyst when I left."
    )
    assert review(text, model, None, bank).missing == ["task", "result"]


def test_a_story_with_i_d_for_had_and_what_was_promised_then_is_a_story(model, bank):
    text = (
        "We'd been short of staff for months. "
        "I said I would cover the weekend shifts until we hired someone. "
        "We hired two people in a month."
    )
    assert review(text, model, None, bank).kind == "story"


def test_a_polite_preface_before_a_story_with_no_scene_is_not_its_situation(model, bank):
    text = (
        "Absolutely, I'd be happy to share an example. "
        "I rewrote the checklist we used for new starters on the tills. "
        "I also paired each new starter with an experienced colleague for their first week. "
        "New starters now work on their own after three shifts instead of six."
    )
    r = review(text, model, None, bank)
    assert r.kind == "story" and r.roles[0] == "O" and "situation" in r.missing


def test_a_closing_line_after_a_story_that_stops_at_its_actions_is_not_its_result(model, bank):
    text = (
        "At the cafe where I worked the queue went out of the door every morning. "
        "My manager asked me to speed things up. "
        "I split the work so one person took orders and the other made drinks. "
        "I also moved the cups next to the machine. "
        "Hope that helps, thanks!"
    )
    r = review(text, model, None, bank)
    assert r.roles[-1] == "O" and r.missing == ["result"]


def test_a_scene_told_just_after_the_task_is_the_situation_though_it_breaks_story_order(model, bank):
    text = (
        "My manager asked me to reduce the number of returns in our online shop. "
        "At the time, about one in eight orders came back, mostly because of sizing. "
        "I added a size guide with real measurements and photos of models of different heights. "
        "Returns fell to about one in twenty within three months."
    )
    r = review(text, model, None, bank)
    assert r.roles == ["T", "S", "A", "R"] and r.missing == []
    # A second sentence that acts is not made a scene: a story with no scene still misses one.
    text = (
        "My job was to train the new starters on the tills. "
        "I wrote a one-page guide and paired each of them with an experienced colleague. "
        "They were all working on their own within a week."
    )
    assert review(text, model, None, bank).missing == ["situation"]


def test_a_result_that_saves_time_told_without_a_number_is_quantified(model, bank):
    text = (
        "Our team's weekly report was always late because the numbers came from four places. "
        "I wrote a script that pulled the numbers together every Friday morning. "
        "It saved the team a couple of hours a week."
    )
    r = review(text, model, None, bank)
    assert r.parts["result"] and r.quantified_result


def test_being_handed_a_thing_that_was_going_wrong_is_the_scene_not_the_task(model, bank):
    # Eighth round of issue #20: "I was given/handed a ... that nobody had ..." was read as the duty.
    text = (
        "In my first month as an engineer I was handed a test machine that nobody had used in years. "
        "I found the old manuals in a cupboard and rebuilt the wiring one part at a time. "
        "The machine ran the whole trial and my manager asked me to write a guide for it."
    )
    r = review(text, model, None, bank)
    assert r.parts["situation"] == [split_sentences(text)[0]]
