from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_ext.components.message_checks import (
    asks_about_own_application,
    asks_about_rather_than_for,
    asks_beyond_yes_no,
    asks_for_a_person,
    asks_for_advice,
    asks_to_join,
    asks_to_retry,
    asks_to_stop,
    asks_what_a_look_up_cannot_answer,
    asks_where_to_check_status,
    greets,
    has_foreign_signs,
    is_non_english,
    is_not_a_question,
    names_a_subject,
    names_own_application,
    opens_as_a_process_question,
    requests_own_status,
    says_goodbye,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text",
    [
        "¿Puedo postularme a varios puestos al mismo tiempo?",
        "Wo kann ich den Status meiner Bewerbung sehen?",
        "Est-ce que je peux postuler à plusieurs postes ?",
        "Posso me candidatar a mais de uma vaga?",
        "Come mi preparo per il colloquio telefonico?",
        "面接はどのように行われますか？",
        "Как подать заявку на работу?",
    ],
)
def test_other_languages_are_recognised(text):
    assert is_non_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "how long is the work style assessment?",
        "I'm José, can I apply to two AWS jobs at once?",
        "que?",  # too little to tell: left to NLU
        "Is the bar raiser my manager?",
        "what's a résumé supposed to look like for the profile",
    ],
)
def test_english_is_not_flagged(text):
    assert not is_non_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "1' OR '1'='1'; SELECT * FROM candidates;--",
        "DROP TABLE candidates",
        "...",
        "???",
        "x" * 701,
    ],
)
def test_markup_sql_long_pastes_and_wordless_messages_are_not_questions(text):
    assert is_not_a_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can I update my resume from my profile?",
        "is the test < 20 minutes?",
        "what should I select from the job categories?",
    ],
)
def test_ordinary_questions_with_sql_words_are_questions(text):
    assert not is_not_a_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "I applied for a marketing role in Paris. Which portal do I check?",
        "which status page is for hardware engineering roles?",
        "Do I use the same status site as the other tech jobs?",
        "applied for a finance job in Berlin, where do I go to see my status",
        "where can I track my applications?",
        "how do I check my application status online?",
    ],
)
def test_questions_about_where_to_check_a_status_are_recognised(text):
    assert asks_where_to_check_status(text)


def test_every_stop_capabilities_request_human_and_join_training_example_passes_its_check():
    nlu = yaml.safe_load((ROOT / "bot" / "data" / "nlu.yml").read_text())

    def examples(intent: str) -> list[str]:
        block = next(b for b in nlu["nlu"] if b.get("intent") == intent)
        return [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]

    assert [e for e in examples("stop_practice") if not asks_to_stop(e)] == []
    assert [e for e in examples("capabilities") if names_a_subject(e)] == []
    assert [e for e in examples("request_human") if not asks_for_a_person(e)] == []
    assert [e for e in examples("join_talent_community") if not asks_to_join(e)] == []
    assert [e for e in examples("goodbye") if not says_goodbye(e)] == []
    assert [e for e in examples("greet") if not greets(e)] == []
    assert [e for e in examples("practice_retry") if not asks_to_retry(e)] == []
    assert [e for e in examples("check_my_status") if not names_own_application(e)] == []
    assert [e for e in examples("check_my_status") if opens_as_a_process_question(e)] == []
    assert [e for e in examples("check_my_status") if asks_what_a_look_up_cannot_answer(e)] == []
    assert [e for e in examples("request_human") if not asks_for_a_person(e)] == []


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("gpa cutoff for new grad?", says_goodbye),
        ("that's annoying. can i swap it out later", says_goodbye),
        ("what if i'm done with the OA early?", says_goodbye),
        ("does a past rejection count against me if i apply again?", asks_to_retry),
        ("rsu vesting schedule still 5/15/40/40 or did they change it", names_own_application),
        ("I'm a federal employee. is it ok to talk to amazon recruiters?", asks_for_a_person),
    ],
)
def test_messages_nlu_misread_lack_the_words_of_the_intent(text, check):
    assert not check(text)


@pytest.mark.parametrize("text", ["what's going on with it", "any news", "anything yet?", "still waiting..."])
def test_vague_look_ups_keep_their_intent(text):
    # NLU's look-up, even a weak one, is what the refusal's "look it up" button follows.
    assert names_own_application(text)


@pytest.mark.parametrize(
    "text",
    [
        "wait they want me to talk about taking risks?",
        "do they tell you the result the same day?",
        "who interviews me?",
    ],
)
def test_questions_that_name_no_joining_are_not_requests_to_join(text):
    assert not asks_to_join(text)


def test_no_other_intents_training_example_reads_as_a_question_about_ones_own_application():
    # MessageGuard trusts these forms over NLU's intent: none of the examples of what else candidates
    # ask (hiring questions, uncovered ones, job searches, small talk) may match them.
    nlu = yaml.safe_load((ROOT / "bot" / "data" / "nlu.yml").read_text())
    others = [
        line.strip()[2:]
        for block in nlu["nlu"]
        if block.get("intent") not in (None, "check_my_status", "inform_application")
        for line in block["examples"].splitlines()
        if line.strip()
    ]
    assert len(others) > 500
    assert [e for e in others if asks_about_own_application(e)] == []


def test_no_request_for_ones_own_status_in_the_training_data_reads_as_where_to_check():
    # The re-labelling must never take a real status look-up away from the status flow.
    nlu = yaml.safe_load((ROOT / "bot" / "data" / "nlu.yml").read_text())
    examples = [
        line.strip()[2:]
        for block in nlu["nlu"]
        if block.get("intent") in ("check_my_status", "inform_application")
        for line in block["examples"].splitlines()
        if line.strip()
    ]
    assert len(examples) > 60
    assert [e for e in examples if asks_where_to_check_status(e)] == []


def test_every_non_english_training_example_shows_a_foreign_sign():
    """MessageGuard drops NLU's non_english guess for a text with no foreign sign: that must never undo
    what the classifier learnt from the examples."""
    data = yaml.safe_load((Path(__file__).resolve().parents[3] / "bot" / "data" / "nlu.yml").read_text())
    (block,) = [b for b in data["nlu"] if b.get("intent") == "non_english"]
    examples = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    assert len(examples) > 20
    assert [e for e in examples if not has_foreign_signs(e)] == []


@pytest.mark.parametrize("text", ["EEO laws info?", "OA tips?", "BR = ?", "SDE II loop prep"])
def test_short_english_has_no_foreign_sign(text):
    assert not has_foreign_signs(text)


@pytest.mark.parametrize(
    "text", ["gotta run", "signing out", "adios", "take it easy", "i'm off", "bye!", "later!", "ok im done", "peace ✌️"]
)
def test_a_goodbye_without_the_usual_words_is_still_a_goodbye_when_it_asks_nothing(text):
    assert says_goodbye(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kindly let me know the outcome of my interview which happened on 28 Nov.",  # a relative "which"
        "hey can u tell me if i passed the work sample thing? 😬",
        "pls tell me if im getting an offer, im so nervous 😭",
    ],
)
def test_requests_for_ones_own_result_are_look_ups(text):
    assert requests_own_status(text)


@pytest.mark.parametrize(
    "text", ["which status page is mine?", "how do i know if i passed?", "what happens if i passed the phone screen?"]
)
def test_questions_about_how_results_are_told_are_not_look_ups(text):
    assert not requests_own_status(text)


@pytest.mark.parametrize(
    "text",
    [
        "state employee here, am i even allowed to discuss a job w amazon?",
        "is the loop just ppl from the team im joining?",
    ],
)
def test_whether_something_is_allowed_or_how_a_step_is_made_up_is_a_process_question(text):
    assert opens_as_a_process_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "why was i rejected",
        "how come they turned me down?",
        "can you withdraw my application",
        "change my email on my application to the new one pls",
        "can you give me feedback on my interview? what did i do wrong",
    ],
)
def test_reasons_feedback_and_changes_are_not_look_ups(text):
    assert asks_what_a_look_up_cannot_answer(text)
    assert not requests_own_status(text)


@pytest.mark.parametrize(
    "text", ["was i rejected?", "any feedback on my application yet?", "has my interview feedback come back"]
)
def test_asking_for_ones_result_is_still_a_look_up(text):
    assert not asks_what_a_look_up_cannot_answer(text)


def test_tell_me_about_the_talent_network_asks_about_it():
    assert asks_about_rather_than_for("fine, then just tell me about the talent network thing")
    assert not asks_about_rather_than_for("sign me up for the talent network")


@pytest.mark.parametrize("text", ["how many?", "how are they picked?", "ugh fine. how long r they"])
def test_a_question_with_no_word_of_greeting_is_no_greeting(text):
    assert not greets(text)


def test_is_it_moving_after_applying_is_a_look_up():
    assert requests_own_status("I already applied to req 2751930, is it moving?")


def test_what_you_do_in_it_asks_about_the_topic_not_the_assistant():
    assert names_a_subject("what kind of stuff do you do in it")
    assert not names_a_subject("what can you do?")
    # A lead-in is no subject: after two refusals, "fine, what DO u know about" asks what is covered.
    assert not names_a_subject("fine, what DO u know about")
    assert names_a_subject("fine, what do u know about relocation")
    # Asking whether one may ask names nothing yet; asking it of a subject does.
    assert not names_a_subject("can i ask you something?")
    assert not names_a_subject("mind if i ask you something")
    assert names_a_subject("can i ask you something about relocation?")


def test_a_statement_going_on_from_the_answer_is_no_yes():
    assert asks_beyond_yes_no("and weekends dont count right")
    assert not asks_beyond_yes_no("and yes")
    assert not asks_beyond_yes_no("sounds good")


@pytest.mark.parametrize(
    "text",
    ["im nervous about my interview loop next week, any advice?", "wish me luck! any last tips?", "how should i prep"],
)
def test_a_request_for_advice_is_found_whatever_else_the_message_says(text):
    assert asks_for_advice(text)


@pytest.mark.parametrize("text", ["wish me luck", "so nervous lol", "how do i calm down", "any news on my app?"])
def test_nerves_and_other_requests_are_no_request_for_advice(text):
    assert not asks_for_advice(text)
