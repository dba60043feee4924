"""Cues of a sentence: tense, first person, modal verbs, quantities."""

from __future__ import annotations

import pytest

from api.practice.cues import amounts, cues, has_quantity, is_closer, is_opener, split_sentences, teller_modal


def test_sentences_split_at_ends_and_line_breaks_lower_case_included():
    text = "I was a nurse. we were short of staff!\n- I rewrote the rota\nIt worked?  yes."
    assert split_sentences(text) == [
        "I was a nurse.",
        "we were short of staff!",
        "I rewrote the rota",
        "It worked?",
        "yes.",
    ]


def test_first_person_singular_and_plural_are_counted_apart():
    c = cues("I told my manager that we'd ship it with our team and me.")
    assert (c.i, c.we) == (3, 2)


@pytest.mark.parametrize(
    "sentence, quantity",
    [
        ("Sales went up by 18 percent.", True),
        ("We saved £800 a month.", True),
        ("The report now takes ten minutes.", True),
        ("It was twice as fast.", True),
        ("Forty-five people came.", True),
        ("One of them thanked me.", False),
        ("The customer was happy.", False),
    ],
)
def test_a_measurable_amount_is_a_number_money_percentage_or_number_word(sentence, quantity):
    assert has_quantity(sentence) is quantity


def test_describing_oneself_is_not_telling_what_happened():
    assert cues("I'm extremely customer-obsessed.").past == 0
    assert cues("I am very organised.").past == 0
    assert cues("I organised a rota and called everyone.").past == 2
    assert cues("I would call the customer.").modal
    assert cues("I always deliver on time.").self_description


@pytest.mark.parametrize(
    "sentence, scene, acting, trouble",
    [
        ("At my last job the returns kept piling up on Fridays.", True, False, True),
        ("When I was a cashier, there were often long queues at lunch.", True, False, True),
        ("One night the heating in our care home broke down.", True, False, True),
        ("I introduced a weekly stock check.", False, True, False),
        ("We then called every customer on the list.", False, True, False),
        ("I was asked to lead the project.", False, False, False),
    ],
)
def test_scene_setting_doing_and_something_going_wrong_are_cues(sentence, scene, acting, trouble):
    c = cues(sentence)
    assert (c.scene_marker, c.acts, c.trouble) == (scene, acting, trouble)


def test_could_not_tells_what_happened_could_alone_is_a_hypothetical():
    assert not cues("She could not read the clock.").modal
    assert not cues("I couldn't find the file.").modal
    assert cues("I could ask my manager.").modal


@pytest.mark.parametrize(
    "sentence",
    ["Costs fell by several per cent.", "We answered dozens more calls a day.", "Returns went down to zero."],
)
def test_amounts_written_as_words_are_measurable(sentence):
    assert has_quantity(sentence)


@pytest.mark.parametrize(
    "sentence, opener",
    [
        ("Sure!", True),
        ("Hi, thanks for the question.", True),
        ("Good question, let me think.", True),
        ("Yes, I can think of one.", True),
        ("Okay so.", True),
        ("Absolutely, I'd be happy to share an example.", True),
        ("Great question!", True),
        ("Sure, here goes.", True),
        ("Thank you for asking.", True),
        ("Sure, I have a good example of this.", True),
        ("Certainly.", True),
        ("Sure, one time comes to mind.", True),
        ("Sure, I rewrote the rota.", False),
        ("So our ward was short of nurses.", False),
        ("Great, the team finished on time.", False),
        ("I have one colleague who helped.", False),
    ],
)
def test_a_greeting_or_acknowledgement_before_the_answer_is_an_opener(sentence, opener):
    assert is_opener(sentence) is opener


def test_filler_before_i_does_not_hide_an_action():
    c = cues("so basically i rang the depot and drove back out.")
    assert c.acts and c.starts_first_person


@pytest.mark.parametrize(
    "sentence", ["Visits went up threefold.", "We finished a fortnight early.", "It cost a tenth less."]
)
def test_folds_fortnights_and_tenths_are_measurable(sentence):
    assert has_quantity(sentence)


def test_the_place_of_a_sentence_weighs_its_cues():
    # An amount in the last sentence, trouble in the first: features of their own for the classifier.
    amount = cues("We raised 1,200 pounds.")
    assert amount.vector(1.0, False, True)[-1] == 1.0 and amount.vector(0.5, False, False)[-1] == 0.0
    trouble = cues("I joined a team whose code kept failing.")
    assert trouble.vector(0.0, True, False)[-4] == 1.0 and trouble.vector(0.5, False, False)[-4] == 0.0


@pytest.mark.parametrize(
    "sentence",
    [
        "Our rate went up by 22 percent within a week.",  # a percentage
        "We raised £5k for the shelter.",  # money, with a k
        "The new process was 10x faster.",  # a multiple in digits
        "It was twice as fast.",  # a multiple in words
        "We doubled the sign-ups.",
        "We cut waiting times by a third.",  # a fraction
        "Returns fell by half.",
        "We filed the return four days before the deadline.",  # time
        "The rest of the team got about a day a week back for planned work.",  # time with "a"
        "All three were driving the route on their own within a week.",
        "We served about 150 customers that morning.",  # a count of things done
        "Failures dropped from eight a month to one.",
    ],
)
def test_an_amount_that_measures_a_change_or_result_is_measurable(sentence):
    assert has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The two teams now meet every week.",  # names the teams, counts nothing
        "There were no more double bookings.",  # "double" describes the bookings
        "Since then I double-check every order.",
        "One of my colleagues now does it too.",
        "The shop now opens at 9 am.",  # a time of day
        "We now start at nine.",
        "We also stopped deploying after three o'clock.",
        "In 2019 I was promoted.",  # a year
        "In my third year I led the team.",  # an ordinal
        "By half term she could read the classroom clock.",
        "Two weeks later my manager thanked me.",  # when, not how much
        "After three months the project was handed over.",
        "We now meet three times a week.",  # how often
        "We delivered twice a day instead of once.",
        "The steps were used again twice that year.",
        "On the 3rd of May the new rota started.",
    ],
)
def test_a_number_that_only_names_places_or_dates_something_measures_nothing(sentence):
    assert not has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence, scene_clause, acting",
    [
        # "I <did> ..." that sets the scene: a clause tells what went wrong.
        ("I organised a wedding where the caterer cancelled the night before.", True, True),
        ("I joined a team whose code had almost no tests.", True, True),
        ("I missed a deadline because I underestimated the research.", True, True),
        # A relative clause of trouble ("that / who / which ...") sets the scene too.
        ("I pushed a change on a Friday afternoon that broke the checkout page.", True, True),
        ("So I had a caller who was furious about being cut off.", True, False),
        # After a leading "when ...", the main clause tells what the person did.
        ("When a customer emailed that her parcel was late, I sent a replacement.", True, True),
        ("After the meeting, we then called every customer.", False, True),
        ("When I was a cashier, there were long queues.", True, False),
        ("I introduced a weekly stock check.", False, True),
    ],
)
def test_a_clause_of_trouble_and_an_action_after_a_leading_clause_are_cues(sentence, scene_clause, acting):
    c = cues(sentence)
    assert (c.scene_clause, c.acts) == (scene_clause, acting)


@pytest.mark.parametrize(
    "sentence", ["I was wiring a new office when the lights went out.", "I had just become a shift supervisor."]
)
def test_an_ongoing_or_just_begun_state_sets_the_scene(sentence):
    assert cues(sentence).scene_marker


@pytest.mark.parametrize(
    "sentence",
    [
        "It cut the time customers waited for help roughly in half.",  # "in half"
        "We saved close to an hour of downtime every shift.",  # a time with "a", after "saved"/"close to"
        "I lost a whole day of work.",
        "The report now takes minutes instead of hours.",  # a time cut down, told without a number
        "Complaints dropped to almost none.",  # a count brought to zero
        "The jams dropped to maybe one a week.",  # "one" after a change
        "Sales quadrupled over the summer.",
        "All 40 orders went out on time.",
    ],
)
def test_halves_times_without_numbers_and_counts_brought_down_are_measurable(sentence):
    assert has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I learned to confirm every booking a week ahead.",  # the lesson's amount, not the result's
        "About a week later my manager called me.",  # when, not how much
        "I was the only one who knew the system.",
        "I moved the bins to one side.",
    ],
)
def test_a_lessons_amount_a_when_and_one_that_names_measure_nothing(sentence):
    assert not has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "My manager put me in charge of fixing the morning queue.",
        "I was put in charge of moving our office over one weekend.",
        "My manager wanted me to bring the score in line with the other teams.",
        "I had three days to test a feature that normally gets two weeks.",
        "It was up to me to find a new supplier.",
    ],
)
def test_being_put_in_charge_or_given_a_deadline_names_a_task(sentence):
    assert cues(sentence).task_marker


@pytest.mark.parametrize(
    "sentence",
    [
        "I had a caller who was furious because he had been cut off three times.",
        "I was halfway to a delivery when the road was closed because of an accident.",
        "Two of our bar staff called in sick an hour before opening.",
        "One of the machines on my line jammed several times every shift.",
    ],
)
def test_feelings_breakdowns_and_accidents_are_trouble(sentence):
    assert cues(sentence).trouble


@pytest.mark.parametrize(
    "sentence, trouble, task, scene_clause",
    [
        ("My first big goal in sales was to win back a customer.", False, True, False),
        ("My role at the time was to plan the rota.", False, True, False),
        ("I had a customer who was crying because her internet had been down for a week.", True, False, True),
        ("I built a model to predict cancellations, but it turned out to be wrong.", True, False, True),
        ("I was working at a cafe.", False, False, False),  # a scene, nothing going wrong
        ("It was down to me to fix it.", False, True, False),  # a duty, nothing going wrong
    ],
)
def test_a_goal_with_words_between_tears_outages_and_a_but_clause_of_trouble(sentence, trouble, task, scene_clause):
    c = cues(sentence)
    assert (c.trouble, c.task_marker, c.scene_clause) == (trouble, task, scene_clause)


@pytest.mark.parametrize(
    "sentence, measured",
    [
        ("It was twice as fast.", True),
        ("We raised twice what we had the year before.", True),
        ("A customer called to say he had been charged twice.", False),  # how often, not how much
        ("I always test every circuit twice now.", False),
    ],
)
def test_twice_measures_only_as_a_multiple(sentence, measured):
    assert has_quantity(sentence) is measured, amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I won the account back and I was promoted the next year.",
        "I hit my target for the first time that quarter.",
        "We passed the audit with no major findings.",
        "I received an award from the regional manager.",
    ],
)
def test_winning_passing_and_being_recognised_tell_a_result_not_an_action(sentence):
    c = cues(sentence)
    assert c.result_marker and not c.acts


@pytest.mark.parametrize(
    "sentence, measured",
    [
        ("Our store ranked first in the region.", True),  # a place measured
        ("Response times were cut from days to a few hours.", True),
        ("Nobody was injured in the next twelve months.", True),  # how long it held
        ("Only one complaint came in all month.", True),
        ("I was the only one who knew the system.", False),
        ("My team lead mentioned it in my review in 2022.", False),  # a year, with its full stop
        ("The queue cleared within the hour.", False),  # labelled not measured in train and dev
    ],
)
def test_a_place_a_time_cut_down_a_spell_that_held_and_only_one_are_measured(sentence, measured):
    assert has_quantity(sentence) is measured, amounts(sentence)


@pytest.mark.parametrize(
    "sentence, modal",
    [
        ("I would listen to the customer first.", True),
        ("I'd also escalate it to my manager.", True),
        ("If a customer complained, I would apologise.", True),
        ("I'd have called the manager.", True),
        ("I'd just started as a shift lead.", False),  # "had"
        ("We'd been short of staff for months.", False),
        ("I told him I would personally check every order for a week.", False),  # reported, told in the past
        ("I knew we would miss the deadline.", False),
    ],
)
def test_only_the_tellers_own_would_is_a_hypothetical_not_had_or_what_was_said_then(sentence, modal):
    assert teller_modal(sentence) is modal


@pytest.mark.parametrize(
    "sentence, closer",
    [
        ("Thanks!", True),
        ("Hope that helps.", True),
        ("So yeah, that's it.", True),
        ("Thank you for listening.", True),
        ("So yeah, we hit our target.", False),
        ("Thanks to her we finished on time.", False),
    ],
)
def test_a_closing_line_after_the_answer_is_a_closer(sentence, closer):
    assert is_closer(sentence) is closer


def test_a_full_stop_after_an_abbreviation_does_not_end_the_sentence():
    text = "I spoke to Mr. Patel, the owner. We agreed, e.g. on the rota. We opened by 9 a.m. the next day. It worked."
    assert split_sentences(text) == [
        "I spoke to Mr. Patel, the owner.",
        "We agreed, e.g. on the rota.",
        "We opened by 9 a.m. the next day.",
        "It worked.",
    ]
    assert not has_quantity("We opened by 9 a.m. the next day.")


@pytest.mark.parametrize(
    "sentence, task",
    [
        ("We had three weeks to give them an answer.", True),
        ("I wanted patients to get through more easily.", True),
        ("As the new secretary, I wanted more members to come.", True),
        ("I offered to walk round the store with him and get everything on his list.", False),  # what was done
    ],
)
def test_an_aim_or_a_deadline_for_us_names_a_task_an_offer_is_an_action(sentence, task):
    assert cues(sentence).task_marker is task


@pytest.mark.parametrize(
    "sentence, scene, trouble",
    [
        ("so i was on the till one saturday and the card machines went down.", True, True),
        ("We were on nights when the alarm went off.", True, False),
        ("A client hated the first designs I sent.", False, True),
    ],
)
def test_a_weekday_being_on_the_till_and_a_client_who_hated_it_set_a_scene(sentence, scene, trouble):
    c = cues(sentence)
    assert (c.scene_marker, c.trouble) == (scene, trouble)


@pytest.mark.parametrize(
    "sentence, measured",
    [
        ("People kept using the spreadsheet because the app was missing two things they relied on.", False),
        ("We made three small changes to the rota.", False),
        ("We fixed 40 issues before the launch.", True),
    ],
)
def test_counting_things_ideas_or_changes_lists_what_was_done_it_measures_no_outcome(sentence, measured):
    assert has_quantity(sentence) is measured, amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "It fell to me to tell the client.",
        "Our target was forty sign-ups a week.",
        "Our brief was to design a poster for the open day.",
        "My objective that year was to reduce late payments.",
        "I was expected to keep as many members as possible.",
        "I was chosen to be the super user for my shift.",
        "My manager gave me two weeks to find out why.",
        "We were asked to cut the canteen's food waste by a quarter.",
        "I got asked to train the new starters.",
        "I had been asked to write the report.",
        "I was supposed to hand over my notes before my leave.",
        "We needed to finish the fit-out by Friday.",
        "The plan was for me to cover reception.",
        "The challenge for me was to keep everyone calm.",
        "I took on the job of organising the party.",
        "I was the only tester on a release and had three days to test a feature.",
        "Last spring my manager asked me to move our reports to the new system.",
    ],
)
def test_a_duty_in_its_many_forms_names_a_task(sentence):
    assert cues(sentence).task_marker


@pytest.mark.parametrize(
    "sentence",
    [
        # A real scene before the duty: the situation (eval/practice/README.md).
        "In my second year, a client's bookkeeper quit a month before the deadline and I was put in charge of it.",
        # A target that is part of the scene, not the teller's duty.
        "Our sales target for the month was much higher than usual and the team was worried.",
    ],
)
def test_a_duty_after_a_scene_of_trouble_or_a_target_that_sets_the_scene_names_no_task(sentence):
    assert not cues(sentence).task_marker


@pytest.mark.parametrize(
    "sentence",
    [
        "So basically I was a waiter and a customer had a bad allergic reaction to a dish.",
        "I was working as a receptionist at a dental practice.",
        "I was new to the team and my colleagues had used the same spreadsheets for years.",
        "I was the youngest person on the team and I had an idea to change how we handled returns.",
    ],
)
def test_who_the_teller_was_sets_a_scene(sentence):
    assert cues(sentence).scene_marker


@pytest.mark.parametrize(
    "sentence, first",
    [
        ("Last spring my manager asked me to move our reports to the new system.", True),
        ("My job was to make sure every resident had their medicines on time during a staff shortage.", True),
        ("In my first month I was asked to clean up a customer database.", True),
        ("I was put in charge of moving our office over one weekend.", True),
        # A real scene before the duty, or being handed something that is not yet a duty: may be the scene.
        ("During a flu outbreak two nurses were off sick and I was asked to cover both wards.", False),
        ("In my first seat as a trainee I was given a case file that nobody had touched in months.", False),
        ("I worked at a phone shop that had a monthly sales target.", False),
    ],
)
def test_a_duty_with_no_more_than_a_time_before_it_is_told_first(sentence, first):
    from api.practice.cues import duty_first

    assert duty_first(sentence) is first


@pytest.mark.parametrize(
    "sentence",
    [
        "It saved a couple of hours a week.",  # a time saved, told without a number
        "It saved us a few hours every week.",
        "We saved several hours a week on reporting.",
        "Turnaround went down by a few days.",
        "It took a couple of hours off every shift.",
        "The team saved a couple of days per month.",
        "We cut costs by a fifth.",  # a fifth, as a third or a quarter
        "Scores went up ten points.",  # points gained, not a list of points
        "The error rate dropped to nil.",
        "Processing went from a day to an hour.",  # a time cut down, told with "a"/"an"
        "We got it down to an hour.",
        "It cut the queue to a few minutes.",
        "We didn't run out once in the next eight weekends.",  # how long it held, in weekends
    ],
)
def test_a_time_saved_without_a_number_a_fifth_and_points_gained_are_measurable(sentence):
    assert has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "It took a couple of weeks to settle in.",  # how long, not how much was saved
        "After a couple of weeks she was running in happily.",
        "Two months on, the client was still with us.",  # when, as "two months later"
        "After two weeks my manager was happy with it.",
        "I made two points in the meeting.",  # a list of points
        "It all came down to a week of planning.",  # not a time cut down
        "The decision fell to a couple of days before launch.",
        "Three days later she left us a five star review.",  # a kind of review, not a rating measured
        "My manager now gives them to every new starter, and three of my colleagues use them too.",
    ],
)
def test_a_few_weeks_that_pass_and_a_time_on_measure_nothing(sentence):
    assert not has_quantity(sentence), amounts(sentence)


@pytest.mark.parametrize(
    "sentence, duty",
    [
        # Being handed something that was going wrong sets the scene (issue #20, eighth round).
        ("During my placement I was given a test rig that nobody had used for years.", False),
        ("In my second week I was handed a project that was already three weeks behind.", False),
        ("We were given a server which kept crashing every night.", False),
        # Being given the duty, or a thing with what to do with it, is still the task.
        ("I was given the job of speeding up the process.", True),
        ("I was given a budget of five thousand pounds to launch a new product with no advertising.", True),
        ("I was given a contract to translate a manual in a week, which normally takes me three.", True),
        ("I was given a new starter to train who had never worked in a shop.", True),
    ],
)
def test_being_given_a_thing_that_was_going_wrong_names_no_duty(sentence, duty):
    from api.practice.cues import names_task

    assert names_task(sentence) is duty


@pytest.mark.parametrize(
    ("sentence", "quantity"),
    [
        ("By the end of the quarter I was second in the region.", True),
        ("Our city moved up to fourth place in the recycling table.", True),
        ("We got an A and the charity still uses the app.", True),
        ("We got the top score in the region.", True),
        ("The pipeline failed only twice after that.", True),
        ("The new routes went live one month late.", True),
        ("I was the second person to arrive.", False),
        ("We got a call from the manager.", False),
    ],
)
def test_a_place_a_grade_or_a_count_kept_low_is_measurable(sentence, quantity):
    assert has_quantity(sentence) is quantity
