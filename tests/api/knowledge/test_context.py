"""Follow-up resolution against the conversation's state (pure functions, no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.knowledge.context import (
    Context,
    Resolved,
    addresses,
    asks_to_confirm,
    content_words,
    is_bare_reference,
    is_correction,
    leans_on_topic,
    listed_after,
    listed_named,
    meant_question,
    named_before_next,
    names_a_place,
    next_topic,
    pick_listed,
    previous_topic,
    resolve,
    restates,
    unknown_words,
)

PHONE = "knowledge/phone-interview.md"
LOOP = "knowledge/interview-loop.md"
ASSESS = "knowledge/online-assessments.md"
STYLE = "knowledge/work-style-assessment.md"
SAMPLE = "knowledge/work-sample-simulation.md"
NEXT_OF = {ASSESS: PHONE, STYLE: PHONE, SAMPLE: PHONE, PHONE: LOOP}
STEPS = set(NEXT_OF) | set(NEXT_OF.values())
ON_PHONE = Context(doc=PHONE, section="phone-interview#x", step=PHONE)


@pytest.mark.parametrize(
    "message",
    [
        "what comes next?",
        "and after that?",
        "ok then what?",
        "then what?",
        "What's next?",
        "and then?",
        "whats after that",
    ],
)
def test_next_type_questions_are_recognised(message):
    assert resolve(message, ON_PHONE).kind == "next"


def test_without_any_state_every_message_is_its_own_subject():
    assert resolve("what comes next?", Context()).kind == "own"
    assert resolve("why not?", Context()).kind == "own"


@pytest.mark.parametrize(
    ("message", "ordinal"),
    [
        ("how long is the second one?", 1),
        ("what's the first one like?", 0),
        ("and the other one?", -1),
        ("and the second?", 1),
        ("ok what about the third step", 2),
        ("tell me about the first assessment", 0),
        # opening the message without "the"
        ("third one - what do they ask", 2),
        ("ok second one?", 1),
    ],
)
def test_ordinals_resolve_only_when_something_was_listed(message, ordinal):
    listed = Context(doc=ASSESS, listed=(STYLE, SAMPLE))
    assert resolve(message, listed).ordinal == ordinal
    assert resolve(message, Context(doc=ASSESS)).kind != "ordinal"


@pytest.mark.parametrize(("message", "ordinal"), [("and 3?", 2), ("what about step 4", 3), ("ok, #2?", 1)])
def test_an_item_named_by_its_number_alone_is_an_ordinal(message, ordinal):
    listed = Context(doc=ASSESS, listed=(STYLE, SAMPLE))
    assert resolve(message, listed).ordinal == ordinal
    assert names_a_place(message)
    # A number inside a question of its own is no place in a list.
    assert resolve("can i do 3 assessments at once?", listed).kind != "ordinal"
    assert not names_a_place("can i apply to 3 roles?")


def test_name_them_after_a_list_asks_for_its_items_and_names_nothing():
    steps = ("knowledge/online-application.md", ASSESS, PHONE, LOOP)
    after_steps = Context(doc="knowledge/hiring-steps.md", listed=steps)
    for message in ("name them", "can u list them all", "ok list those"):
        assert resolve(message, after_steps) == Resolved("elliptical", content=frozenset()), message
    # After one of the items ("list them" of the Leadership Principles the work style assessment is
    # about, which no section lists), "list" asks for something the topic may not list: no shortcut.
    assert resolve("what are they? list them", Context(doc=STYLE, listed=(STYLE, SAMPLE))).content
    assert resolve("name them", Context(doc="knowledge/hiring-steps.md")).kind == "elliptical"


def test_who_am_i_supposed_to_ask_names_nothing():
    assert content_words("who am i supposed to ask exactly") == frozenset()


def test_an_item_picked_by_its_place_keeps_the_list_it_was_picked_from():
    apply = "knowledge/online-application.md"
    steps = (apply, ASSESS, PHONE, LOOP)
    lists_of = {"knowledge/hiring-steps.md": list(steps), ASSESS: [STYLE, SAMPLE]}
    ctx = Context(doc="knowledge/hiring-steps.md", listed=steps)
    # "ok the second one?" after the steps: "and the last one?" next is the last step...
    assert listed_after(ASSESS, lists_of, ctx, by_place=True) == steps
    # ...while the assessments asked about by name list their two types.
    assert listed_after(ASSESS, lists_of, ctx) == (STYLE, SAMPLE)


def test_an_ordinal_inside_a_question_of_its_own_is_not_a_reference_to_the_list():
    listed = Context(doc=ASSESS, listed=(STYLE, SAMPLE))
    assert resolve("what's the first thing recruiters look at on a resume", listed).kind != "ordinal"


def test_the_other_one_is_the_listed_topic_not_being_discussed():
    ctx = Context(doc=STYLE, listed=(STYLE, SAMPLE))
    assert pick_listed(resolve("and the other one?", ctx), ctx) == SAMPLE
    assert pick_listed(resolve("how long is the second one?", ctx), ctx) == SAMPLE
    assert pick_listed(resolve("the first one?", ctx), ctx) == STYLE


def test_the_other_one_of_several_listed_is_the_one_of_the_same_kind():
    apply = "knowledge/online-application.md"
    steps = (apply, ASSESS, PHONE, LOOP)
    # After the phone interview, the steps listed: the other interview, not the first step.
    ctx = Context(doc=PHONE, listed=steps)
    assert pick_listed(resolve("and the other one", ctx), ctx) == LOOP
    loop = Context(doc=LOOP, listed=steps)
    assert pick_listed(resolve("and the other one", loop), loop) == PHONE
    # The application's kind is "online", as the assessments' is.
    applying = Context(doc=apply, listed=steps)
    assert pick_listed(resolve("and the other one", applying), applying) == ASSESS
    # With two others of its kind, the first other one, as before.
    talks = ("knowledge/a-talk.md", "knowledge/b-talk.md", "knowledge/c-talk.md")
    b = Context(doc=talks[1], listed=talks)
    assert pick_listed(resolve("and the other one", b), b) == talks[0]


def test_an_ordinal_past_the_end_of_the_list_is_of_the_list_the_topic_is_an_item_of():
    apply = "knowledge/online-application.md"
    lists_of = {"knowledge/hiring-steps.md": [apply, ASSESS, PHONE, LOOP], ASSESS: [STYLE, SAMPLE]}
    # After the steps, "the second one" answered the assessments, whose own list is the two types.
    ctx = Context(doc=ASSESS, listed=(STYLE, SAMPLE))
    assert pick_listed(resolve("and the third?", ctx), ctx, lists_of) == PHONE
    assert pick_listed(resolve("and the second?", ctx), ctx, lists_of) == SAMPLE  # in range: the types
    assert pick_listed(resolve("and the third?", ctx), ctx) is None  # without the lists: nothing to pick


@pytest.mark.parametrize("message", ["why not?", "who do I ask?", "are they in person?", "can they overrule everyone?"])
def test_short_and_pronoun_led_messages_lean_on_the_topic(message):
    assert resolve(message, ON_PHONE).kind == "elliptical"


def test_a_message_with_its_own_subject_starts_a_new_topic():
    assert resolve("I'm a student and would like to know whether I can apply for an internship", ON_PHONE).kind == "own"


def test_content_words_leave_out_the_words_that_only_ask():
    assert content_words("why not?") == frozenset()
    assert content_words("who do I ask?") == frozenset()
    assert content_words("can they overrule everyone?") == {"overrule", "everyone"}
    assert content_words("how does it work?") == frozenset()  # how the thing just named works
    assert content_words("who exactly should I ask?") == frozenset()
    assert content_words("does the work sample take long?") >= {"work", "sample"}


def test_a_section_addresses_a_follow_up_only_if_it_states_its_words():
    assert addresses(frozenset({"retake"}), "Assessments must be completed within a timeframe.") == 0
    assert addresses(frozenset({"teasers"}), "AWS does not use brain teaser questions.") == 1
    # an "-ing" word of a three-letter root the crude stem leaves whole
    assert addresses(frozenset({"mixing"}), "This mix of interviewers gives a clear sense.") == 1
    assert addresses(frozenset({"string"}), "This mix of interviewers gives a clear sense.") == 0


def test_next_follows_the_process_and_stops_at_its_end():
    assert next_topic(ON_PHONE, NEXT_OF, STEPS) == (LOOP, True)
    assert next_topic(Context(doc=LOOP, step=LOOP), NEXT_OF, STEPS) == (None, True)  # nothing after the last step
    # a topic outside the process: the step the candidate was last at
    assert next_topic(Context(doc="knowledge/star-method.md", step=ASSESS), NEXT_OF, STEPS) == (PHONE, True)
    assert next_topic(Context(doc="knowledge/star-method.md"), NEXT_OF, STEPS) == (None, False)


@pytest.mark.parametrize(
    "message",
    [
        "and before that?",
        "what comes right before it",
        "ok the step before that one",
        "before this?",
        "whats before that",
    ],
)
def test_before_type_questions_are_recognised(message):
    assert resolve(message, ON_PHONE).kind == "previous"


def test_previous_walks_the_process_back_and_stops_at_its_start():
    process = ["knowledge/apply.md", ASSESS, PHONE, LOOP]
    assert previous_topic(ON_PHONE, process, NEXT_OF) == (ASSESS, True)
    # a topic inside a step: the step before its own
    assert previous_topic(Context(doc=STYLE), process, NEXT_OF) == ("knowledge/apply.md", True)
    assert previous_topic(Context(doc="knowledge/apply.md"), process, NEXT_OF) == (None, True)
    assert previous_topic(Context(doc="knowledge/star-method.md"), process, NEXT_OF) == (None, False)


def test_the_list_is_kept_while_the_candidate_goes_through_its_items():
    lists = {ASSESS: [STYLE, SAMPLE]}
    assert listed_after(ASSESS, lists, Context()) == (STYLE, SAMPLE)
    kept = Context(doc=ASSESS, listed=(STYLE, SAMPLE))
    assert listed_after(STYLE, lists, kept) == (STYLE, SAMPLE)
    assert listed_after(PHONE, lists, kept) == ()


def test_in_person_is_a_subject_though_person_alone_is_not():
    assert content_words("are they in person?") == {"person"}
    assert content_words("are the interviews in-person?") >= {"person", "interviews"}
    assert content_words("which person do i ask?") == frozenset()


@pytest.mark.parametrize(
    ("message", "bare"),
    [
        ("and the second?", True),
        ("what about the other one?", True),
        ("ok, the last one", True),
        ("and the other type?", True),
        # A description of the item asks nothing of it.
        ("and the other type, the personality-ish one?", True),
        ("the second one, that harder one", True),
        ("what's the first one like?", False),
        ("the other one, is it the harder one?", False),
        ("how long is the second one?", False),
    ],
)
def test_a_bare_reference_is_only_the_reference(message, bare):
    assert is_bare_reference(message) is bare


@pytest.mark.parametrize(
    ("message", "correction"),
    [
        ("no i meant after the final loop", True),
        ("sorry, I meant the phone one", True),
        ("I mean the work sample", True),
        ("no sorry i meant the work style one", True),
        ("oops, my bad, the phone one", True),
        ("sorry no i ment the work style one", True),  # the typo as typed
        ("what do you mean by bar raiser?", False),
        ("no the answer was fine", False),
        ("no thanks", False),
    ],
)
def test_a_correction_is_recognised(message, correction):
    assert is_correction(message) is correction


def test_the_step_a_message_asks_what_follows_is_the_rest_of_the_message():
    assert "OA" in named_before_next("just finished my OA 🙌 what comes next")
    assert "phone interview" in named_before_next("Suppose my phone interview goes well - what's the step after that?")
    assert "applying" in named_before_next("whats next after applying")
    assert "phone screen" in named_before_next("what usually happens after the phone screen?")
    assert "apply" in named_before_next("just curious, what typically comes after you apply")
    # A step the message says is done, and what happens now.
    assert "applied" in named_before_next("hey so i just applied for a cloud support role, what happens next?")
    assert "phone interview" in named_before_next("had my phone interview yesterday, now what?")
    # ...without when it was done, which names no step ("yesterday" took the search elsewhere).
    assert "yesterday" not in named_before_next("applied yesterday 🤞 what happens now")
    assert "monday" not in named_before_next("did my phone screen on monday, what now").lower()
    assert "ago" not in named_before_next("finished the OA 2 days ago whats next")
    assert named_before_next("did it yesterday, what now") is None  # nothing named besides when
    # "what happens after that" after the step done in the same message; a click "just" done is one.
    assert "applied" in named_before_next("i applied last week, what happens after that?")
    assert "apply now" in named_before_next("just hit apply now on a cloud support job 😅 what happens after that")
    assert named_before_next("what happens after that?") is None
    # ...or supposes done.
    assert "data test" in named_before_next("ok whatever. if i pass the data test whats after")
    assert named_before_next("whats after") is None
    # The step done is named before "what comes next"; the guesses after it are no step's name.
    named = named_before_next("ok real talk, after u apply what comes next, is it straight to interviews or a test")
    assert "apply" in named and "interviews" not in named
    # The rest of a step, not the next one; or nothing named besides the question.
    assert named_before_next("After I hit Apply Now, what happens next?") is None
    assert named_before_next("what's the next step?") is None
    assert named_before_next("how long is the phone interview?") is None


def test_after_a_named_step_in_a_short_message_or_by_its_place_in_the_list():
    assert "OA" in named_before_next("ok and after the OA?")
    assert "phone interview" in named_before_next("i just did my phone interview, whats the next stage")
    assert "final round" in named_before_next("and after the final round?")
    assert "third" in named_before_next("what comes after the third")
    # The asking words are not part of the step's name.
    assert named_before_next("after my phone interview what normally comes next?").strip(" ?") == "the phone interview"
    # The step named by what the candidate does ("after i apply", "after applying").
    assert "apply" in named_before_next("ok and after i apply?")
    assert "applying" in named_before_next("and after applying?")
    assert named_before_next("ok and after i get an offer?") is None
    steps = ("knowledge/online-application.md", ASSESS, PHONE, LOOP)
    ctx = Context(doc="knowledge/hiring-steps.md", listed=steps)
    assert listed_named("the third", ctx, {}) == PHONE
    assert listed_named("the phone interview", ctx, {}) is None


def test_a_yes_no_question_about_what_was_just_said_asks_to_confirm_it():
    for text in ("is that in person?", "so is it timed?", "are they in person?", "does it have a time limit?"):
        assert asks_to_confirm(text), text
    for text in ("who else is in the loop?", "what about the other one?", "how long is it?"):
        assert not asks_to_confirm(text), text


def test_a_word_written_as_two_in_the_section_is_stated():
    assert addresses(frozenset({"brainteasers"}), "AWS avoids brain teaser questions") == 1
    assert addresses(frozenset({"workstyle"}), "the work style assessment") == 1
    assert addresses(frozenset({"workstyle"}), "the style of your work") == 0


def test_a_question_asking_why_that_matters_names_nothing_of_its_own():
    assert content_words("why does that matter to them") == frozenset()
    assert content_words("why is the bar raiser important") == frozenset({"bar", "raiser"})


def test_a_message_leans_on_its_topic_when_it_opens_like_a_follow_up_or_refers_back():
    assert leans_on_topic("do i need to ask them before talking to amazon?")
    assert leans_on_topic("and what does the assessment cover")
    assert not leans_on_topic("what does the bar raiser do in the loop?")


def test_a_correction_may_name_the_other_one_without_saying_meant():
    for text in ("sorry, the phone one", "no, the work sample one", "no i meant the loop"):
        assert is_correction(text), text
    for text in ("the phone one?", "sorry, what is the phone one like?"):
        assert not is_correction(text), text


def test_a_question_that_names_nothing_leans_on_its_topic_whatever_its_length():
    assert resolve("how many will i get", ON_PHONE).kind == "elliptical"
    assert resolve("how many will i get", Context()).kind == "own"  # no topic to lean on
    assert resolve("how many interviews will I have in the final round at aws", ON_PHONE).kind == "own"


def test_unknown_words_are_the_content_words_no_vocabulary_entry_stems_to():
    vocabulary = frozenset({"interview", "assessment", "long"})
    assert unknown_words("can I do my interviews in spanish?", vocabulary) == ("spanish",)
    assert unknown_words("how long is the assessment", vocabulary) == ()
    assert unknown_words("is the OA long lol", vocabulary) == ()  # words under four letters are left out
    # Chat fillers are no unknown words: "ok whatever, what's the first step anyway" is a plain question.
    assert unknown_words("ok whatever whats the first step anyway", frozenset({"step", "first"})) == ()
    assert unknown_words("honestly seriously basically though", vocabulary) == ()
    assert unknown_words("can you at least tell me how to find it", frozenset({"find"})) == ()
    assert content_words("n how long is it") == frozenset()  # "n": chat's "and"
    assert unknown_words("can I do my interviews in spanish?", frozenset()) == ()  # no vocabulary: never


def test_a_restatement_put_as_a_question_is_recognised():
    for text in ("wait so it's online??", "so they're not on the team im joining?", "so i dont need to fly there?"):
        assert restates(text), text
    for text in ("so what do they ask?", "so it's online", "it's online?", "so the phone one is 3rd?"):
        assert not restates(text), text


def test_recalling_what_was_said_names_nothing():
    # "wait" before a question word and "again" at the end of one are a candidate recalling an answer.
    assert content_words("oh wait how long do they take again") == frozenset()
    assert content_words("what was the second one again?") == {"second"}
    assert content_words("can I take it again?") == {"again"}  # a retake: a subject of its own
    # "what should I talk about in it?" asks what the topic covers; talking about a subject names it.
    assert content_words("ok what should i talk about in it") == frozenset()
    assert "salary" in content_words("can i talk about salary in it")
    assert "wait" not in content_words("wait, who interviews me?")


def test_whats_the_deal_with_is_what_about_and_names_no_unknown_word():
    from api.knowledge.index import without_recall

    assert without_recall("what's the deal with bar raisers") == "what about bar raisers"
    assert without_recall("whats up with the OA?") == "what about the OA?"
    assert unknown_words("what's the deal with bar raisers", frozenset({"bar", "raiser"})) == ()
    assert unknown_words("is it a good deal", frozenset({"bar"})) == ("deal", "good")  # a word of its own


def test_missing_the_part_about_something_asks_about_it_again():
    from api.knowledge.index import without_recall

    asked = "ok and back to the loop, i missed the part about failing"
    assert without_recall(asked) == "ok and back to the loop, what about failing"
    assert unknown_words(asked, frozenset({"back", "loop", "fail"})) == ()
    assert "missed" in unknown_words("what if i missed the deadline", frozenset({"loop"}))  # missing it is a subject


def test_the_other_listed_item_is_not_the_other_people_of_the_topic():
    ctx = Context(doc=STYLE, section=None, listed=(STYLE, SAMPLE))
    assert resolve("and the other one?", ctx).kind == "ordinal"
    assert resolve("is the other harder?", ctx).kind == "ordinal"
    assert resolve("and the other interviewers are who", ctx).kind != "ordinal"


def test_chat_abbreviations_and_the_candidate_name_nothing():
    assert content_words("i work for the federal govt rn, tbh") == {"work", "federal", "govt"}
    assert content_words("are they from the team im joining?") == {"team", "joining"}


def test_what_the_topic_listed_names_nothing_of_its_own():
    assert content_words("what are the two kinds again") == frozenset()
    assert content_words("ok what were the types again") == frozenset()
    assert content_words("does everyone get both") == {"everyone"}


@pytest.mark.parametrize("message", ["gotcha. and after it?", "and the one after it", "what about the step after that"])
def test_the_step_after_this_one_asked_in_more_words_is_what_comes_next(message):
    assert resolve(message, Context(doc=PHONE, section=None)).kind == "next"


def test_the_other_one_named_by_its_kind_is_the_other_listed_one_of_that_kind():
    apply = "knowledge/online-application.md"
    ctx = Context(doc=PHONE, section=None, listed=(apply, ASSESS, PHONE, LOOP))
    assert pick_listed(resolve("what about the other interview, any tips?", ctx), ctx) == LOOP
    # No kind named: the other one of the current topic's kind (below).
    assert pick_listed(resolve("and the other one?", ctx), ctx) == LOOP


def test_who_to_talk_to_asks_who_as_who_to_ask_does():
    assert content_words("who exactly should i talk to?") == frozenset()
    assert content_words("how many people will I talk to in it?") == {"talk"}  # the interviews: a subject
    assert content_words("why have a neutral person at all?") == {"neutral"}


def test_having_done_what_was_described_is_no_subject_of_a_next_step_question():
    assert resolve("ok done that. then what?", Context(doc=PHONE, section=None)).kind == "next"
    assert resolve("i did that, what's next", Context(doc=PHONE, section=None)).kind == "next"
    # ...nor is supposing it done: passing it, finishing it, its going well.
    for message in (
        "and if i pass that, whats next",
        "after i finish it, whats the next step",
        "and if it goes well, what's next",
        "and if i pass those whats next",
        "whats the next round like",
        "what's next after that",  # "next" said again by "after that"
        "ok whats next from there",
        "and if it goes well?",  # the supposition alone
        "what if i pass it",
        "and if i pass?",
    ):
        assert resolve(message, Context(doc=PHONE, section=None)).kind == "next", message
    # Failing it is no step done: what follows a failure is its own question.
    assert resolve("if i fail it whats next", Context(doc=PHONE, section=None)).kind != "next"


def test_chat_spellings_of_you_and_are_name_nothing():
    assert content_words("so what do u ask instead") == frozenset()
    assert content_words("r they from the team ur joining") == {"team", "joining"}


def test_an_item_asked_for_again_is_a_bare_reference():
    assert is_bare_reference("the 3rd one again?")
    assert not is_bare_reference("the 3rd one, what's in it?")


def test_what_happens_after_a_named_step_asks_for_the_step_after_it():
    assert named_before_next("what happens after i apply") is not None
    assert named_before_next("ok thanks, and what happens after the phone interview") is not None
    # What the button does, and the whole process, are not the step after one.
    assert named_before_next("what happens after i click apply now") is None
    assert named_before_next("once i hit submit what happens after?? like the whole thing") is None


def test_only_after_a_step_is_a_bare_after():
    from api.knowledge.context import is_bare_after

    assert is_bare_after("and after the phone screen?")
    assert is_bare_after("ok and after the OA?")
    assert not is_bare_after("what comes next after the phone screen?")
    assert not is_bare_after("after the phone screen how many days do i wait for an answer from them usually")


def test_done_alone_coming_next_and_a_closing_chat_word_ask_for_the_next_step():
    ctx = Context(doc="knowledge/online-application.md", section=None, step="knowledge/online-application.md")
    for message in ("ok done. what comes next?", "what is coming next please", "then what lol", "and before that pls"):
        assert resolve(message, ctx).kind in ("next", "previous"), message
    assert resolve("then what lol", ctx).kind == "next"
    assert named_before_next("i have completed the online assesment. what is coming next please") is not None


def test_and_then_leads_into_a_next_step_question():
    ctx = Context(doc="knowledge/online-application.md", section=None, step="knowledge/online-application.md")
    for message in ("and then whats next?", "then whats next?", "then what's next"):
        assert resolve(message, ctx).kind == "next", message


def test_a_correction_may_name_the_step_before_by_its_place():
    ctx = Context(doc=PHONE, section=None, step=PHONE)
    for message in ("no i meant the one before that", "sorry i mean the step before it", "no, before that"):
        assert resolve(message, ctx).kind == "previous", message


def test_an_impression_before_the_question_names_nothing():
    ctx = Context(doc=ASSESS, section=None, listed=(STYLE, SAMPLE), step=ASSESS)
    assert resolve("the second one sounds scary, how long", ctx) == Resolved("ordinal", 1, frozenset())
    # Asked on its own, the impression is the question.
    assert resolve("does the second one seem hard?", ctx).content == {"seem", "hard"}


def test_the_other_people_are_no_other_listed_item():
    ctx = Context(doc=LOOP, section=None, listed=(STYLE, SAMPLE))
    assert resolve("ok and the other ppl in the loop?", ctx).kind != "ordinal"
    assert resolve("and the other one?", ctx).kind == "ordinal"


def test_a_closing_then_leans_on_the_topic_unless_a_refusal_came_before():
    ctx = Context(doc=PHONE, section=None, step=PHONE)
    assert resolve("what should i focus on then", ctx).kind == "elliptical"
    # After "I don't know that", it leans on the refused question: its words are a question of their own.
    assert resolve("who makes the final decision then", replace(ctx, refused=True)).kind == "own"


def test_whats_after_a_named_step_asks_for_the_step_after_it():
    assert named_before_next("whats after the phone call") is not None
    assert named_before_next("what's right after the assessments?") is not None
    assert named_before_next("what's after that?") is None


def test_a_closing_anyway_leans_on_the_topic():
    ctx = Context(doc="knowledge/government-employees.md", section=None)
    assert resolve("what if i just go ahead anyway", ctx) == Resolved("elliptical", content=frozenset({"ahead"}))


def test_negations_and_the_letters_of_chat_spellings_name_nothing():
    assert content_words("what happens if i don't check with them") == {"check"}
    assert content_words("what happens if i dont check with them") == {"check"}
    assert content_words("what if i just go ahead w/o asking them") == {"ahead"}
    # "whats the point of having them" is read "why having them": why they exist.
    assert content_words("why having them") == frozenset()


def test_a_correction_stating_a_whole_question_is_that_question():
    assert meant_question("wait no i meant what the phone interview wants me to focus on") == (
        "what the phone interview wants me to focus on"
    )
    # A correction naming only another subject asks the last question again of it.
    assert meant_question("no i meant the phone one") is None
    assert meant_question("sorry i meant how long") is None  # too short to be a question of its own
    assert meant_question("what do you mean by well-structured?") is None  # no correction
