"""The knowledge service on the real model: a prefetched message is answered exactly as one that was not."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import pytest

from api.config import Settings
from api.knowledge.context import Context
from api.knowledge.embedder import PrefetchingEmbedder
from api.knowledge.index import build_index
from api.knowledge.search import Passage
from api.knowledge.service import KnowledgeService, _asks_something_else

ROOT = Path(__file__).resolve().parents[3]

DOCS = {
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n## How long it takes\n"
    "The phone interview takes about an hour and covers situations from your past work.\n",
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n## Bar raisers\n"
    "A bar raiser is an interviewer from outside the team who keeps the hiring bar high.\n",
}


def service(write_doc, tmp_path, embedder) -> KnowledgeService:
    for name, text in DOCS.items():
        write_doc(name, text)
    settings = Settings(knowledge_dir=write_doc.dir, var_dir=tmp_path / "var")
    index = build_index(write_doc.dir, settings.index_dir, embedder)
    return KnowledgeService(settings, PrefetchingEmbedder(embedder), index)


def test_a_prefetched_question_gets_the_same_answer_and_is_embedded_only_once(write_doc, tmp_path, embedder):
    svc = service(write_doc, tmp_path, embedder)
    question = "What does a bar raiser at Amazon do?"
    plain = svc.ask(question)
    with svc.prefetching(question, "c1"):
        svc.embedder._pool.submit(lambda: None).result()  # type: ignore[attr-defined]  # it has run
        other = asyncio.run(svc.ask_async(question, conversation="c2"))  # not this conversation's vector
        assert svc.embedder.hits == 0  # type: ignore[attr-defined]
        prefetched = asyncio.run(svc.ask_async(question, conversation="c1"))
    assert svc.embedder.hits == 1  # type: ignore[attr-defined]
    assert [(p.id, p.score) for p in other.passages] == [(p.id, p.score) for p in plain.passages]
    assert prefetched.kind == plain.kind == "answer"
    assert [(p.id, p.score) for p in prefetched.passages] == [(p.id, p.score) for p in plain.passages]


def test_a_prefetched_message_is_embedded_as_the_search_reads_it(write_doc, tmp_path, embedder):
    # Chat spellings written out and an opening acknowledgement dropped: the prefetched vector is of that
    # text, the same one `ask` embeds (it was of the message as typed, so the stack ranked another text).
    from api.knowledge.context import Context

    svc = service(write_doc, tmp_path, embedder)
    question = "ok cool thx. wat abt the bar raiser, wat do they do in the interview?"
    plain = svc.ask(question, ctx=Context())
    with svc.prefetching(question, "c1"):
        svc.embedder._pool.submit(lambda: None).result()  # type: ignore[attr-defined]  # it has run
        prefetched = asyncio.run(svc.ask_async(question, conversation="c1", ctx=Context()))
    assert svc.embedder.hits == 1  # type: ignore[attr-defined]
    assert prefetched.kind == plain.kind == "answer"
    assert [(p.id, p.score) for p in prefetched.passages] == [(p.id, p.score) for p in plain.passages]


def test_a_button_payload_a_blank_or_a_follow_up_shaped_message_is_not_prefetched(write_doc, tmp_path, embedder):
    svc = service(write_doc, tmp_path, embedder)
    pending = svc.embedder._pending  # type: ignore[attr-defined]
    for message in ('/ask_hiring{"section_id": "loop#bar-raisers"}', "   ", "how long does that take?", "hi there"):
        with svc.prefetching(message, "c1"):  # a payload, a blank, a follow-up (searched with what came before)
            assert not pending
    with svc.prefetching("What does a bar raiser do in the interview loop?", "c1"):
        assert list(pending) == [("c1", "What does a bar raiser do in the interview loop?")]
    assert not pending  # the turn is over: a vector nobody asked for is dropped


def test_a_search_is_ranked_on_the_event_loop_with_the_same_answer_prefetched_or_not(
    write_doc, tmp_path, embedder, monkeypatch
):
    svc = service(write_doc, tmp_path, embedder)
    question = "How long does the phone interview take?"
    plain = svc.ask(question)
    hops: list[object] = []
    real_to_thread = asyncio.to_thread

    here = threading.get_ident()

    async def counting_to_thread(fn, *args):
        # Only this test's loop counts: another test's service may still reload on a loop of its own.
        if threading.get_ident() == here:
            hops.append(fn)
        return await real_to_thread(fn, *args)

    monkeypatch.setattr(asyncio, "to_thread", counting_to_thread)
    not_prefetched = asyncio.run(svc.ask_async(question))  # embedded on the embedder's thread
    with svc.prefetching(question, "c1"):
        svc.embedder._pool.submit(lambda: None).result()  # type: ignore[attr-defined]  # it has run
        ready = asyncio.run(svc.ask_async(question, conversation="c1"))
    assert hops == []  # no thread of the pool waits for the model
    assert svc.embedder.hits == 1  # type: ignore[attr-defined]
    for decision in (not_prefetched, ready):
        assert decision.kind == plain.kind == "answer"
        assert [(p.id, p.score) for p in decision.passages] == [(p.id, p.score) for p in plain.passages]


LINKED_DOCS = {
    "assessments.md": "---\ntitle: Online assessments\nupdated: 2026-01-01\nnext: phone\nlists: [style, sample]\n---\n"
    "## Types of assessments\nThere are two: the work style assessment and the work sample simulation.\n",
    "style.md": "---\ntitle: Work style assessment\nupdated: 2026-01-01\nnext: phone\n---\n"
    "## What it asks\nQuestions about culture and Leadership Principles; pick the statement that fits you.\n",
    "sample.md": "---\ntitle: Work sample simulation\nupdated: 2026-01-01\nnext: phone\n---\n"
    "## How long it takes\nThe work sample simulation takes 20-60 minutes.\n",
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\nnext: loop\n---\n"
    "## What it covers\nThe phone interview covers situations from your past work.\n"
    "## No brain teasers\nAWS does not ask brain teasers, because they are unreliable for predicting success.\n",
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n## Bar raisers\n"
    "A bar raiser is a neutral interviewer who keeps the hiring bar high.\n"
    "## Who is in the loop\nTopic experts and future colleagues interview you in the loop.\n",
}


def service_of(docs: dict[str, str], write_doc, tmp_path, embedder, **settings) -> KnowledgeService:
    """A service over these documents only, each section answered on its own (the ranking, which these
    tests check, does not depend on that); `settings` override the defaults."""
    for name, text in docs.items():
        write_doc(name, text)
    config = Settings(knowledge_dir=write_doc.dir, var_dir=tmp_path / "var", **{"whole_doc_chars": 0, **settings})
    return KnowledgeService(config, embedder, build_index(write_doc.dir, config.index_dir, embedder))


def linked_service(write_doc, tmp_path, embedder) -> KnowledgeService:
    return service_of(LINKED_DOCS, write_doc, tmp_path, embedder)


def timed_service(write_doc, tmp_path, embedder) -> KnowledgeService:
    """The linked documents with the work style assessment's duration too (both assessments state one)."""
    docs = dict(LINKED_DOCS)
    docs["style.md"] += "## How long it takes\nThe work style assessment takes 10-20 minutes.\n"
    return service_of(docs, write_doc, tmp_path, embedder)


def talk(svc: KnowledgeService, *messages: str) -> list:
    from api.knowledge.context import Context

    ctx, out = Context(), []
    for message in messages:
        decision = svc.ask(message, ctx=ctx)
        out.append(decision)
        ctx = decision.context or ctx
    return out


def chat(svc: KnowledgeService, *messages: str) -> list:
    """As `talk`, sending the last question answered with each message, as the dialogue tier does."""
    from api.knowledge.context import Context

    ctx, previous, out = Context(), None, []
    for message in messages:
        decision = svc.ask(message, previous, ctx=ctx)
        out.append(decision)
        ctx = decision.context or ctx
        # (The dialogue tier remembers a question asked back too: actions/actions.py.)
        previous = decision.query if decision.kind in ("answer", "clarify") else previous
    return out


@contextlib.contextmanager
def refusing_every_follow_up(svc: KnowledgeService):
    """The service with a follow-up model that refuses every follow-up it judges (the project fixture has
    none): what a rule keeps from the model shows."""
    import numpy as np

    from api.knowledge.follow_ups import FollowUpModel

    svc.follow_ups = FollowUpModel(np.zeros(2 * 384 + 2), 10.0, 0.5)
    try:
        yield svc
    finally:
        svc.follow_ups = None


def test_what_comes_next_follows_the_process_and_ends_with_it(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    _, nxt, last, after = talk(
        svc, "what is the work sample simulation?", "and after that?", "then what?", "what's next?"
    )
    assert nxt.kind == "answer" and nxt.passages[0].doc == "knowledge/phone.md"
    assert last.passages[0].doc == "knowledge/loop.md"
    assert after.kind == "fallback"  # nothing is said about what follows the last step


def test_ordinals_resolve_to_what_the_last_answer_listed(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    _, second, other = talk(
        svc, "what types of assessments are there?", "how long is the second one?", "and the other one?"
    )
    assert second.passages[0].doc == "knowledge/sample.md"
    assert other.passages[0].doc == "knowledge/style.md"


PARALLEL_DOCS = {
    "assess.md": "---\ntitle: Online assessments\nupdated: 2026-01-01\nlists: [style, sample]\n---\n"
    "## Types of assessments\nThere are two: the work style assessment and the work sample simulation.\n",
    "style.md": "---\ntitle: Work style assessment\nupdated: 2026-01-01\n---\n"
    "## Example work style question\nYou pick the statement that fits you best.\n"
    "## How long the work style assessment takes\nIt typically takes 10-20 minutes.\n",
    "sample.md": "---\ntitle: Work sample simulation\nupdated: 2026-01-01\n---\n"
    "## Example work sample tasks\nTasks such as prioritising a queue of customer requests.\n"
    "## How long the work sample simulation takes\nIt typically takes 20-60 minutes.\n",
}


def test_a_bare_ordinal_asks_the_last_question_again_of_that_item(write_doc, tmp_path, embedder):
    svc = service_of(PARALLEL_DOCS, write_doc, tmp_path, embedder)
    _, first, second = talk(
        svc, "what types of assessments are there?", "how long does the first one take?", "and the second?"
    )
    assert first.passages[0].id == "style#how-long-the-work-style-assessment-takes"
    assert second.passages[0].id == "sample#how-long-the-work-sample-simulation-takes"
    _, example, other = talk(
        svc, "what types of assessments are there?", "what's the first one like?", "and the other one?"
    )
    assert example.passages[0].id == "style#example-work-style-question"
    assert other.passages[0].id == "sample#example-work-sample-tasks"


@pytest.mark.parametrize(
    "follow_up",
    ["and the work sample one?", "what about the work sample simulation", "is it the same for the work sample one?"],
)
def test_naming_only_another_topic_asks_the_last_question_again_of_it(write_doc, tmp_path, embedder, follow_up):
    svc = service_of(PARALLEL_DOCS, write_doc, tmp_path, embedder)
    first, named = talk(svc, "how long does the work style assessment take?", follow_up)
    assert first.passages[0].id == "style#how-long-the-work-style-assessment-takes"
    assert named.kind == "answer" and named.passages[0].id == "sample#how-long-the-work-sample-simulation-takes"
    # A follow-up with a question of its own is not the last question again.
    _, asked = talk(svc, "how long does the work style assessment take?", "what tasks are in the work sample one?")
    assert asked.passages[0].id == "sample#example-work-sample-tasks"


def test_a_follow_up_comparing_lengths_gets_each_listed_topics_duration(write_doc, tmp_path, embedder):
    svc = service_of(PARALLEL_DOCS, write_doc, tmp_path, embedder)
    _, longer = talk(svc, "what types of assessments are there?", "ok but is the second one longer?")
    assert [p.id for p in longer.passages] == [
        "style#how-long-the-work-style-assessment-takes",
        "sample#how-long-the-work-sample-simulation-takes",
    ]
    _, example, stuff = talk(
        svc, "what is the work sample simulation like?", "is that the shorter one?", "what kind of stuff is in it?"
    )
    assert {p.doc for p in example.passages} == {"knowledge/style.md", "knowledge/sample.md"}
    assert stuff.kind == "answer"  # "stuff" names nothing: what the topic holds


def test_an_ordinal_follow_up_asking_what_its_topic_does_not_say_is_refused(write_doc, tmp_path, embedder):
    svc = service_of(PARALLEL_DOCS, write_doc, tmp_path, embedder)
    _, fail, example = talk(
        svc, "what types of assessments are there?", "can u fail the first one?", "what's the second one like?"
    )
    assert fail.kind == "fallback"  # nothing about failing it: refused, not the work style section
    _, harder = talk(svc, "what types of assessments are there?", "is the second one harder?")
    assert harder.kind == "fallback"  # no text says how hard anything is
    assert example.kind == "answer" and example.passages[0].doc == "knowledge/sample.md"
    # "explain" and "details" ask what the item is, as "tell me about" does: nothing of their own.
    for asked in ("explain the second one", "more details on the second one pls"):
        _, explained = talk(svc, "what types of assessments are there?", asked)
        assert explained.kind == "answer" and explained.passages[0].doc == "knowledge/sample.md", asked


def test_after_a_refusal_a_follow_up_with_no_subject_of_its_own_is_refused_again(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    answer, refused, who, phone = talk(
        svc,
        "what is a bar raiser?",
        "what is the salary for a data engineer?",
        "ok who can I ask then?",
        "what does the phone interview cover?",
    )
    assert answer.kind == "answer" and refused.kind == "fallback"
    assert refused.context is not None and refused.context.refused and refused.context.doc == answer.context.doc
    assert who.kind == "fallback"  # not the bar raiser section again
    assert phone.kind == "answer" and not phone.context.refused  # a question of its own starts afresh
    _, why = talk(svc, "what is a bar raiser?", "why?")
    assert why.kind == "answer"  # without a refusal before it, "why?" leans on the topic
    # "why not?" after a refusal is about the refused question; "why have them?" about the topic's thing.
    _, _, why_not, why_them = talk(
        svc, "what is a bar raiser?", "what is the salary for a data engineer?", "why not?", "why do you even have them"
    )
    assert why_not.kind == "fallback"
    assert why_them.kind == "answer" and why_them.passages[0].id == "loop#bar-raisers"
    *_, why_one = talk(
        svc, "what is a bar raiser?", "what is the salary for a data engineer?", "why do they even have one"
    )
    assert why_one.kind == "answer" and why_one.passages[0].id == "loop#bar-raisers"
    # A quantity asked after a refusal is asked of the topic, not of the refused question.
    _, wrong, duration = talk(
        svc, "what is the work sample simulation?", "is there a wrong answer in it?", "ok. how long is it?"
    )
    assert wrong.kind == "fallback"
    assert duration.kind == "answer" and duration.passages[0].doc == "knowledge/sample.md"


def test_a_refused_question_that_names_another_topic_makes_it_the_topic(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    first, phone, asked = talk(
        svc,
        "how long is the work sample simulation?",
        "wait no i meant the phone interview, how long is that",
        "ok what do they ask in it then",
    )
    assert first.kind == "answer" and phone.kind == "fallback"  # no duration is stated for the phone interview
    assert phone.context is not None and phone.context.doc == "knowledge/phone.md" and phone.context.refused
    # "it" is the phone interview the refused question named, not the work sample simulation.
    assert asked.kind == "answer" and asked.passages[0].doc == "knowledge/phone.md"
    # A refused question that names no topic of its own keeps the topic.
    _, salary = talk(svc, "what is a bar raiser?", "what is the salary for a data engineer?")
    assert salary.kind == "fallback" and salary.context.doc == "knowledge/loop.md"


def test_a_comparison_of_two_named_topics_is_answered_with_what_each_one_is(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    both = svc.ask("what's the difference between the phone interview and the loop?")
    assert both.kind == "answer"
    assert {p.id for p in both.passages} == {"phone#what-it-covers", "loop#who-is-in-the-loop"}
    # One topic named: the usual answer.
    assert {p.doc for p in svc.ask("what does the phone interview cover?").passages} == {"knowledge/phone.md"}


def test_a_quantity_asked_of_a_listed_kind_in_the_plural_is_each_one_s(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    both = svc.ask("how long are the assessments?")
    assert both.kind == "answer"
    assert {p.doc for p in both.passages} == {"knowledge/style.md", "knowledge/sample.md"}
    one = svc.ask("how long is the work style assessment?")
    assert [p.doc for p in one.passages] == ["knowledge/style.md"]


AUDIENCE_DOCS = {
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n## How to prepare for the interviews\n"
    "Think about your successes and failures and tell them with the STAR method.\n",
    "devs.md": "---\ntitle: Software developer interview prep\nupdated: 2026-01-01\naudience: [software, developer, sde]\n"
    "---\n## Interview prep for software developers\nSoftware developers have an extra interview prep guide.\n",
}


def test_a_topic_for_an_audience_gives_way_to_the_general_one_unless_the_question_names_the_audience(
    write_doc, tmp_path, embedder
):
    svc = service_of(AUDIENCE_DOCS, write_doc, tmp_path, embedder)
    assert svc.ask("how should I prep for the interviews?").passages[0].doc == "knowledge/loop.md"
    assert svc.ask("I'm an SDE, how should I prep for the interviews?").passages[0].doc == "knowledge/devs.md"
    assert svc.ask("is there an interview prep guide for developers?").passages[0].doc == "knowledge/devs.md"


def test_a_question_about_applying_to_several_roles_is_not_for_the_audience_of_one_of_them(
    write_doc, tmp_path, embedder
):
    docs = dict(AUDIENCE_DOCS)
    docs["several.md"] = (
        "---\ntitle: Applying to several jobs\nupdated: 2026-01-01\n---\n## Applying to more than one job\n"
        "You can apply to several roles; each application is evaluated against the requirements of its role.\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    for question in (
        "applying to both SDE and data engineer, is that ok or does it look bad",
        "applied to an sde role and also a support role, will they judge me the same?",
    ):
        asked = svc.ask(question)
        assert asked.ranked[0].doc == "knowledge/several.md", (
            question,
            asked.kind,
            [(p.doc, p.score) for p in asked.ranked],
        )
    # One role applied for, and a clause after it: the audience's own question.
    assert svc.ask("I applied to an SDE role and got an interview, how should I prep?").passages[0].doc == (
        "knowledge/devs.md"
    )


FIRST_DOCS = {
    "tips.md": "---\ntitle: Recruiter tips\nupdated: 2026-01-01\n---\n## Tips from recruiters\n"
    "Amazon's recruiters share their advice for your interviews.\n",
    "gov.md": "---\ntitle: Government employees\nupdated: 2026-01-01\naudience: [government, govt]\n{first}---\n"
    "## Restrictions for government employees\n"
    "If you work for the government, check with your ethics officer before you talk to Amazon about a job.\n",
}


def test_a_topic_whose_audience_comes_first_ranks_up_for_a_question_naming_the_audience(write_doc, tmp_path, embedder):
    from api.knowledge.search import AUDIENCE_FIRST_BONUS

    def scores(flag: str, question: str) -> dict[str, float]:
        docs = {name: text.replace("{first}", flag) for name, text in FIRST_DOCS.items()}
        svc = service_of(docs, write_doc, tmp_path / str(len(flag)), embedder)
        return {p.doc: p.score for p in svc.ask(question).ranked}

    question = "i work for the state govt rn, anything i need to do before talking to recruiters?"
    plain, first = scores("", question), scores("audience_first: true\n", question)
    assert first["knowledge/gov.md"] - plain["knowledge/gov.md"] == pytest.approx(AUDIENCE_FIRST_BONUS)
    assert first["knowledge/tips.md"] == pytest.approx(plain["knowledge/tips.md"])
    # A question that does not name the audience: no bonus (the audience's usual penalty instead).
    other = "any advice from recruiters?"
    assert scores("audience_first: true\n", other)["knowledge/gov.md"] == pytest.approx(
        scores("", other)["knowledge/gov.md"]
    )


STEP_DOCS = {
    "steps.md": "---\ntitle: Hiring steps\nupdated: 2026-01-01\nlists: [phone, loop]\n---\n## The steps\n"
    "There are two steps: the phone interview, then the in-person interviews.\n",
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\nnext: loop\n---\n## What it covers\n"
    "The phone interview covers situations from your past work.\n",
    "loop.md": "---\ntitle: In-person interviews\nupdated: 2026-01-01\n---\n## What they are\n"
    "A series of conversations with future colleagues.\n## How to prepare for them\n"
    "Prepare stories about your successes and failures, told with the STAR method.\n",
    # A close neighbour for "how should I prepare?" on its own, as the developers' guide is in knowledge/.
    "guide.md": "---\ntitle: Interview prep guide\nupdated: 2026-01-01\n---\n## How to prepare with the guide\n"
    "An interview prep guide helps you prepare for your interviews.\n",
}


def test_a_pronoun_after_an_overview_that_named_a_step_is_about_that_step(write_doc, tmp_path, embedder):
    svc = service_of(STEP_DOCS, write_doc, tmp_path, embedder)
    overview, prep = talk(svc, "what's the last step of the process?", "how should I prepare for it?")
    assert overview.passages[0].doc == "knowledge/steps.md" and overview.context.step == "knowledge/loop.md"
    assert prep.kind == "answer" and prep.passages[0].id == "loop#how-to-prepare-for-them"
    # Answered within that step's topic, not by a search of everything that happened to land there.
    assert {p.doc for p in prep.ranked} == {"knowledge/loop.md"}


CORRECTION_DOCS = {
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\nnext: loop\n---\n## When you hear back\n"
    "AWS aims to get back to you within two business days after your phone interview.\n",
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n## What the final interviews are\n"
    "The final interviews are a series of conversations with future colleagues.\n",
}


def test_a_correction_asks_the_last_question_again_about_its_new_subject(write_doc, tmp_path, embedder):
    svc = service_of(CORRECTION_DOCS, write_doc, tmp_path, embedder)
    question = "how soon do they get back to you after the phone interview?"
    (first,) = talk(svc, question)
    assert first.kind == "answer"
    # The page gives no reply time after the final interviews: refused, not the loop's description.
    corrected = svc.ask("no i meant after the final interviews", question, ctx=first.context)
    assert corrected.kind == "fallback"
    # Remembered as a refusal: "who can I ask then?" next is refused again, not answered from the topic.
    assert corrected.context is not None and corrected.context.refused
    assert svc.ask("ok who can I ask then?", "no i meant after the final interviews", ctx=corrected.context).kind == (
        "fallback"
    )
    # Without the previous question it is a question of its own about the final interviews.
    assert svc.ask("no i meant after the final interviews", None, ctx=first.context).kind == "answer"


def test_the_same_time_asked_of_a_topic_that_states_none_is_refused(write_doc, tmp_path, embedder):
    svc = service_of(CORRECTION_DOCS, write_doc, tmp_path, embedder)
    _, same, those = talk(
        svc,
        "how soon do they get back to you after the phone interview?",
        "is that the same for the interview loop?",
        "ok and what are those",
    )
    assert same.kind == "fallback"  # the loop's topic gives no reply time: not the loop's description
    # The refused question's topic is what "those" means next.
    assert those.kind == "answer" and those.passages[0].doc == "knowledge/loop.md"


LENGTH_DOCS = {
    "sample.md": "---\ntitle: Work sample simulation\nupdated: 2026-01-01\n---\n"
    "## How long the work sample simulation takes\nThe work sample simulation takes 20 to 60 minutes.\n",
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n## What the phone interview covers\n"
    "The phone interview asks about your experience with behavior-based questions.\n"
    "## When you hear back after the phone interview\n"
    "AWS aims to get back to you within two business days after your phone interview.\n",
}


@pytest.mark.parametrize(
    "docs, question, correction, answered_at, topic",
    [
        (
            PARALLEL_DOCS,
            "how long does the work style assessment take?",
            "sorry i meant the work sample one",
            "sample#how-long-the-work-sample-simulation-takes",
            "knowledge/sample.md",
        ),
        # How long the phone interview lasts is not stated: the two business days after it are a wait.
        # Refused, and the topic named is the topic ("what do they ask in it then?" is about it).
        (
            LENGTH_DOCS,
            "how long does the simulation take?",
            "no sorry i meant the phone interview",
            None,
            "knowledge/phone.md",
        ),
    ],
)
def test_a_correction_is_answered_at_the_section_that_states_what_was_asked_or_refused(
    docs, question, correction, answered_at, topic, write_doc, tmp_path, embedder
):
    svc = service_of(docs, write_doc, tmp_path, embedder)
    (first,) = talk(svc, question)
    assert first.kind == "answer" and "how-long" in first.passages[0].id
    corrected = svc.ask(correction, question, ctx=first.context)
    assert [p.id for p in corrected.passages[:1]] == ([answered_at] if answered_at else [])
    assert corrected.kind == ("answer" if answered_at else "fallback")
    assert corrected.context is not None and corrected.context.doc == topic
    assert corrected.context.refused is (answered_at is None)


def test_a_follow_up_is_answered_within_its_topic_or_refused(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    _, why, _, overrule, others = talk(
        svc,
        "are there brain teasers in the phone interview?",
        "why not?",
        "what is a bar raiser?",
        "can they overrule everyone?",
        "who else is in the loop?",
    )
    assert why.kind == "answer" and why.passages[0].id == "phone#no-brain-teasers"
    assert overrule.kind == "fallback"  # not stated: refused, not the bar raiser section again
    assert others.kind == "answer" and others.passages[0].id == "loop#who-is-in-the-loop"  # not a repeat


def test_a_question_for_a_quantity_the_topic_does_not_state_is_refused(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    assert svc.ask("how long does the work sample simulation take?").kind == "answer"
    assert svc.ask("how many bar raisers are in the interview loop?").kind == "fallback"
    # In a conversation too: the topic is right, the quantity is not stated.
    _, how_many = talk(svc, "who is in the interview loop?", "how many interviewers will I meet?")
    assert how_many.kind == "fallback"
    _, second = talk(svc, "what types of assessments are there?", "how long is the second one?")
    assert second.kind == "answer" and second.passages[0].doc == "knowledge/sample.md"


TIE_DOCS = {
    "talent.md": "---\ntitle: Talent network\nupdated: 2026-01-01\n---\n## Joining the talent network\n"
    "Get notified when there is a role that matches your expertise.\n",
    "finding.md": "---\ntitle: Finding a job\nupdated: 2026-01-01\n---\n## Finding the right job\n"
    "Search the open roles by keyword and location to find jobs near you.\n",
}


def test_a_near_tie_is_settled_by_the_topic_that_states_clearly_more_of_the_question(write_doc, tmp_path, embedder):
    svc = service_of(TIE_DOCS, write_doc, tmp_path, embedder)
    talent, finding = (
        Passage.of(svc.index.doc_sections[f"knowledge/{d}.md"][0], 0.43, 0.43) for d in ("talent", "finding")
    )
    # "find", "roles" and "near" are all in the second; only "roles" in the first.
    assert svc._states_more("how do I find roles near me?", talent, finding) is finding
    assert svc._states_more("how do I find roles near me?", finding, talent) is finding
    # Each states as much of the question as the other: a genuine tie, asked.
    assert svc._states_more("what about roles?", talent, finding) is None


def test_a_message_naming_a_step_and_asking_what_comes_next_gets_the_step_after_it(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    (after_sample,) = talk(svc, "just finished the work sample simulation, what comes next?")
    assert after_sample.kind == "answer" and after_sample.passages[0].doc == "knowledge/phone.md"
    assert after_sample.context is not None and after_sample.context.step == "knowledge/phone.md"
    # Whatever the conversation was about before.
    _, after_phone = talk(svc, "what does a bar raiser do?", "my phone interview went well, what's the next step?")
    assert after_phone.passages[0].doc == "knowledge/loop.md"
    # The last step: the page says nothing of what follows it.
    (after_loop,) = talk(svc, "what's next after the interview loop?")
    assert after_loop.kind == "fallback"


def test_after_a_step_named_by_its_place_in_the_list_comes_the_step_after_it(write_doc, tmp_path, embedder):
    svc = service_of(STEP_DOCS, write_doc, tmp_path, embedder)
    _, after_first = talk(svc, "what are the steps?", "what comes after the first")
    assert after_first.kind == "answer" and after_first.passages[0].doc == "knowledge/loop.md"
    _, after_phone = talk(svc, "what are the steps?", "ok and after the phone interview?")
    assert after_phone.passages[0].doc == "knowledge/loop.md"


IN_PERSON_DOCS = {
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n"
    "## What an interview loop is\nThe interview loop is the series of in-person interviews with topic experts.\n"
    "## Whether in-person interviews are virtual\nThe in-person interviews are currently held virtually.\n",
    "sample.md": "---\ntitle: Work sample simulation\nupdated: 2026-01-01\n---\n"
    "## How long it takes\nThe work sample simulation takes 20-60 minutes.\n"
    "## Example tasks\nYou may interpret data from a chart or answer a customer question.\n",
    "glossary.yml": "on-site: in-person interviews (interview loop)\nloop: interview loop\n",
}


def test_a_follow_up_in_candidates_words_is_read_in_the_knowledges_words(write_doc, tmp_path, embedder):
    svc = service_of(IN_PERSON_DOCS, write_doc, tmp_path, embedder)
    virtual, onsite = talk(svc, "are the in-person interviews held virtually?", "is that one on-site?")
    assert virtual.passages[0].id == "loop#whether-in-person-interviews-are-virtual"
    # "on-site" is stated as "in-person interviews": the section just given answers it, not "not covered".
    assert onsite.kind == "answer" and onsite.passages[0].id == virtual.passages[0].id


def test_what_a_topic_involves_is_not_the_section_just_given_again(write_doc, tmp_path, embedder):
    svc = service_of(IN_PERSON_DOCS, write_doc, tmp_path, embedder)
    _, doing = talk(svc, "how long is the work sample simulation?", "what will I be doing in it?")
    assert doing.kind == "answer" and doing.passages[0].id == "sample#example-tasks"


def test_a_question_asking_what_a_thing_is_is_answered_by_the_section_headed_with_it(write_doc, tmp_path, embedder):
    # NLU's flag refuses all but a near-verbatim match here, as it refuses "what's the salary?".
    svc = service_of(IN_PERSON_DOCS, write_doc, tmp_path, embedder, uncovered_override=0.99)
    # Short and flagged by NLU ("what's the ..." like "what's the salary?"), yet the section is headed
    # with the thing it names.
    decision = svc.ask("what's the loop?", likely_uncovered=True)
    assert decision.kind == "answer" and decision.passages[0].id == "loop#what-an-interview-loop-is"
    assert svc.ask("what's the salary?", likely_uncovered=True).kind == "fallback"


PROCESS_DOCS = {
    "steps.md": "---\ntitle: Hiring steps\nupdated: 2026-01-01\nlists: [apply, phone, loop]\n---\n"
    "## The steps\nThe steps are the online application, the phone interview and the interview loop.\n",
    "apply.md": "---\ntitle: Online application\nupdated: 2026-01-01\nnext: phone\n---\n"
    "## How to apply\nClick Apply Now on a job's page and create a profile.\n",
    "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\nnext: loop\n---\n"
    "## What the phone interview covers\nThe phone interview covers situations from your past work.\n",
    "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n"
    "## What the loop is\nThe interview loop is the final round of interviews.\n",
}


def test_a_question_for_the_step_before_a_named_one_gets_the_step_before_it(write_doc, tmp_path, embedder):
    svc = service_of(PROCESS_DOCS, write_doc, tmp_path, embedder)
    (before_loop,) = talk(svc, "what's the round right before the loop?")
    assert before_loop.kind == "answer" and before_loop.passages[0].doc == "knowledge/phone.md"
    (straight,) = talk(svc, "is there some kind of interview before the final round or do you go straight there?")
    assert straight.passages[0].doc == "knowledge/phone.md"
    (which,) = talk(svc, "ok which one comes right before the loop")
    assert which.kind == "answer" and which.passages[0].doc == "knowledge/phone.md"
    (plain,) = talk(svc, "what's before the phone interview?")
    assert plain.kind == "answer" and plain.passages[0].doc == "knowledge/apply.md"


def test_and_before_that_walks_the_process_backwards_and_stops_at_its_start(write_doc, tmp_path, embedder):
    svc = service_of(PROCESS_DOCS, write_doc, tmp_path, embedder)
    _, before, first, nothing = talk(
        svc, "what is the interview loop?", "and before that?", "what comes right before it", "and before that?"
    )
    assert before.kind == "answer" and before.passages[0].doc == "knowledge/phone.md"
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/apply.md"
    assert nothing.kind == "fallback"  # nothing is said about what comes before the first step


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("what's the very first step?", "knowledge/apply.md"),
        ("what's the first step to get a job at aws?", "knowledge/apply.md"),
        ("and the second step", "knowledge/phone.md"),
        ("what is the third stage", "knowledge/loop.md"),
    ],
)
def test_a_step_asked_for_by_its_place_in_the_process_is_that_step(write_doc, tmp_path, embedder, question, doc):
    svc = service_of(PROCESS_DOCS, write_doc, tmp_path, embedder)
    (decision,) = talk(svc, question)
    assert decision.kind == "answer" and decision.passages[0].doc == doc


def test_a_quantity_a_close_section_states_is_answered_whatever_nlus_flag(write_doc, tmp_path, embedder):
    docs = {
        "tips.md": "---\ntitle: Recruiter tips\nupdated: 2026-01-01\n---\n"
        "## Tips from recruiters\nRecruiters shared a set of 11 tips for interviewing.\n",
        "loop.md": IN_PERSON_DOCS["loop.md"],
    }
    # NLU's flag refuses all but a near-verbatim match here, as it refuses most "how many" questions.
    svc = service_of(docs, write_doc, tmp_path, embedder, uncovered_override=0.99)
    tips = svc.ask("how many tips did the recruiters share?", likely_uncovered=True)
    assert tips.kind == "answer" and tips.passages[0].id == "tips#tips-from-recruiters"
    assert svc.ask("how many interviewers are in the interview loop?", likely_uncovered=True).kind == "fallback"


def test_a_quantity_the_best_section_does_not_state_is_taken_from_the_section_headed_with_it(
    write_doc, tmp_path, embedder
):
    docs = {
        "sample.md": IN_PERSON_DOCS["sample.md"],
        "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n"
        "## What the phone interview covers\nThe phone interview covers situations from your past work.\n"
        "## When you hear back\nAWS aims to get back to you within two business days after the phone interview.\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    tasks = svc.ask("the one where you interpret a chart or answer a customer question, how long is it?")
    assert tasks.kind == "answer" and tasks.passages[0].id == "sample#how-long-it-takes"
    # The reply time is a duration of the phone topic, but no section is headed with its length.
    from api.knowledge.search import Decision, Passage

    sections = {sec.id: sec for sec in svc.index.sections}
    covers = Passage.of(sections["phone#what-the-phone-interview-covers"], 0.6, 0.6)
    reply = Passage.of(sections["phone#when-you-hear-back"], 0.58, 0.58)
    decision = Decision("answer", [covers], [covers, reply], "how long is the phone interview?")
    assert svc._section_for_quantity("how long is the phone interview?", decision) is None


def test_a_pronoun_follow_up_stays_with_the_topic_unless_another_states_more_of_it(write_doc, tmp_path, embedder):
    docs = {
        "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n"
        "## What the phone interview covers\nThe phone interview covers situations from your past work.\n"
        "## How to answer\nStay focused on the question and include metrics.\n\n"
        "<!-- questions\n- tips for answering well in the phone interview\n-->\n",
        "tips.md": "---\ntitle: Interview tips\nupdated: 2026-01-01\n---\n"
        "## Tips for interviews\nRecruiters shared a set of 11 tips: their tips for interviewing.\n\n"
        "<!-- questions\n- any tips?\n- any tips for the interviews?\n-->\n",
        "apply.md": "---\ntitle: Online application\nupdated: 2026-01-01\n---\n"
        "## Finding a job\nSearch the careers page for roles by location.\n",
        "multi.md": "---\ntitle: Several applications\nupdated: 2026-01-01\n---\n"
        "## Applying to more than one job\nYou can apply to several roles.\n\n"
        "<!-- questions\n- can i apply to two roles at once?\n-->\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    _, tips = talk(svc, "what's the phone interview about?", "any tips for it?")
    assert tips.passages[0].id == "phone#how-to-answer"  # the phone interview's tips, not the general ones
    _, two = talk(svc, "how do I find roles near me?", "can i apply to two of them?")
    assert two.passages[0].doc == "knowledge/multi.md"  # that topic states more of what is asked


def test_a_tie_between_an_overview_and_a_topic_it_lists_is_answered_without_asking(write_doc, tmp_path, embedder):
    from api.knowledge.search import Passage

    svc = service_of(PROCESS_DOCS, write_doc, tmp_path, embedder)
    sections = {sec.id: sec for sec in svc.index.sections}
    steps = Passage.of(sections["steps#the-steps"], 0.52, 0.52)
    apply = Passage.of(sections["apply#how-to-apply"], 0.52, 0.52)
    phone = Passage.of(sections["phone#what-the-phone-interview-covers"], 0.52, 0.52)
    assert svc._settles_tie("what's the first step to get a job there?", steps, apply) is steps
    assert svc._settles_tie("what's the first step to get a job there?", apply, steps) is apply
    # Two topics the overview lists side by side are not one answer: asked, unless one states more.
    assert svc._settles_tie("what should I focus on?", apply, phone) is None


HEARING_BACK_DOCS = {
    **PROCESS_DOCS,
    "phone.md": PROCESS_DOCS["phone.md"] + "## When you hear back after the phone interview\n"
    "Expect an answer within two business days of the call.\n",
    "status.md": "---\ntitle: Application status\nupdated: 2026-01-01\n---\n"
    "## When you will hear back\nApplications are reviewed on a rolling basis; you are contacted if there is interest.\n",
}


def test_a_tie_with_a_section_that_names_its_step_goes_to_the_general_one_unless_the_step_is_asked(
    write_doc, tmp_path, embedder
):
    from api.knowledge.search import Passage

    svc = service_of(HEARING_BACK_DOCS, write_doc, tmp_path, embedder)
    sections = {sec.id: sec for sec in svc.index.sections}
    after_phone = Passage.of(sections["phone#when-you-hear-back-after-the-phone-interview"], 0.33, 0.33)
    general = Passage.of(sections["status#when-you-will-hear-back"], 0.33, 0.33)
    asked = "do you guys tell people if they're not moving forward?"
    assert svc._settles_tie(asked, after_phone, general) is general
    assert svc._settles_tie(asked, general, after_phone) is general
    # Naming the step asks about it.
    named = "after the phone call, do you tell people if they're not moving forward?"
    assert svc._settles_tie(named, general, after_phone) is after_phone


def test_after_a_section_telling_the_next_step_and_after_that_is_the_step_after_it(write_doc, tmp_path, embedder):
    docs = {
        **PROCESS_DOCS,
        "apply.md": PROCESS_DOCS["apply.md"] + "## What comes after the online application\n"
        "After you apply, the next step is the phone interview.\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    told = svc.chosen(svc.section("apply#what-comes-after-the-online-application"), None)
    # The candidate was told of the phone interview: what follows it is the loop, then nothing.
    after = svc.ask("and after that one?", ctx=told.context)
    assert after.kind == "answer" and after.passages[0].doc == "knowledge/loop.md"
    assert svc.ask("and after that?", ctx=after.context).kind == "fallback"
    # After the application's own section, what follows is the phone interview.
    how = svc.chosen(svc.section("apply#how-to-apply"), None)
    assert svc.ask("and after that?", ctx=how.context).passages[0].doc == "knowledge/phone.md"


def test_a_restatement_of_what_was_just_said_is_answered_by_that_section(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    # "team" is nowhere in the bar raisers' section; the candidate checks their reading of it.
    _, restated = talk(svc, "what does a bar raiser do?", "so they're not on the team im joining?")
    assert restated.kind == "answer" and restated.passages[0].id == "loop#bar-raisers"
    # A restatement naming another topic outright goes there.
    _, other = talk(svc, "what does a bar raiser do?", "so it's the phone interview?")
    assert other.kind == "answer" and other.passages[0].doc == "knowledge/phone.md"


def test_a_quantity_asked_of_what_the_last_answer_listed_is_each_listed_topics(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    _, _, how_long = talk(
        svc,
        "what types of assessments are there?",
        "what if I miss the deadline?",
        "oh wait how long do they take again",
    )
    assert how_long.kind == "answer"
    assert {p.doc for p in how_long.passages} == {"knowledge/style.md", "knowledge/sample.md"}


def test_a_length_asked_of_a_topic_that_lists_others_is_each_listed_topics(write_doc, tmp_path, embedder):
    from api.knowledge.search import Decision, Passage

    svc = timed_service(write_doc, tmp_path, embedder)
    overview = Passage.of(next(s for s in svc.index.sections if s.doc == "knowledge/assessments.md"), 0.6, 0.6)

    def answered(question: str) -> Decision:
        return svc._states_what_is_asked(question, Decision("answer", [overview], [overview]), None)

    decision = answered("how much time should i block in total for the assessments?")
    assert decision.kind == "answer"
    assert {p.doc for p in decision.passages} == {"knowledge/style.md", "knowledge/sample.md"}
    # How soon something follows them is no length of theirs: not stated, refused.
    assert answered("how soon after the assessments do they call me?").kind == "fallback"


def test_the_other_people_of_a_topic_are_not_the_other_listed_item(write_doc, tmp_path, embedder):
    docs = dict(LINKED_DOCS)
    docs["loop.md"] = docs["loop.md"].replace(
        "title: Interview loop\n", "title: Interview loop\nlists: [assessments, phone]\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    _, others = talk(svc, "what is a bar raiser?", "and the other interviewers are who")
    # Still the loop's people, not "the other" topic the loop's page lists.
    assert others.kind == "answer" and others.passages[0].doc == "knowledge/loop.md"
    _, other = talk(svc, "what is a bar raiser?", "and the other one?")
    assert other.passages[0].doc != "knowledge/loop.md"


def test_what_about_a_named_subject_is_that_subject_though_a_pronoun_follows(write_doc, tmp_path, embedder):
    docs = {
        "gov.md": "---\ntitle: Government employees\nupdated: 2026-01-01\n---\n## Before you talk to us\n"
        "If you are a government employee, check with your ethics office before an interview with us.\n",
        "loop.md": "---\ntitle: Interview loop\nupdated: 2026-01-01\n---\n## Whether interviews are virtual\n"
        "In-person interviews are currently held virtually, out of caution.\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    # Both topics state "interview" once; "those" would lean on the government employees' topic.
    _, named = talk(
        svc, "i'm a government employee, can i still interview?", "what about the interviews, are those remote?"
    )
    assert named.kind == "answer" and named.passages[0].doc == "knowledge/loop.md"


def test_a_question_about_several_of_a_kind_is_answered_by_the_topic_listing_them(write_doc, tmp_path, embedder):
    from api.knowledge.search import Decision, Passage

    svc = linked_service(write_doc, tmp_path, embedder)
    sections = {sec.id: sec for sec in svc.index.sections}

    def answered(question: str, overview_score: float) -> str:
        style = Passage.of(sections["style#what-it-asks"], 0.65, 0.65)
        overview = Passage.of(sections["assessments#types-of-assessments"], overview_score, overview_score)
        decision = Decision("answer", [style], [style, overview])
        return svc._overview_for_several(question, decision).passages[0].doc

    for question in ("what are the 2 assessment types?", "which assessment takes longer?", "what kinds are there?"):
        assert answered(question, 0.61) == "knowledge/assessments.md", question
    assert answered("what does the work style assessment ask?", 0.61) == "knowledge/style.md"  # that one
    assert answered("what are the 2 assessment types?", 0.5) == "knowledge/style.md"  # the overview is far


def test_a_section_naming_the_kinds_of_a_thing_is_the_overview_of_those_kinds_already(write_doc, tmp_path, embedder):
    from api.knowledge.search import Decision, Passage

    docs = dict(LINKED_DOCS)
    docs["steps.md"] = (
        "---\ntitle: Hiring steps\nupdated: 2026-01-01\nlists: [assessments, phone, loop]\n---\n"
        "## The steps\nThe steps are the assessments, the phone interview and the loop.\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    sections = {sec.id: sec for sec in svc.index.sections}
    kinds = Passage.of(sections["assessments#types-of-assessments"], 0.47, 0.47)
    steps = Passage.of(sections["steps#the-steps"], 0.45, 0.45)
    decision = Decision("answer", [kinds], [kinds, steps])
    # "what kinds of tests does aws use?": the types' section, not the steps' overview listing the assessments.
    assert svc._overview_for_several("what kinds of tests does aws use?", decision).passages[0].doc == (
        "knowledge/assessments.md"
    )


def test_a_restatement_with_one_word_of_other_topics_titles_is_about_what_was_just_said(write_doc, tmp_path, embedder):
    docs = dict(IN_PERSON_DOCS)
    docs["apply.md"] = (
        "---\ntitle: Online application\nupdated: 2026-01-01\n---\n## Completing the online application\n"
        "The online instructions walk you through the application.\n"
    )
    docs["assessments.md"] = (
        "---\ntitle: Online assessments\nupdated: 2026-01-01\n---\n## Types of online assessments\n"
        "There are two online assessments.\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    # "online" is one word of two topics' titles; the candidate checks their reading of "held virtually".
    first, restated = talk(svc, "are the final interviews done in an office?", "so its online?")
    assert first.passages[0].id == "loop#whether-in-person-interviews-are-virtual"
    assert restated.kind == "answer" and restated.passages[0].id == first.passages[0].id
    # Naming another topic whole still goes there.
    _, other = talk(svc, "are the final interviews done in an office?", "so it's the online application?")
    assert other.passages[0].doc == "knowledge/apply.md"


def test_a_listed_item_described_by_what_it_is_is_asked_the_last_question_again(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    _, second, described = talk(
        svc, "what types of assessments are there?", "how long is the second one?", "and the one about culture?"
    )
    assert second.passages[0].id == "sample#how-long-it-takes"
    assert described.kind == "answer" and described.passages[0].id == "style#how-long-it-takes"
    # "which one has ...?" asks the same of the listed topics.
    for which in ("which one has the culture questions?", "which one is the one about culture?"):
        _, second, described = talk(svc, "what types of assessments are there?", "how long is the second one?", which)
        assert described.kind == "answer" and described.passages[0].id == "style#how-long-it-takes", which


def test_after_a_refusal_asking_what_the_topic_listed_is_answered(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    _, refused, listed = talk(
        svc, "what types of assessments are there?", "are they proctored?", "what are the two kinds again"
    )
    assert refused.kind == "fallback"
    assert listed.kind == "answer" and listed.passages[0].doc == "knowledge/assessments.md"


def test_a_quantity_asked_of_the_topic_is_never_another_topics(write_doc, tmp_path, embedder):
    docs = dict(LINKED_DOCS)
    docs["assessments.md"] += "## How many assessments you take\nYou may take one or two assessments: 2 at most.\n"
    svc = service_of(docs, write_doc, tmp_path, embedder)
    _, how_many, after = talk(
        svc, "what does the phone interview cover?", "how many questions do they ask in it?", "gotcha. and after it?"
    )
    assert how_many.kind == "fallback"  # the phone interview states no count; the assessments' is not its
    assert after.kind == "answer" and after.passages[0].doc == "knowledge/loop.md"


def _over_the_project_knowledge(tmp_path_factory, embedder, learning_the_dev_sets: bool) -> KnowledgeService:
    from api.knowledge.service import labelled_sets

    config = Settings(knowledge_dir=ROOT / "knowledge", var_dir=tmp_path_factory.mktemp("var"))
    sets = labelled_sets(config) if learning_the_dev_sets else ()
    return KnowledgeService(
        config, embedder, build_index(config.knowledge_dir, config.index_dir, embedder, config.nlu_data, sets)
    )


@pytest.fixture(scope="module")
def project_service(tmp_path_factory, embedder) -> KnowledgeService:
    """The service over the project's own knowledge/, with its not-covered list and coverage model."""
    return _over_the_project_knowledge(tmp_path_factory, embedder, learning_the_dev_sets=False)


def test_with_the_project_knowledge_a_pronoun_keeps_its_topic(project_service):
    svc = project_service
    # "they" are the interviewers of the loop; the section on hearing back *after applying* shares
    # "go back" and was given as if the candidate had asked something else.
    _, _, office = talk(
        svc,
        "are the in person interviews actually in person",
        "why is that",
        "will they go back to doing them in the office next year?",
    )
    assert office.kind == "fallback"
    # ...but a follow-up that names another topic by its title's word goes there.
    _, assessment = talk(
        svc, "i applied once before, do i need a new account", "will they send the assessment right after?"
    )
    assert assessment.kind == "answer" and assessment.passages[0].doc == "knowledge/online-assessments.md"


def test_with_the_project_knowledge_a_step_picked_by_its_place_opens_with_what_it_is(project_service):
    # "and the second" after the third step: the assessments' opening section, which names their two
    # types (before, it was what they measure, which names neither).
    *_, second = talk(project_service, "list the steps pls", "tell me more about the third one", "and the second")
    assert second.kind == "answer"
    text = second.passages[0].text.lower()
    assert "work style assessment" in text and "work sample simulation" in text
    *_, after = talk(project_service, "how do i apply?", "what's next?")
    assert after.kind == "answer" and after.passages[0].id == "online-assessments#types-of-aws-online-assessments"


def test_with_the_project_knowledge_whether_all_roles_have_it_is_what_depends_on_the_role(project_service):
    # After the assessments: "do all jobs have it?" is answered by the section saying it depends on the role,
    # never refused for lack of the word "jobs".
    for follow_up in ("do all jobs have it", "do senior roles skip them"):
        *_, varies = talk(project_service, "what even is an assessment at aws", follow_up)
        assert varies.kind == "answer", follow_up
        assert "depends on the" in varies.passages[0].text, follow_up
    # "do i get both?" asks whether each is taken, how many: the section on the number, which depends on
    # the role (not the one on when an assessment comes, which depends on it too).
    *_, both = talk(project_service, "what types of assessments are there?", "do i get both?")
    assert (
        both.kind == "answer" and both.passages[0].id == "online-assessments#how-many-online-assessments-you-will-take"
    )


def test_with_the_project_knowledge_they_are_the_people_just_described(project_service):
    # "what do they care about?" after the bar raisers: the bar raiser's section (its long-term view), not
    # the failure section of the same topic that scores a little higher for "care".
    *_, care = talk(project_service, "who are the bar raisers", "what do they care about")
    assert care.kind == "answer" and care.passages[0].id == "interview-loop#what-a-bar-raiser-does"


def test_with_the_project_knowledge_a_single_question_whether_every_role_has_as_many_is_the_count_s(
    project_service,
):
    # Asked on its own, "the same number for every role?" is answered by the close section on the number of
    # assessments, which says it depends on the position (the best match alone, on several applications,
    # says nothing of it).
    same = project_service.ask("does every role have same number of tests?")
    assert same.kind == "answer"
    assert same.passages[0].id == "online-assessments#how-many-online-assessments-you-will-take"


def test_with_the_project_knowledge_a_pronoun_s_question_another_topic_states_is_that_topic_s(project_service):
    # "them" is the failures just discussed, but their topic says nothing of a format; the STAR method's
    # does, and matches well: its answer, not a refusal.
    *_, fmt = talk(
        project_service, "should i talk about failures in my interview??", "what format should i use for them"
    )
    assert fmt.kind == "answer" and fmt.passages[0].doc == "knowledge/star-method.md"
    # A "what if" of the topic's thing stays refused, whatever another topic says of its words.
    *_, fail = talk(project_service, "what's the point of the work style assessment", "what if i fail it")
    assert fail.kind == "fallback"


def test_with_the_project_knowledge_finding_out_is_hearing_back(project_service):
    # The glossary reads "find out" as "hear back": said of the phone interview, its two business days.
    *_, when = talk(project_service, "will there be trick questions in the phone screen", "and when do i find out")
    assert (
        when.kind == "answer" and when.passages[0].id == "phone-interview#when-you-hear-back-after-the-phone-interview"
    )


def test_with_the_project_knowledge_the_conversation_s_topic_settles_a_tie(project_service):
    # Finding a job and the talent network tie for it; after the first step (the application) it is the
    # application's, not a "did you mean".
    # (The twenty-sixth session's example question for finding openings of one role settled "how do i find
    # the right role for it" alone; "how do i find a role for it" still ties. In the conversation the
    # follow-up's own reading finds the application before the tie rule is reached.)
    *_, role = talk(project_service, "whats the first step of the process", "how do i find a role for it")
    assert role.kind == "answer" and role.passages[0].doc == "knowledge/online-application.md"
    assert project_service.ask("how do i find a role for it").kind == "clarify"  # alone, still asked


def test_with_the_project_knowledge_what_happens_once_the_stated_time_passed_is_not_covered(project_service):
    # The section giving the two business days was given again, as if it said what happens after them.
    *_, late = talk(
        project_service,
        "when do i hear back after the phone interview",
        "and if they dont get back to me in those 2 days?",
    )
    assert late.kind == "fallback"
    assert project_service.ask("what if i don't hear back within two business days after my phone screen?").kind == (
        "fallback"
    )
    # With no time named, it asks what silence means, which the page says (AWS contacts you if interested).
    *_, silent = talk(project_service, "when do i hear back after applying?", "so if i dont hear back?")
    assert silent.kind == "answer"


def test_with_the_project_knowledge_hearing_back_after_it_is_the_topic_s_own(project_service):
    _, phone = talk(project_service, "tips for the phone screen?", "how long until i hear back after it")
    assert phone.kind == "answer" and phone.passages[0].id.endswith("when-you-hear-back-after-the-phone-interview")
    _, loop = talk(project_service, "what is the loop?", "when will i hear back after it?")
    assert loop.kind == "fallback"  # the page gives no reply time after the loop


def test_with_the_project_knowledge_another_topic_s_quantity_does_not_answer_a_question_not_about_it(
    project_service,
):
    from api.knowledge.context import Context

    # The work style assessment's 10-20 minutes scored close, and "how long" is all they shared.
    ctx, previous = Context(), None
    for message in (
        "so i'm currently a contractor for a state agency and i'm interested in a public sector role at aws. "
        "is there anything special i need to do before talking to recruiters?",
        "so by continuing i'm basically saying i checked?",
    ):
        decision = project_service.ask(message, previous, ctx=ctx)
        ctx, previous = decision.context or ctx, decision.query
    clearance = project_service.ask("how long does a security clearance take for govt folks", previous, ctx=ctx)
    assert clearance.kind == "fallback"
    duration = project_service.ask("how long does the work style one take?")
    assert duration.kind == "answer" and "10-20" in duration.passages[0].text


def test_with_the_project_knowledge_a_question_about_the_order_of_steps_gets_the_steps_in_order(project_service):
    # The virtual interviews' section ranked first and said nothing of the phone interview.
    order = project_service.ask("is there a phone screen before the onsite or do u go straight to the big interview")
    assert order.kind == "answer" and order.passages[0].id.startswith("hiring-steps#the-four-steps")
    assert len({p.id for p in order.passages}) == len(order.passages)  # and the best section, once
    # "in order" of something else is no question about the steps.
    reviewed = project_service.ask("do you review applications in order or all at once after the posting closes")
    assert reviewed.kind == "answer" and not reviewed.passages[0].id.startswith("hiring-steps#")


def test_with_the_project_knowledge_a_government_employee_s_question_is_about_their_topic(project_service):
    # The recruiters' tips ranked first (0.62 against 0.55) before the topic's `audience_first`.
    asked = project_service.ask(
        "i work for the state govt rn, anything i need to do before talking to amazon recruiters?"
    )
    assert asked.kind == "answer" and asked.passages[0].doc == "knowledge/government-employees.md"


def test_with_the_project_knowledge_going_ahead_is_what_proceeding_means_for_the_topic(project_service):
    # "the interviews" it names in passing pulled it to the phone interview's brain teasers (the follow-up
    # model read a new question); the topic says what going ahead means, even after a refused turn.
    *_, ahead = talk(
        project_service,
        "i currently work for the federal government (DoD civilian). anything i should know before applying?",
        "what does that person need to tell me exactly",
        "and if i just go ahead and interview anyway?",
    )
    assert ahead.kind == "answer" and ahead.passages[0].id.startswith("government-employees#what-proceeding")
    *_, going = talk(
        project_service,
        "i work for the state govt rn, is that a problem for applying?",
        "so what does it mean if i just keep going with the process",
    )
    assert going.kind == "answer" and going.passages[0].id.startswith("government-employees#what-proceeding")
    # A topic with no such section is searched as before: the process's steps say nothing of it.
    *_, other = talk(project_service, "what is a bar raiser?", "what if i just go ahead and skip the phone screen")
    assert not (other.passages and other.passages[0].doc == "knowledge/government-employees.md")


def test_a_pronoun_follow_up_the_topic_does_not_address_is_refused_not_answered_from_another(
    write_doc, tmp_path, embedder
):
    svc = linked_service(write_doc, tmp_path, embedder)
    # "it" is the work sample simulation, which says nothing of predicting success; the phone interview's
    # section on brain teasers does, of brain teasers.
    _, followed = talk(
        svc, "how long does the work sample simulation take?", "is it unreliable for predicting success?"
    )
    assert followed.kind == "fallback"
    # A topic the follow-up clearly names is still its answer.
    _, named = talk(svc, "how long does the work sample simulation take?", "and aws does not ask brain teasers in it?")
    assert named.kind == "answer" and named.passages[0].id == "phone#no-brain-teasers"


def test_a_question_for_who_over_a_section_that_names_no_one_is_refused(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    assert svc.ask("who does the phone interview?").kind == "fallback"  # what it covers names no one
    loop = svc.ask("who is in the interview loop?")
    assert loop.kind == "answer" and loop.passages[0].id == "loop#who-is-in-the-loop"


def test_with_the_project_knowledge_a_follow_up_is_read_with_the_section_just_given(project_service):
    # "they" are the bar raisers: read with the loop's title, "do they have the final say?" was not
    # close enough to the listed "does the bar raiser have the final say on my hire?" to be refused.
    _, final_say = talk(project_service, "what do bar raisers do", "do they have the final say?")
    assert final_say.kind == "fallback"
    _, neutral = talk(project_service, "what do bar raisers do", "so they're neutral?")
    assert neutral.kind == "answer" and neutral.passages[0].id.endswith("what-a-bar-raiser-does")


def test_a_quantity_asked_of_two_listed_things_named_one_by_one_gets_each(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    each = svc.ask("i have both a work style one and a simulation to do. how much time for each?")
    assert each.kind == "answer"
    assert {p.doc for p in each.passages} == {"knowledge/style.md", "knowledge/sample.md"}


def test_with_the_project_knowledge_a_look_up_nlu_sent_as_a_question_goes_back_as_a_look_up(project_service):
    from api.knowledge.context import Context

    for ctx in (None, Context()):
        look_up = project_service.ask("any word on my application for the dublin job yet?", ctx=ctx)
        assert look_up.kind == "status" and look_up.passages == []
        assert look_up.own_status is not None and look_up.own_status >= 0.9
        # How applications are handled, asked in the first person, is a question.
        asked = project_service.ask("I applied yesterday, when do people usually hear back?", ctx=ctx)
        assert asked.kind == "answer" and asked.own_status is not None and asked.own_status < 0.5
        # Where to look, or what comes next, is asked, however much of "my application" it says.
        where = project_service.ask("where would I look to see my application status myself?", ctx=ctx)
        assert where.kind == "answer" and where.passages[0].doc == "knowledge/application-status.md"


def test_with_the_project_knowledge_a_look_up_that_ties_two_topics_is_a_look_up_not_a_did_you_mean(project_service):
    # From the dev sets: these tied two topics and got "did you mean", which offered no answer to them.
    for text in (
        "aws application — result?",
        "any news on me?? interviewed last tuesday for a solutions architect role",
        "did i get the job or not?? applied for the sde2 role in dublin",
    ):
        look_up = project_service.ask(text)
        assert look_up.kind == "status", text
    # A "did you mean" that is no look-up stays one.
    assert project_service.ask("do i have to redo the interviews for my second application?").kind != "status"


def test_with_the_project_knowledge_a_question_nlu_took_for_a_look_up_is_answered_and_a_look_up_stays_one(
    project_service,
):
    from api.knowledge.context import Context

    def as_nlu_look_up(message: str):
        return project_service.unless_asked(project_service.ask(message, ctx=Context()), Context())

    asked = as_nlu_look_up("Im civil servant in my country, is problem if I interview with Amazon?")
    assert asked.kind == "answer" and asked.passages[0].doc == "knowledge/government-employees.md"
    for look_up in (
        "any word on my application for the dublin job yet?",
        "did i get the job or not?? applied for sde2",
    ):
        assert as_nlu_look_up(look_up).kind == "status"
    # Nothing to answer with (a refusal) is no reason to leave the look-up.
    assert as_nlu_look_up("hola, ¿hay alguna novedad sobre mi solicitud?").kind == "status"
    # ...unless signing in is what fails: the refusal, with the offer of a person, in a conversation
    # or not, whatever NLU read.
    for trouble in (
        "i forgot my password tho",
        "I can't log in, it keeps saying wrong password",
        "locked out of my account",
    ):
        assert as_nlu_look_up(trouble).kind == "fallback", trouble
        assert project_service.ask(trouble, ctx=Context()).kind == "fallback", trouble
    # ...or when it asks what the candidate may do with the application, which the page does not say, and
    # the own-status model reads it as a question (its P(look-up) below own_status_question_below).
    from api.knowledge.search import Decision

    def refused(message: str, p_look_up: float) -> str:
        decision = Decision("fallback", [], [], message)
        decision.own_status = p_look_up
        return project_service.unless_asked(decision, Context()).kind

    for may_i in (
        "can I swap the resume on my submitted application for an updated one?",
        "missed the deadline on my assessment, can i still take it",
    ):
        assert refused(may_i, 0.05) == "fallback", may_i
        assert refused(may_i, 0.9) == "status", may_i  # read as a look-up: the look-up
    assert refused("any news on my application? its been weeks", 0.05) == "status"  # asks nothing to do


def test_with_the_project_knowledge_a_correction_naming_a_topic_asks_the_last_question_of_it(project_service):
    question = "what do they ask in the in-person interview"
    (first,) = talk(project_service, question)
    # Alone, "the phone one" ties between sections that mention the phone interview (a "did you mean");
    # as a correction it is the last question again, of the phone interview.
    corrected = project_service.ask("no sorry i meant the phone one", question, ctx=first.context)
    assert corrected.kind == "answer" and corrected.passages[0].doc == "knowledge/phone-interview.md"


def test_with_the_project_knowledge_a_comparison_gets_what_each_one_is_whatever_ranked(project_service):
    # "virtual onsite" ranks the loop's "whether the interviews are virtual" and nothing else of the loop.
    both = project_service.ask("virtual onsite vs phone screen - what's different between them?")
    assert both.kind == "answer"
    assert {p.id for p in both.passages} == {
        "interview-loop#what-an-aws-interview-loop-is",
        "phone-interview#what-the-phone-interview-covers",
    }
    # Typed as chat spells it.
    misspelt = project_service.ask("wat is diffrence between work style assesment and the work sample one?")
    assert {p.doc for p in misspelt.passages} == {
        "knowledge/work-style-assessment.md",
        "knowledge/work-sample-simulation.md",
    }, misspelt.passages


def test_the_process_is_the_longest_list_of_steps_whatever_the_file_order(write_doc, tmp_path, embedder):
    docs = dict(PROCESS_DOCS)
    # A shorter list of steps in a file that sorts first (as the assessments list their two types).
    docs["interviews.md"] = (
        "---\ntitle: Interviews\nupdated: 2026-01-01\nlists: [phone, loop]\n---\n"
        "## The interviews\nThere are two interviews: the phone interview and the interview loop.\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    (first,) = talk(svc, "what's the very first step?")
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/apply.md"


STEPS_AND_TYPES = {
    **LINKED_DOCS,
    "steps.md": "---\ntitle: Hiring steps\nupdated: 2026-01-01\nlists: [assessments, phone, loop]\n---\n"
    "## The steps\nThe steps are the online assessments, the phone interview and the interview loop.\n",
}


def test_a_step_asked_for_by_its_place_is_the_processs_whatever_the_last_answer_listed(write_doc, tmp_path, embedder):
    svc = service_of(STEPS_AND_TYPES, write_doc, tmp_path, embedder)
    # The assessments' answer lists their two types; "the last step" is still the process's last.
    _, last = talk(svc, "what types of assessments are there?", "k whats the last step")
    assert last.kind == "answer" and last.passages[0].doc == "knowledge/loop.md"


def test_a_first_question_for_the_last_step_gets_the_overview_naming_it(write_doc, tmp_path, embedder):
    docs = dict(STEPS_AND_TYPES)
    docs["assessments.md"] += (
        "## What comes after the online assessments\nThe last step before the final step is the phone interview.\n"
    )
    svc = service_of(docs, write_doc, tmp_path, embedder)
    # Without "of the process" the search alone lands on a step's own section ("what comes after the
    # assessments"); the overview names the last step and remembers it.
    last, before = talk(svc, "what's the final step", "and before that?")
    assert last.passages[0].doc == "knowledge/steps.md" and last.context.step == "knowledge/loop.md"
    assert before.kind == "answer" and before.passages[0].doc == "knowledge/phone.md"
    # "the very first" is the process's first step; "the first" is the first thing the answer listed.
    _, very_first = talk(svc, "what types of assessments are there?", "and the very first?")
    assert very_first.passages[0].doc == "knowledge/assessments.md"
    _, first = talk(svc, "what types of assessments are there?", "and the first?")
    assert first.passages[0].doc == "knowledge/style.md"
    # A step by its number: "step 2" is the second of the process's steps.
    _, second = talk(svc, "what types of assessments are there?", "whatever, what's step 2 again")
    assert second.kind == "answer" and second.passages[0].doc == "knowledge/phone.md"


def test_an_item_asked_for_again_by_its_place_is_that_item_from_its_opening(write_doc, tmp_path, embedder):
    svc = service_of(STEPS_AND_TYPES, write_doc, tmp_path, embedder)
    _, again = talk(svc, "what are the hiring steps?", "the 2nd one again?")
    assert again.kind == "answer" and again.passages[0].id == "phone#what-it-covers"


def test_how_long_after_applying_is_answered_by_the_section_that_says_it_of_applications_first(
    write_doc, tmp_path, embedder
):
    docs = {
        "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n## After the phone interview\n"
        "AWS aims to get back to you within two business days after your phone interview. More generally, "
        "Amazon reviews applications on a rolling basis.\n",
        "status.md": "---\ntitle: Application status\nupdated: 2026-01-01\n---\n## When you hear back after you apply\n"
        "After you apply, Amazon reviews applications on a rolling basis and contacts you if interested.\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    decision = svc.ask("how long does it take to hear back after applying?")
    assert decision.kind == "answer" and decision.passages[0].doc == "knowledge/status.md"
    phone = svc.ask("how long after the phone interview do you hear back?")
    assert phone.kind == "answer" and phone.passages[0].doc == "knowledge/phone.md"


def test_what_follows_from_a_case_the_topic_does_not_state_in_full_is_refused(write_doc, tmp_path, embedder):
    svc = service_of(LINKED_DOCS, write_doc, tmp_path, embedder)
    _, wrong = talk(svc, "what does the work style assessment ask?", "what if i pick the wrong one")
    assert wrong.kind == "fallback"  # it says to pick a statement, nothing of a wrong pick
    _, stated = talk(svc, "what does the work style assessment ask?", "what if i pick the statement that fits me?")
    assert stated.kind == "answer" and stated.passages[0].doc == "knowledge/style.md"


def test_what_is_used_instead_is_the_alternative_the_section_just_given_names(write_doc, tmp_path, embedder):
    docs = {
        "phone.md": "---\ntitle: Phone interview\nupdated: 2026-01-01\n---\n"
        "## How to answer\nUse recent situations as examples and give well-structured answers.\n"
        "## No brain teasers\nAWS avoids brain teasers. Instead, AWS focuses on behavior-based questions.\n",
    }
    svc = service_of(docs, write_doc, tmp_path, embedder)
    _, instead = talk(svc, "do they ask brain teasers?", "what do they use instead")
    assert instead.kind == "answer" and instead.passages[0].id == "phone#no-brain-teasers"


def test_which_listed_item_takes_longer_gives_both_durations_the_longer_first(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)  # work style 10-20 minutes, work sample 20-60
    longer, it = talk(svc, "which assessment takes longer?", "what does it involve?")
    assert longer.kind == "answer"
    assert [p.doc for p in longer.passages] == ["knowledge/sample.md", "knowledge/style.md"]
    assert it.passages[0].doc == "knowledge/sample.md"  # "it" is the one asked about
    # Mid-conversation about another topic too: the topic the message names, not what was listed last.
    _, named = talk(svc, "what does the phone interview cover?", "which assessment takes longer?")
    assert [p.doc for p in named.passages] == ["knowledge/sample.md", "knowledge/style.md"]
    # "no longer" compares nothing.
    (plain,) = talk(svc, "what does it mean if an assessment is no longer available?")
    assert [p.doc for p in plain.passages] != ["knowledge/sample.md", "knowledge/style.md"]


def test_the_shorter_one_is_the_listed_item_that_takes_less_time_asked_the_last_question(write_doc, tmp_path, embedder):
    docs = dict(LINKED_DOCS)
    docs["style.md"] += "## How long it takes\nThe work style assessment takes 10-20 minutes.\n"
    docs["sample.md"] += "## What it involves\nYou may interpret data from a chart.\n"
    svc = service_of(docs, write_doc, tmp_path, embedder)
    *_, shorter = talk(
        svc, "what are the types of assessments?", "what does the work sample involve?", "and the shorter one?"
    )
    # Not the durations compared: the last question (what it involves) of the work style assessment.
    assert shorter.kind == "answer" and shorter.passages[0].id == "style#what-it-asks"


APPLY_IN_ORDER = {
    **PROCESS_DOCS,
    "apply.md": "---\ntitle: Online application\nupdated: 2026-01-01\nnext: phone\nin_order: true\n---\n"
    "## Finding a job\nSearch the careers page by location, job category or keyword.\n"
    "## Where the Apply Now button is\nClick Apply Now at the top of a job's page.\n"
    "## Completing the application\nCreate a profile or log in; the instructions guide you through the rest.\n",
}


def test_and_then_within_a_topic_in_order_is_its_next_section_and_the_process_step_otherwise(
    write_doc, tmp_path, embedder
):
    svc = service_of(APPLY_IN_ORDER, write_doc, tmp_path, embedder)
    _, then = talk(svc, "where is the apply now button?", "and then?")
    assert then.kind == "answer" and then.passages[0].id == "apply#completing-the-application"
    # After the last section, and for a question about the process, the next step.
    *_, last = talk(svc, "where is the apply now button?", "and then?", "then what")
    assert last.passages[0].doc == "knowledge/phone.md"
    _, step = talk(svc, "where is the apply now button?", "what's the next step?")
    assert step.passages[0].doc == "knowledge/phone.md"
    # The dialogue tier sends the last question answered with each message.
    first = svc.ask("what's the very first step?", ctx=Context())
    assert first.passages[0].id == "apply#finding-a-job"
    process = svc.ask("and then?", first.query, ctx=first.context)
    assert process.passages[0].doc == "knowledge/phone.md"
    # "and once I find one?" after how to find a job: the next thing to do, the button.
    _, found = talk(svc, "how do I search for a job?", "and once i find one?")
    assert found.passages[0].id == "apply#where-the-apply-now-button-is"
    button = svc.ask("where is the apply now button?", ctx=Context())
    assert svc.ask("and then?", button.query, ctx=button.context).passages[0].id == "apply#completing-the-application"
    # A refused question in between leaves the section last answered: "then what" goes on from it.
    *_, after_refusal = talk(svc, "how do I search for a job?", "do they pay for relocation?", "then what")
    assert after_refusal.kind == "answer" and after_refusal.passages[0].id == "apply#where-the-apply-now-button-is"


def test_a_length_stated_of_another_thing_than_the_one_named_is_not_the_answer(write_doc, tmp_path, embedder):
    svc = linked_service(write_doc, tmp_path, embedder)
    # Only the simulation's length is stated; "the interview" names other topics' title word.
    assert svc.ask("how long does the interview take?").kind == "fallback"
    simulation = svc.ask("how long does the work sample simulation take?")
    assert simulation.kind == "answer" and simulation.passages[0].doc == "knowledge/sample.md"
    # What is named after the thing measured is not what the length is asked of.
    before = svc.ask("how long does the work sample simulation take before the phone interview?")
    assert before.kind == "answer" and before.passages[0].doc == "knowledge/sample.md"
    # "assessment" is the title of the topic listing the simulation: its own name too.
    listed = svc.ask("how long does the online assessment simulation take?")
    assert listed.kind == "answer" and listed.passages[0].doc == "knowledge/sample.md"


def test_a_length_asked_of_the_kind_gets_each_listed_one_and_of_one_of_them_its_own(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    kind = svc.ask("how long does the assessment take?")
    assert kind.kind == "answer"
    assert {p.doc for p in kind.passages} == {"knowledge/style.md", "knowledge/sample.md"}
    one = svc.ask("how long is the workstyle assessment?")  # "work style" written as one word names it
    assert [p.doc for p in one.passages] == ["knowledge/style.md"]


def test_and_the_topic_after_a_length_asks_its_length_which_it_does_not_state(write_doc, tmp_path, embedder):
    svc = timed_service(write_doc, tmp_path, embedder)
    _, style, phone = talk(
        svc, "how long does the work sample simulation take?", "and the work style one?", "and the phone interview?"
    )
    assert style.kind == "answer" and style.passages[0].doc == "knowledge/style.md"
    assert phone.kind == "fallback"
    # Something of its own besides the topic's name is asked of that topic.
    _, teasers = talk(svc, "how long does the work sample simulation take?", "and the phone interview brain teasers?")
    assert teasers.kind == "answer" and teasers.passages[0].doc == "knowledge/phone.md"


def test_with_the_project_knowledge_the_follow_up_model_refuses_what_the_topic_does_not_answer(project_service):
    from api.knowledge.follow_ups import WEIGHTS, FollowUpModel

    svc = project_service
    asked = [
        ("what is the work style assessment", "is there a right answer?"),  # the page gives no right answer
    ]
    covered = [
        ("what is the work style assessment", "how long does it take"),
        ("whats the talent network", "how do i join it"),
    ]
    people = ("what does the phone interview cover", "how many people are on that call")  # nor a number of people
    try:
        svc.follow_ups = None
        # Without the model the topic's section answers it: the rules see its words in the section.
        assert [talk(svc, *pair)[1].kind for pair in asked] == ["answer"]
        # (A count of people the page never states the rules refuse themselves: a number must count them.)
        assert talk(svc, *people)[1].kind == "fallback"
        svc.follow_ups = FollowUpModel.load(WEIGHTS)
        refused = [talk(svc, *pair)[1] for pair in asked]
        assert [d.kind for d in refused] == ["fallback"]
        assert all(d.follow_up is not None and d.follow_up > svc.follow_ups.threshold for d in refused)
        assert talk(svc, *people)[1].kind == "fallback"
        # A refusal remembers its topic as refused ("why not?" next is about the refused question).
        assert refused[0].context is not None and refused[0].context.refused
        assert [talk(svc, *pair)[1].kind for pair in covered] == ["answer", "answer"]
    finally:
        svc.follow_ups = None


def test_the_follow_up_model_learns_from_the_follow_ups_the_service_answers(project_service, tmp_path):
    from api.knowledge.follow_ups import WEIGHTS, FollowUpModel, collect

    conversations = tmp_path / "conversations-dev-x.yaml"
    conversations.write_text(
        """
- id: c1
  turns:
    - {ask: "what is the work style assessment", kind: answer, must_mention: [["work style"]]}
    - {ask: "thanks!", kind: chitchat}
    - {ask: "how long does it take", kind: answer, must_mention: [["10-20"]]}
- id: c2
  turns:
    - {ask: "what is the work style assessment", kind: answer}
    - {ask: "is there a right answer?", kind: out_of_scope}
    - {ask: "and then?", kind: answer}
"""
    )
    cases = collect(project_service, [conversations])
    # First turns have no topic, small talk is the dialogue tier's, "and then?" follows the process order.
    assert [(c.turn, c.refuse, c.right) for c in cases] == [("c1#3", False, True), ("c2#2", True, False)]
    assert all(c.where == "conversations-dev-x.yaml" and c.qvec.shape[-1] == c.svec.shape[-1] for c in cases)
    # The fitted model, which refuses "is there a right answer?" here, does not hide that case from its
    # own refit, and is back in place afterwards.
    model = FollowUpModel.load(WEIGHTS)
    try:
        project_service.follow_ups = model
        again = collect(project_service, [conversations])
        assert [(c.turn, c.refuse) for c in again] == [("c1#3", False), ("c2#2", True)]
        assert project_service.follow_ups is model
    finally:
        project_service.follow_ups = None


def test_with_the_project_knowledge_the_whole_process_is_the_steps_overview(project_service):
    svc = project_service
    for whole in (
        "tl;dr of the aws interview pipeline pls",
        "Could you explain in plain terms what the hiring process looks like, start to finish?",
        "how does the whole application thing even work, like i apply and then what??",
        "what does the hiring process at AWS look like, from sending the application up to the final interviews?",
    ):
        [d] = talk(svc, whole)
        assert d.kind == "answer" and d.passages[0].doc == "knowledge/hiring-steps.md", (whole, d.passages[:1])
    # One thing asked about within the whole: a length, the process again for each role, a step's place.
    for one in (
        "how long does the job simulation take start to finish?",
        "applied to SA and TAM roles, will I have to go through the whole interview process twice?",
        "where does the virtual onsite fit in the whole thing, is it the last stage?",
    ):
        [d] = talk(svc, one)
        assert d.kind == "answer" and d.passages[0].doc != "knowledge/hiring-steps.md", (one, d.passages[:1])
    # The span's length is no overview (the page states none: refused).
    [d] = talk(svc, "how long does it take from applying to the final interviews?")
    assert not d.passages or d.passages[0].doc != "knowledge/hiring-steps.md"


def test_with_the_project_knowledge_the_steps_are_gone_through_in_order_after_one_is_picked_by_its_place(
    project_service,
):
    svc = project_service
    # "and then?" after the first step picked from the list is the second step, not the first step's next
    # section (which it is after "how do I apply?").
    *_, then = chat(svc, "whats the process like for getting hired at aws", "ok and the first one?", "and then?")
    assert then.kind == "answer" and then.passages[0].doc == "knowledge/online-assessments.md", then.passages[:1]
    _, then = chat(svc, "where do i find the right aws job?", "and then?")
    assert then.passages[0].doc == "knowledge/online-application.md", then.passages[:1]
    # A step named by its number alone; the last one after the second is the last step.
    _, third = chat(svc, "whats step 2 of the process", "and 3?")
    assert third.kind == "answer" and third.passages[0].doc == "knowledge/phone-interview.md", third.passages[:1]
    *_, last = chat(svc, "what are the steps of the hiring process?", "ok the second one?", "and the last one?")
    assert last.kind == "answer" and last.passages[0].doc == "knowledge/interview-loop.md", last.passages[:1]
    # Just having submitted the application, what happens now: the steps.
    [now] = chat(svc, "ok i just hit submit 🎉 what happens now?")
    assert now.kind == "answer" and now.passages[0].doc == "knowledge/hiring-steps.md", now.passages[:1]


def test_with_the_project_knowledge_a_request_for_an_example_gets_the_topics_example(project_service):
    svc = project_service
    # The example section was just given: asked for an example, it is given again, not another topic's.
    _, example = talk(svc, "what do work style questions look like", "can you give me an example")
    assert (
        example.kind == "answer"
        and example.passages[0].id == "work-style-assessment#example-work-style-assessment-question"
    )
    _, tasks = talk(svc, "what is the work sample simulation", "any examples pls")
    assert tasks.passages[0].id == "work-sample-simulation#example-work-sample-simulation-tasks", tasks.passages[:1]


def test_with_the_project_knowledge_an_example_after_a_refused_question_is_the_topics_example(project_service):
    # The count of principles is refused; the conversation is still about the work style assessment, whose
    # example an "example question" asks for (the search alone found the simulation's example tasks).
    _, count, example = chat(
        project_service,
        "what are the work style questions about",
        "how many leadership principles are there",
        "can u give an example question",
    )
    assert count.kind == "fallback"
    assert example.kind == "answer"
    assert example.passages[0].id == "work-style-assessment#example-work-style-assessment-question"


def test_with_the_project_knowledge_a_step_named_by_its_number_is_read_by_its_name(project_service):
    svc = project_service
    # "step 2" is in no section; the search knows the step as the online assessments.
    *_, back = chat(
        svc, "what r the steps", "whats the 3rd one about", "and the last one?", "back to step 2, is it just one test?"
    )
    assert back.kind == "answer" and back.passages[0].doc == "knowledge/online-assessments.md", back.passages[:1]
    assert "depend" in back.passages[0].text
    [single] = chat(svc, "what happens in step 3")
    assert single.passages[0].doc == "knowledge/phone-interview.md", single.passages[:1]
    # "2" for "to" after "first step": no step named by number.
    assert svc._reading("whats the first step 2 get a job at aws", in_context=False).endswith("step 2 get a job at aws")
    # Only the step named: its opening section, as before.
    assert svc._reading("what's step 2 again", in_context=True) == "what's step 2 again"


def test_with_the_project_knowledge_a_day_checked_against_the_time_given_gets_the_time_again(project_service):
    first, by_day, weekends = chat(
        project_service,
        "had my phone interview on friday, when should i expect to hear?",
        "so like by tuesday?",
        "and weekends dont count right",
    )
    heard = first.passages[0].id
    assert "business days" in first.passages[0].text
    for decision in (by_day, weekends):
        # The page gives the time, not the date: the time again, said to be all the page says.
        assert decision.kind == "answer" and decision.passages[0].id == heard and decision.repeated
    # After a duration that gives no days, a day is no check of it.
    _, day = chat(project_service, "how long is the assessment", "so by friday?")
    assert day.kind == "fallback"


def test_with_the_project_knowledge_a_government_employee_talking_to_recruiters_gets_the_government_rules(
    project_service,
):
    # "recruiters" drew the recruiters' tips ahead of the rules for a candidate who works for a government.
    for message in (
        "i work for the federal government rn, anything special i need to know before talking to aws recruiters?",
        "state employee here, any special rules before i talk to amazon recruiters?",
    ):
        [decision] = chat(project_service, message)
        assert decision.passages[0].doc == "knowledge/government-employees.md", (message, decision.passages[:1])


def test_with_the_project_knowledge_two_things_compared_get_both(project_service):
    svc = project_service
    # "diff" is short for difference...
    [both] = talk(svc, "whats the diff between the phone screen and the onsite")
    assert {p.doc for p in both.passages} == {"knowledge/phone-interview.md", "knowledge/interview-loop.md"}
    # ...but "diff question" is another question.
    [gov] = talk(svc, "ok diff question, can i apply if im a state government employee and read the eeo info")
    assert gov.passages[0].doc == "knowledge/government-employees.md", gov.passages[:1]
    # One named shorter than another: both lengths, which the comparison is read from.
    [lengths] = talk(svc, "is the work style one shorter than the simulation one?")
    assert {p.id for p in lengths.passages} == {
        "work-style-assessment#how-long-the-work-style-assessment-takes",
        "work-sample-simulation#how-long-the-work-sample-simulation-takes",
    }


def test_with_the_project_knowledge_the_whole_process_asked_of_its_purpose_is_the_purpose(project_service):
    [why] = talk(project_service, "wat is aws actually looking for w/ this whole hiring thing")
    assert why.kind == "answer" and why.passages[0].id == "hiring-steps#why-aws-hires-the-way-it-does", why.passages[:1]


def test_with_the_project_knowledge_after_a_step_asks_the_time_to_hear_back_again_after_such_an_answer(
    project_service,
):
    svc = project_service
    _, phone = talk(svc, "when do i hear back after applying?", "and after the phone screen?")
    assert phone.kind == "answer" and phone.passages[0].id.endswith("when-you-hear-back-after-the-phone-interview")
    _, _, loop = talk(svc, "when do i hear back after applying?", "and after the phone screen?", "and after the loop?")
    assert loop.kind == "fallback"  # the page gives no reply time after the loop
    # After any other answer, "and after the OA?" is the step after it.
    _, after = talk(svc, "what are the steps to get hired?", "ok and after the OA?")
    assert after.kind == "answer" and after.passages[0].doc == "knowledge/phone-interview.md"
    # ...and "ok and after i apply?" the step after the application, not what clicking Apply Now does.
    _, applied = talk(svc, "hey how do i get hired at aws lol", "ok and after i apply?")
    assert applied.kind == "answer" and applied.passages[0].doc == "knowledge/online-assessments.md"
    # A click "just" done, and "what happens after that": the step after the application, then on in order.
    hit, then = talk(svc, "just hit apply now on a cloud support job 😅 what happens after that", "and after that?")
    assert hit.kind == "answer" and hit.passages[0].doc == "knowledge/online-assessments.md", hit.passages[:1]
    assert then.kind == "answer" and then.passages[0].doc == "knowledge/phone-interview.md", then.passages[:1]


def test_with_the_project_knowledge_a_word_of_the_answer_just_given_is_explained_by_its_section(project_service):
    svc = project_service
    # The word is in the answer just given: that section again, which says what it means in its sentences
    # (the follow-up model does not turn an explanation asked for into a refusal).
    _, vision = chat(svc, "what is the bar raiser there for?", "sorry what do you mean by long-term vision?")
    assert vision.kind == "answer" and vision.passages[0].id == "interview-loop#what-a-bar-raiser-does"
    _, fair = chat(svc, "what are the online assessments for", "what does 'equitably' mean here")
    assert fair.kind == "answer" and fair.passages[0].id == "online-assessments#what-aws-online-assessments-are-for"
    # A word that names a topic of its own is that topic's, not the answer just given again.
    _, named = chat(svc, "who will i meet in the loop?", "what do you mean by bar raiser")
    assert named.kind == "answer" and named.passages[0].id == "interview-loop#what-a-bar-raiser-does"
    # Asked to say it more simply: the answer just given again, not another section or a refusal.
    first, simpler = chat(svc, "what does a bar raiser do", "can you put that in simpler words?")
    assert simpler.kind == "answer" and simpler.passages[0].id == first.passages[0].id
    # After a refusal there is no answer to explain: still not covered.
    _, _, after_refusal = chat(svc, "what does a bar raiser do", "how much do bar raisers get paid?", "wdym")
    assert after_refusal.kind == "fallback"


def test_with_the_project_knowledge_what_happens_after_applying_is_the_steps(project_service):
    for whole in (
        "before i apply, what really happens after i apply? is there a test or a call?",
        "could you walk me through the steps please",
    ):
        [d] = chat(project_service, whole)
        assert d.kind == "answer" and d.passages[0].doc == "knowledge/hiring-steps.md", (whole, d.passages[:1])
    # Applying to several roles is a question of its own.
    [several] = chat(project_service, "what happens after i apply to several roles at once?")
    assert several.passages[0].doc != "knowledge/hiring-steps.md", several.passages[:1]


def test_with_the_project_knowledge_a_step_named_after_the_overview_is_that_step_s(project_service):
    svc = project_service
    # The overview mentions every step, yet a question naming one of them is about that step.
    _, named = chat(svc, "what are the stages of hiring?", "what do they check in the assessment bit?")
    assert named.kind == "answer" and named.passages[0].doc == "knowledge/online-assessments.md", named.passages[:1]
    # A bare follow-up still leans on the overview's list.
    _, second = chat(svc, "what are the stages of hiring?", "and the second one?")
    assert second.passages[0].doc == "knowledge/online-assessments.md", second.passages[:1]


def test_with_the_project_knowledge_an_opening_acknowledgement_does_not_hide_a_follow_up(project_service):
    svc = project_service
    # "lol ok fair, thanks." answers the last reply; what follows it leans on the topic as if alone.
    _, length = chat(svc, "what is the work style assessment like", "lol ok fair, thanks. how long does it take though")
    assert (
        length.kind == "answer"
        and length.passages[0].id == "work-style-assessment#how-long-the-work-style-assessment-takes"
    )


def test_with_the_project_knowledge_an_acknowledged_answer_is_followed_in_its_order(project_service):
    # "cool, thanks." answers the last reply; "then what?" after it is the next thing to do in what was
    # just described (clicking Apply Now after finding the job), as a bare "and then?" is.
    _, then = chat(project_service, "where do i find the right aws job?", "cool, thanks. then what?")
    assert then.kind == "answer" and then.passages[0].doc == "knowledge/online-application.md", then.passages[:1]


def test_with_the_project_knowledge_when_an_assessment_is_given_is_the_listing_topic_s_when(project_service):
    svc = project_service
    # The work sample's topic says nothing of when it is taken; the assessments' topic, which lists it, does.
    _, when = chat(svc, "what's the work sample simulation?", "ok when will i get it, right after i apply?")
    assert when.kind == "answer" and when.passages[0].id == "online-assessments#when-you-take-an-aws-online-assessment"
    _, taken = chat(svc, "tell me about the assessments", "so when do i take them")
    assert taken.passages[0].id == "online-assessments#when-you-take-an-aws-online-assessment", taken.passages[:1]
    # Hearing back is another question.
    _, back = chat(svc, "what's the work sample simulation?", "when will i hear back after it?")
    assert not back.passages or back.passages[0].id != "online-assessments#when-you-take-an-aws-online-assessment"


def test_with_the_project_knowledge_who_is_in_it_is_the_topic_s_section_naming_its_people(project_service):
    svc = project_service
    # After the section on the interviews being held virtually, "who's in it" is the loop's interviewers.
    *_, who = chat(svc, "what are the final interviews like", "hold on, are they really in person?", "who's in it")
    assert who.kind == "answer" and who.passages[0].id == "interview-loop#what-an-aws-interview-loop-is", who.passages[
        :1
    ]


def test_with_the_project_knowledge_after_a_refusal_the_section_before_it_may_answer_again(project_service):
    # The section on clicking Apply Now, then a refusal: the section was not the last reply, so giving it
    # for a question about the profile it mentions is no repeat.
    *_, profile = chat(
        project_service,
        "so i just clicked apply on a role, what now",
        "do i need a work visa for that?",
        "i set up a profile last year already, do i need another one?",
    )
    assert profile.kind == "answer" and profile.passages[0].doc == "knowledge/online-application.md"


def test_with_the_project_knowledge_a_recruiter_call_is_the_phone_interview(project_service):
    # The glossary reads "recruiter call" as the phone interview (its tips), not the recruiters' tips.
    [tips] = chat(project_service, "how should i answer questions on the recruiter call?")
    assert tips.kind == "answer" and tips.passages[0].id == "phone-interview#how-to-answer-phone-interview-questions"


def test_with_the_project_knowledge_back_to_a_topic_names_it(project_service):
    # "back to the tests" returns to the assessments after a question about several applications.
    *_, back = chat(
        project_service,
        "how many online tests will i have to do?",
        "also can i apply to two roles at the same time?",
        "ok back to the tests - what is on them",
    )
    assert back.kind == "answer" and back.passages[0].doc == "knowledge/online-assessments.md", back.passages[:1]


def test_with_the_project_knowledge_a_chat_and_keeps_the_follow_up_and_its_question(project_service):
    # "n how long is it": "n" is chat's "and", no subject; then "the second one?" asks it of the other type.
    *_, first, second = chat(
        project_service,
        "what kind of assesments do you guys have",
        "the first one, what is it about",
        "n how long is it",
        "the second one?",
    )
    assert (
        first.kind == "answer"
        and first.passages[0].id == "work-style-assessment#how-long-the-work-style-assessment-takes"
    )
    assert (
        second.kind == "answer"
        and second.passages[0].id == "work-sample-simulation#how-long-the-work-sample-simulation-takes"
    )


def test_with_the_project_knowledge_a_correction_may_describe_the_item_it_means(project_service):
    # "sorry no actually the one with the tasks": the last question (how long) of the type with tasks.
    *_, tasks = chat(
        project_service,
        "how long is the assesment",
        "no i meant the leadership principles one, the work style one",
        "sorry no actually the one with the tasks",
    )
    assert (
        tasks.kind == "answer"
        and tasks.passages[0].id == "work-sample-simulation#how-long-the-work-sample-simulation-takes"
    )


def test_with_the_project_knowledge_meanings_and_summaries_are_the_answer_explained(project_service):
    # "X means what?" and the page's "neutral parties" (the bar raisers, in the glossary).
    *_, meaning = chat(project_service, "what's a 'loop'", "and 'neutral parties' means what?")
    assert meaning.kind == "answer" and meaning.passages[0].id == "interview-loop#what-a-bar-raiser-does"
    assert not meaning.repeated  # another section than the one just given
    # "tldr?": the answer just given, again (no shorter text of it is written).
    tips, tldr = chat(
        project_service, "any advice for answering phone interview questions", "too long didnt read, tldr?"
    )
    assert tldr.kind == "answer" and tldr.passages[0].id == tips.passages[0].id and tldr.repeated
    # A word of the answer before a refusal: that answer, which says it; another word: not explained.
    tips, refused, explained = chat(
        project_service,
        "any advice for answering phone interview questions",
        "whats the dress code",
        "what does well-structured mean here",
    )
    assert refused.kind == "fallback"
    assert explained.kind == "answer" and explained.passages[0].id == tips.passages[0].id


def test_with_the_project_knowledge_a_finished_step_hears_back_then_goes_on(project_service):
    # "just finished my phone interview, what happens now?": when AWS gets back after it, then the loop,
    # which the conversation is about next.
    now, prep = chat(project_service, "just finished my phone interview 😅 what happens now", "how do i prep for it")
    assert [p.doc for p in now.passages] == ["knowledge/phone-interview.md", "knowledge/interview-loop.md"]
    assert "two business days" in now.passages[0].text
    assert prep.kind == "answer" and prep.passages[0].doc == "knowledge/interview-loop.md"
    _, after = chat(project_service, "i just finished my phone interview!! what's next", "and after that?")
    assert after.kind == "fallback"  # nothing is said of what follows the loop
    # Not finished: the next step alone.
    [step] = chat(project_service, "what comes after the phone screen")
    assert [p.doc for p in step.passages][:1] == ["knowledge/interview-loop.md"]
    assert all(p.doc != "knowledge/phone-interview.md" for p in step.passages)


def test_with_the_project_knowledge_the_other_one_named_is_that_one(project_service):
    # After the phone interview, "the other one, the in person one" is the loop, whatever else was listed.
    _, other = chat(
        project_service,
        "is the phone interview technical or more behavioral?",
        "what about the other one, the in person one",
    )
    assert other.kind == "answer" and other.passages[0].doc == "knowledge/interview-loop.md"


def test_with_the_project_knowledge_whom_to_check_with_is_whom_to_ask(project_service):
    # "who exactly should i check with?" after the government employees' answer: its ethics officer, not
    # the status check the word "check" matched.
    _, whom = chat(
        project_service,
        "i currently work for the federal government, can i still talk to amazon about a job?",
        "who exactly should i check with?",
    )
    assert whom.kind == "answer" and whom.passages[0].doc == "knowledge/government-employees.md"
    assert "ethics officer" in whom.passages[0].text


def test_with_the_project_knowledge_picking_one_of_both_answers_the_same_question_for_it(project_service):
    # "how long is the assessment?" is answered for both types; "the work style one" picks one of them:
    # its duration, not its description.
    _, picked = chat(project_service, "how long is the assessment", "the work style one")
    assert picked.kind == "answer"
    assert picked.passages[0].id == "work-style-assessment#how-long-the-work-style-assessment-takes"
    assert len(picked.passages) == 1 or picked.passages[1].doc == "knowledge/work-style-assessment.md"
    _, other = chat(project_service, "how long is the assessment", "the simulation one")
    assert other.passages[0].id == "work-sample-simulation#how-long-the-work-sample-simulation-takes"


def test_with_the_project_knowledge_what_is_next_after_that_is_the_next_step(project_service):
    _, _, following = chat(
        project_service, "whats the process to get hired", "ok and whats step 1", "what's next after that"
    )
    assert following.kind == "answer" and following.passages[0].doc == "knowledge/online-assessments.md"


def test_with_the_project_knowledge_checking_it_oneself_is_the_status_portal(project_service):
    # "can i check on it myself somewhere?" after when AWS gets back: the candidate portal, though the
    # topic (hearing back) says nothing of checking.
    *_, check = chat(
        project_service,
        "how long do i have to wait after the phone screen",
        "what if i don't hear anything at all",
        "can i check on it myself somewhere",
    )
    assert check.kind == "answer" and check.passages[0].doc == "knowledge/application-status.md"
    assert "candidate portal" in check.passages[0].text


def test_the_watcher_serves_a_deleted_file_and_the_folder_check_finds_what_it_missed(
    write_doc, tmp_path, embedder, monkeypatch
):
    import asyncio
    import time

    from api.knowledge import service as service_module
    from api.knowledge.service import on_disk

    svc = service_of(PROCESS_DOCS, write_doc, tmp_path, embedder)
    # Rebuilds of these documents alone (the project's labelled questions would be embedded the first time).
    monkeypatch.setattr(
        service_module,
        "build_index",
        lambda folder, index_dir, embedder, *_, previous=None: build_index(
            folder, index_dir, embedder, previous=previous
        ),
    )
    svc._read = on_disk(write_doc.dir)
    docs = lambda: {s.doc for s in svc.index.sections}  # noqa: E731

    async def served(check, timeout: float = 5.0) -> float:
        started = time.monotonic()
        while not check():
            assert time.monotonic() - started < timeout, "not served in time"
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def scenario() -> None:
        watcher = asyncio.create_task(svc.watch())
        try:
            await asyncio.sleep(0.3)
            (write_doc.dir / "loop.md").unlink()
            await served(lambda: "knowledge/loop.md" not in docs())
            # A change no event reported (here: the record of what was read forgotten, no file touched) is
            # found by the folder check within about a second.
            before = svc.index
            svc._read = ()
            await served(lambda: svc.index is not before, timeout=3.0)
            write_doc("loop.md", PROCESS_DOCS["loop.md"])
            await served(lambda: "knowledge/loop.md" in docs())
        finally:
            watcher.cancel()

    asyncio.run(scenario())
    assert on_disk(write_doc.dir) == svc._read
    assert on_disk(tmp_path / "missing") == ()


def test_with_the_project_knowledge_a_correction_to_the_other_listed_one_asks_the_last_question_of_it(
    project_service,
):
    # "oh sorry i meant the other one, the personality one" after the simulation's length: the work style
    # assessment's length ("personality" describes the item; it is no question the topic must state).
    first, corrected = chat(
        project_service, "how long does the simulation take", "oh sorry i meant the other one, the personality one"
    )
    assert first.passages[0].doc == "knowledge/work-sample-simulation.md"
    assert corrected.kind == "answer" and corrected.passages[0].doc == "knowledge/work-style-assessment.md"
    assert "10-20" in corrected.passages[0].text


def test_with_the_project_knowledge_who_takes_part_after_a_refusal_is_asked_of_the_topic(project_service):
    # "how many rounds is it" is refused (the page gives no number); "who's in it" asks who takes part in
    # the loop, which the loop's description names.
    _, rounds, who = chat(
        project_service, "i passed the phone interview yay whats next", "how many rounds is it", "who's in it"
    )
    assert rounds.kind == "fallback"
    assert who.kind == "answer" and who.passages[0].doc == "knowledge/interview-loop.md"
    assert "bar raiser" in who.passages[0].text.lower()


def test_with_the_project_knowledge_when_the_topic_happens_after_a_refusal_is_asked_of_the_topic(project_service):
    # A retake is refused (the page says nothing of it); "when do i get it" asks when the assessment comes,
    # which the topic says, and is not the refused question again.
    _, retake, when = chat(
        project_service,
        "why does aws even do online assessments",
        "can i retake it if i mess up",
        "when do i get it, like right away?",
    )
    assert retake.kind == "fallback"
    assert when.kind == "answer" and when.passages[0].id == "online-assessments#when-you-take-an-aws-online-assessment"
    # "why not?" after a refusal still leans on the refused question.
    *_, why = chat(
        project_service, "why does aws even do online assessments", "can i retake it if i mess up", "why not?"
    )
    assert why.kind == "fallback"


def test_with_the_project_knowledge_why_they_care_asks_the_reason_of_what_was_just_said(project_service):
    # "care" asks nothing of its own, as "why does that matter to them?" does: the failure section says why.
    _, failures, why = chat(
        project_service,
        "tips for the final round??",
        "should i talk about failures too?",
        "why do they care about that",
    )
    assert failures.passages[0].id == "interview-loop#how-aws-views-failure-in-interviews"
    assert why.kind == "answer" and why.passages[0].id == failures.passages[0].id


def test_with_the_project_knowledge_which_step_is_longer_is_refused_when_neither_states_a_time(project_service):
    # The page gives no length for the phone interview or the loop: "which one is longer?" after them is
    # not covered, never the phone interview's tips again.
    _, longer = chat(
        project_service,
        "whats the difference between the phone interview and the in person ones",
        "which one is longer",
    )
    assert longer.kind == "fallback"


def test_with_the_project_knowledge_when_you_hear_back_after_another_step_is_refused(project_service):
    # The page says when AWS gets back after the phone interview only: asked of the loop, by any of its
    # names and even beside the phone interview's two days, it is refused, never answered with those.
    for question in (
        "when do i hear back after the onsite?",
        "ok the phone one is 2 business days, but how long after the final round do you find out?",
        # ...and when the phone interview is named last, the wait asked about is after the loop.
        "how long after the final loop do you hear back? i know its like 2 days after the phone screen but what about the last round",
    ):
        assert project_service.ask(question).kind == "fallback", question
    for question in (
        "i did my phone screen, when do i hear back",
        "how soon after my phone screen do you get back to me?",
    ):
        phone = project_service.ask(question)
        assert phone.kind == "answer" and "two business days" in phone.passages[0].text, question


def test_with_the_project_knowledge_several_questions_get_a_section_each(project_service):
    asked = project_service.ask(
        "3 qs: 1) how long is the work style test 2) is the final round in person 3) can i apply to more than one role"
    )
    assert asked.kind == "answer" and asked.unanswered == ()
    assert [p.doc for p in asked.passages] == [
        "knowledge/work-style-assessment.md",
        "knowledge/interview-loop.md",
        "knowledge/multiple-applications.md",
    ]
    # A question of the three that the page does not answer is named, for the reply to say so.
    partly = project_service.ask(
        "how long is the work style test? is there a dress code for the loop? can i apply to more than one role?"
    )
    assert [p.doc for p in partly.passages] == [
        "knowledge/work-style-assessment.md",
        "knowledge/multiple-applications.md",
    ]
    assert partly.unanswered == ("is there a dress code for the loop",)
    # A second question that points back is one question with the first, searched whole.
    one = project_service.ask("is the work sample simulation proctored? do i need my webcam on for it")
    whole = project_service.ask("is the work sample simulation proctored do i need my webcam on for it")
    assert one.unanswered == () and one.kind == whole.kind and len(one.passages) == len(whole.passages)


def test_with_the_project_knowledge_the_one_described_is_found_once_the_list_is_further_back(project_service):
    # The two assessments were listed two answers back; "the one with the chart stuff" is still the one
    # topic whose text states charts: the work sample simulation.
    *_, described = chat(
        project_service,
        "how long does the online application take to fill out",
        "ok and the assessment after it?",
        "why two different times",
        "which one is the one with the chart stuff",
    )
    assert described.kind == "answer" and described.passages[0].doc == "knowledge/work-sample-simulation.md"


def test_an_uncovered_question_asking_for_something_else_does_not_refuse_one_worded_like_it():
    # A count is not a kind; what the principles are is not whether to know them.
    assert _asks_something_else("how many examples should i bring", "what kind of examples should i bring")
    assert not _asks_something_else("how many examples should i bring", "how many kinds of examples do i need")
    assert _asks_something_else("what are the leadership principles", "do i need to know the leadership principles?")
    assert not _asks_something_else("what are the leadership principles", "what r the leadership principles lol")
    assert not _asks_something_else("how much does aws pay", "what is the salary for an sde")
    # How much a thing matters is neither how many there are nor what they are.
    assert _asks_something_else("how many leadership principles are there", "how much do the LPs actually matter")
    assert _asks_something_else("what are the leadership principles", "how important are the leadership principles")
    assert not _asks_something_else("why do the leadership principles matter so much", "do the LPs matter")


def test_with_the_project_knowledge_what_kind_of_examples_and_knowing_the_principles_are_answered(project_service):
    # Worded like "how many examples should I bring?" and "what are the leadership principles?", which
    # the page does not answer, yet asking what it does say: specific examples, prepared against them.
    kinds = project_service.ask("what kind of examples should i bring")
    assert kinds.kind == "answer" and "specific examples" in kinds.passages[0].text
    principles = project_service.ask("do i need to know the leadership principles?")
    assert principles.kind == "answer" and "Leadership Principles" in principles.passages[0].text
    assert project_service.ask("what are the leadership principles").kind == "fallback"


def test_with_the_project_knowledge_the_kinds_of_a_thing_are_answered_by_the_section_naming_them(project_service):
    # The guesses after the question ("personality test?") pulled the search to one of the kinds.
    kinds = project_service.ask("what kinds of assessments does aws use? coding? personality test?")
    assert kinds.kind == "answer" and kinds.passages[0].heading == "Types of AWS online assessments"
    # The kinds of something the heading does not list the kinds of: the section about it.
    questions = project_service.ask("what kinds of questions are in the work style assessment")
    assert questions.passages[0].doc == "knowledge/work-style-assessment.md"


def test_with_the_project_knowledge_public_service_names_the_government_employees_audience(project_service):
    asked = project_service.ask(
        "I'm in public service. what am I agreeing to if I go ahead and talk with amazon about a job?"
    )
    assert asked.kind == "answer" and asked.passages[0].doc == "knowledge/government-employees.md"


def test_with_the_project_knowledge_a_question_leaning_on_the_topic_that_it_states_stays_on_the_topic(
    project_service,
):
    # "they" are the bar raisers, whose section (its example question) states the team one would join;
    # the talent network shares only "joining", and it answered the question before.
    _, team = chat(project_service, "whats a bar raiser", "so would they be on the team im joining?")
    assert team.kind == "answer" and team.passages[0].id == "interview-loop#what-a-bar-raiser-does", team.passages[:1]


def test_with_the_project_knowledge_a_question_of_its_own_leans_towards_the_conversations_topic(project_service):
    # Asked alone, "how should i structure my answers" is the STAR method's; after the phone interview
    # it is that interview's advice on well-structured answers (its section ranked 0.04 below).
    _, structure = chat(project_service, "what happens in the phone interview?", "how should i structure my answers")
    assert structure.kind == "answer", structure
    assert structure.passages[0].id == "phone-interview#how-to-answer-phone-interview-questions", structure.passages[:1]


def test_with_the_project_knowledge_the_interviews_in_general_are_each_interview_step_in_order(project_service):
    svc = project_service
    for message in ("interviews??", "tell me about interviews at aws", "nvm, how do interviews work in general"):
        [general] = chat(svc, message)
        assert general.kind == "answer", message
        assert [p.doc for p in general.passages] == ["knowledge/phone-interview.md", "knowledge/interview-loop.md"]
    # They are the list "the second one" picks from.
    _, second = chat(svc, "interviews at aws how do they go", "the second one?")
    assert second.kind == "answer" and second.passages[0].doc == "knowledge/interview-loop.md"
    # ...or names: the last question again, of the one named.
    _, phone_one = chat(svc, "whats the interview like", "sorry, the phone one")
    assert phone_one.kind == "answer" and phone_one.passages[0].doc == "knowledge/phone-interview.md"
    # A property of the interviews, or one interview named, is no question about them in general.
    both = ["knowledge/phone-interview.md", "knowledge/interview-loop.md"]
    [length] = chat(svc, "how long are the interviews")
    assert [p.doc for p in length.passages] != both
    [phone] = chat(svc, "how do phone interviews work")
    assert phone.kind == "answer" and phone.passages[0].doc == "knowledge/phone-interview.md"
    assert [p.doc for p in phone.passages] != both
    # In a conversation about one interview, "the interview" is that one.
    _, same = chat(svc, "what happens in the phone interview?", "whats the interview like")
    assert all(p.doc == "knowledge/phone-interview.md" for p in same.passages), same.passages


def test_with_the_project_knowledge_checking_it_myself_with_no_topic_is_the_application_status(project_service):
    # Right after a look-up of the candidate's application (the dialogue tier's, which leaves no topic).
    [myself] = chat(project_service, "also where can i see it myself")
    assert myself.kind == "answer" and myself.passages[0].doc == "knowledge/application-status.md", myself
    # Naming something else is a question of its own.
    [other] = chat(project_service, "where can i see the leadership principles myself")
    assert not other.passages or other.passages[0].doc != "knowledge/application-status.md"


def test_with_the_project_knowledge_a_section_headed_with_what_a_thing_is_for_answers_its_purpose(project_service):
    # "purpose" is no word of "What AWS online assessments are for"; the heading says what they are for.
    _, purpose = chat(project_service, "how many assessments will i have to do", "whats their purpose anyway")
    assert purpose.kind == "answer", purpose
    assert purpose.passages[0].id == "online-assessments#what-aws-online-assessments-are-for", purpose.passages[:1]
    # ...and why they are used at all, after a refused question about them.
    *_, why = chat(
        project_service,
        "when do i get the online assessment",
        "so for a sales role how many exactly",
        "why do they even use them",
    )
    assert why.kind == "answer", why
    assert why.passages[0].id == "online-assessments#what-aws-online-assessments-are-for", why.passages[:1]


def test_with_the_project_knowledge_when_the_candidate_did_something_does_not_make_the_section_a_repeat(
    project_service,
):
    # "already", "once", "a year ago" say when, not what is asked: the section just given states the rest.
    _, again = chat(
        project_service, "how do i actually apply", "i already applied once a year ago, do i need a new account?"
    )
    assert again.kind == "answer" and again.passages[0].doc == "knowledge/online-application.md", again


def test_with_the_project_knowledge_a_correction_stating_a_whole_question_asks_that_question(project_service):
    _, meant = chat(
        project_service,
        "the STAR thing, is that for the assessment?",
        "wait no i meant what the phone interview wants me to focus on",
    )
    assert meant.kind == "answer", meant
    assert meant.passages[0].id == "phone-interview#what-the-phone-interview-covers", meant.passages[:2]
    # Not the last question (a length) asked again of the phone interview, which states none.
    _, prepare = chat(
        project_service, "how long is the work style assessment?", "no i meant how do i prepare for the phone interview"
    )
    assert prepare.kind == "answer" and prepare.passages[0].doc == "knowledge/phone-interview.md", prepare


def test_with_the_project_knowledge_every_step_between_two_moments_is_the_steps_overview(project_service):
    [whole] = chat(
        project_service,
        "i'm a career changer, never done corporate hiring before. could someone please lay out in simple terms "
        "what happens from the moment i find a job posting at aws until the final interviews?",
    )
    assert whole.kind == "answer" and whole.passages[0].doc == "knowledge/hiring-steps.md", whole.passages[:1]


def test_with_the_project_knowledge_a_time_asked_again_of_a_section_giving_none_in_numbers_is_refused(
    project_service,
):
    # "on a rolling basis" was the answer; the page says nothing more precise.
    _, roughly = chat(
        project_service,
        "applied 2 weeks ago and heard nothing. when will i hear back?",
        "ok but like roughly how long does that usually take",
    )
    assert roughly.kind == "fallback", roughly.passages[:1]
    # A section giving the time in numbers is asked about it again, and answers.
    _, soon = chat(project_service, "when do i hear back after the phone interview?", "and how soon is that exactly")
    assert soon.kind == "answer", soon


def test_with_the_project_knowledge_a_question_said_to_be_a_new_one_is_not_judged_as_a_follow_up(project_service):
    with refusing_every_follow_up(project_service) as svc:
        _, plain = chat(svc, "can i apply to more than one job?", "are there internships for students")
        assert plain.kind == "fallback", plain
        _, btw = chat(svc, "can i apply to more than one job?", "btw are there internships for students")
        assert btw.kind == "answer" and btw.passages[0].doc == "knowledge/students-and-graduates.md", btw
        # "btw" before a follow-up of the topic leaves it a follow-up.
        _, how_long = chat(svc, "what is the work style assessment", "btw how long does it take")
        assert how_long.kind == "fallback", how_long


def test_with_the_project_knowledge_how_sure_a_hedged_section_is_is_asked_of_it(project_service):
    # "AWS strives to get back to you within two business days": whether that is guaranteed, it says.
    _, sure = chat(project_service, "how long after phone interview do they reply", "is that guaranteed")
    assert sure.kind == "answer", sure
    assert sure.passages[0].id == "phone-interview#when-you-hear-back-after-the-phone-interview", sure.passages[:1]
    # "Typically takes 10-20 minutes" hedges a length, not whether there will be assessments at all.
    _, types = chat(
        project_service, "just hit apply now on a support job, what happens after that", "is that guaranteed?"
    )
    assert types.kind == "fallback", types.passages[:1]


def test_with_the_project_knowledge_which_is_harder_or_matters_more_is_refused(project_service):
    # The page says what each step is, never how hard or how decisive one is against another.
    for first, judged in (
        ("whats the difference between the phone interview and the in-person one", "which one matters more"),
        ("whats the difference between the phone interview and the in person one", "which is more important"),
        ("is it true amazon asks brain teasers", "what about the bar raiser, is that person tougher than the others?"),
    ):
        _, d = chat(project_service, first, judged)
        assert d.kind == "fallback", (judged, d.passages[:1])
    for alone in (
        "which leadership principles are the most important ones for the work style assessment?",
        "do students and new grads get an easier online assessment than experienced hires",
    ):
        [d] = chat(project_service, alone)
        assert d.kind == "fallback", (alone, d.passages[:1])
    # The difference asked with it is answered.
    [both] = chat(
        project_service,
        "diff between the work style assessment and the work sample simulation? which is harder",
    )
    assert both.kind == "answer", both


def test_with_the_project_knowledge_tests_before_the_interviews_are_the_assessments(project_service):
    first, second = chat(
        project_service, "what kind of tests do u make ppl take before interviews", "the 2nd one how long is it"
    )
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/online-assessments.md", first.passages[:1]
    assert second.kind == "answer" and "20-60" in second.passages[0].text, second.passages[:1]


def test_with_the_project_knowledge_what_to_do_first_after_the_steps_is_the_first_step(project_service):
    _, first = chat(project_service, "yo how do u even get hired at aws, whats the process", "ok so what do i do first")
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/online-application.md", first.passages[:1]
    [start] = chat(project_service, "where do i even start?")
    assert start.kind == "answer" and start.passages[0].doc == "knowledge/online-application.md", start.passages[:1]
    # A question of its own that ends with it asks that question: how to apply, with Apply Now.
    [apply] = chat(project_service, "how do i even apply to aws lol where do i start")
    assert apply.kind == "answer" and "Apply Now" in apply.passages[0].text, apply.passages[:1]


def test_with_the_project_knowledge_a_bare_quantity_is_answered_by_the_section_headed_with_it(project_service):
    with refusing_every_follow_up(project_service) as svc:
        _, many = chat(svc, "when do i take the online assessment", "how many are there")
        assert many.kind == "answer", many
        assert many.passages[0].id == "online-assessments#how-many-online-assessments-you-will-take", many.passages[:1]
        # A quantity of something named is the model's to judge.
        _, named = chat(svc, "when do i take the online assessment", "how many questions are there")
        assert named.kind == "fallback", named.passages[:1]


def test_with_the_project_knowledge_hearing_back_after_applying_is_the_general_answer(project_service):
    for question in ("when will i hear back after i apply", "how long after i apply do they get back to me"):
        [heard] = chat(project_service, question)
        assert heard.kind == "answer", heard
        assert heard.passages[0].id == "application-status#when-you-will-hear-back-from-amazon", heard.passages[:1]
    # Having applied, "when do they reply" is that answer too, not the phone interview's time.
    _, reply = chat(project_service, "what happens after i click apply now", "ok done. so when do they reply")
    assert reply.kind == "answer", reply
    assert reply.passages[0].id == "application-status#when-you-will-hear-back-from-amazon", reply.passages[:1]
    # Named with the phone interview, it is that time.
    [phone] = chat(project_service, "after i apply and do the phone interview when do i hear back")
    assert phone.passages[0].id == "phone-interview#when-you-hear-back-after-the-phone-interview", phone.passages[:1]


def test_with_the_project_knowledge_a_correction_to_a_step_with_no_time_to_hear_back_is_refused(project_service):
    for correction in ("no sorry i meant the online assessment results", "sorry i meant the loop"):
        _, corrected = chat(project_service, "how fast do i get results after the phone interview", correction)
        assert corrected.kind == "fallback", (correction, corrected.passages[:1])


def test_with_the_project_knowledge_what_a_thing_is_for_is_its_purpose_section(project_service):
    for question in ("what is the assessment for", "what is the assessment even for"):
        [purpose] = chat(project_service, question)
        assert purpose.kind == "answer", purpose
        assert purpose.passages[0].id == "online-assessments#what-aws-online-assessments-are-for", purpose.passages[:1]


def test_with_the_project_knowledge_applying_to_other_stuff_is_applying_to_several_jobs(project_service):
    [several] = chat(project_service, "can i apply to other stuff too")
    assert several.kind == "answer" and several.passages[0].doc == "knowledge/multiple-applications.md", several
    [types] = chat(project_service, "what kinds of online tests does amazon make you take")
    assert types.kind == "answer", types
    assert types.passages[0].id == "online-assessments#types-of-aws-online-assessments", types.passages[:1]


def test_with_the_project_knowledge_a_yes_no_follow_up_its_section_states_is_answered(project_service):
    with refusing_every_follow_up(project_service) as svc:
        # "search by location, job categories, or keywords": the section says it, whatever the model reads.
        _, category = chat(svc, "how do i find jobs at aws", "can i filter them by category")
        assert category.kind == "answer", category
        assert category.passages[0].id == "online-application#finding-the-right-aws-job", category.passages[:1]
        # A question for what the section only names ("11 tips") is the model's to judge.
        _, tips = chat(svc, "im prepping for my aws loop next week any tips??", "what are the 11 recruiter tips")
        assert tips.kind == "fallback", tips.passages[:1]


def test_with_the_project_knowledge_a_first_question_with_no_subject_is_asked_back(project_service):
    # "it" is nothing yet: the sections it could mean are offered, from different topics, not one guessed.
    [which] = chat(project_service, "how long does it take")
    assert which.kind == "clarify", which.passages[:1]
    offered = [p.doc for p in which.passages]
    assert 2 <= len(offered) <= 3 and len(set(offered)) == len(offered), offered
    assert {"knowledge/work-style-assessment.md", "knowledge/work-sample-simulation.md"} <= set(offered)
    # With a topic in the conversation, "it" is that topic: answered, not asked back.
    _, length = chat(project_service, "what is the work sample simulation", "how long does it take")
    assert length.kind == "answer", length
    assert length.passages[0].id == "work-sample-simulation#how-long-the-work-sample-simulation-takes"
    # A first question with a subject of its own is answered as before.
    [own] = chat(project_service, "how long does the work style assessment take")
    assert own.kind == "answer", own


def test_with_the_project_knowledge_an_option_typed_after_a_question_back_is_asked_the_question(project_service):
    # The answer to "which one?" by its place or by its name: the first question, of that topic.
    for pick in ("the second one", "the simulation", "work sample simulation pls"):
        _, picked = chat(project_service, "how long does it take", pick)
        assert picked.kind == "answer", (pick, picked)
        assert picked.passages[0].id == "work-sample-simulation#how-long-the-work-sample-simulation-takes", (
            pick,
            picked.passages[:1],
        )
    # A question of its own after it is asked as it is.
    _, own = chat(project_service, "how long does it take", "is the phone interview with a recruiter")
    assert own.kind != "clarify" and all(p.doc == "knowledge/phone-interview.md" for p in own.passages[:1]), own


def test_with_the_project_knowledge_a_question_saying_it_changes_the_subject_is_not_judged_as_a_follow_up(
    project_service,
):
    # The follow-up model refused it at 0.85 after the students' answer and a refused GPA question.
    with refusing_every_follow_up(project_service) as svc:
        *_, several = chat(
            svc,
            "recent grad here (graduated in may), where do i look for entry level stuff",
            "is there a gpa cutoff",
            "ok switching topics, can i apply to a grad role and a normal role at the same time",
        )
        assert several.kind == "answer" and several.passages[0].doc == "knowledge/multiple-applications.md", several


def test_with_the_project_knowledge_whats_on_it_asks_what_the_topic_holds(project_service):
    # "whats" asks what as "what" does: not the duration just given again.
    _, tasks = chat(project_service, "how long is the work sample simulation", "whats on it")
    assert tasks.kind == "answer", tasks
    assert tasks.passages[0].id == "work-sample-simulation#example-work-sample-simulation-tasks", tasks.passages[:1]


def test_with_the_project_knowledge_a_count_asked_of_the_topic_is_its_section_asking_that_count(project_service):
    for first in (
        "hello, i am from brazil, when i must do the assessment, before or after apply?",
        "when do i take the assessments",
    ):
        _, count = chat(project_service, first, "and how many assessment i will have?")
        assert count.kind == "answer", (first, count)
        assert count.passages[0].id == "online-assessments#how-many-online-assessments-you-will-take", (
            first,
            count.passages[:1],
        )
    # A count of something the heading does not name is not that section's question.
    counts = project_service.section("online-assessments#how-many-online-assessments-you-will-take")
    assert project_service._heading_counts("how many assessments will i have", counts)
    assert not project_service._heading_counts("how many questions are there", counts)
    [same] = chat(project_service, "do all positions have the same amount of tests?")
    assert (
        same.kind == "answer" and same.passages[0].id == "online-assessments#how-many-online-assessments-you-will-take"
    )


def test_with_the_project_knowledge_not_hearing_back_in_that_time_is_not_covered(project_service):
    *_, late = chat(
        project_service,
        "got a phone screen next week any tips",
        "and when do i hear back after it",
        "what if i dont hear back in that time",
    )
    assert late.kind == "fallback", late.passages[:1]


def test_with_the_project_knowledge_whom_to_ask_about_a_refused_question_is_refused_again(project_service):
    *_, ask = chat(
        project_service,
        "why do i have to do an online test, i have 10 yrs experience lol",
        "can i skip it since im senior",
        "who do i ask about that then",
    )
    assert ask.kind == "fallback", ask.passages[:1]


def test_with_the_project_knowledge_contacting_only_those_wanted_is_hearing_back_if_interested(project_service):
    # (The search found how to apply closer.)
    [reply] = chat(project_service, "do you contact everyone who applies or just the ones you want")
    assert reply.kind == "answer", reply
    assert reply.passages[0].id == "application-status#when-you-will-hear-back-from-amazon", reply.passages[:1]


def test_with_the_project_knowledge_both_for_every_role_is_the_listing_topic_s_count(project_service):
    count = "online-assessments#how-many-online-assessments-you-will-take"
    for first, then in (
        ("whats the difference between the work style thing and the simulation", "which one is longer"),
        ("how long is the work sample simulation", "is that the same for the work style one"),
        (
            "whats the difference between the work style assessment and the work sample simulation",
            "which one is harder tho",
        ),
    ):
        *_, every = chat(project_service, first, then, "do all roles get both?")
        assert every.kind == "answer" and every.passages[0].id == count, (first, every.passages[:1])
    # With no listing topic in the conversation it is not that section's.
    _, other = chat(project_service, "what is a bar raiser", "do all roles have both")
    assert not other.passages or other.passages[0].id != count


def test_with_the_project_knowledge_a_dev_asking_for_prep_gets_the_software_developers_resource(project_service):
    [prep] = chat(project_service, "im a backend dev, anything specific to prep for the aws interview?")
    assert prep.kind == "answer" and prep.passages[0].doc == "knowledge/software-developer-interview-prep.md", prep


def test_with_the_project_knowledge_a_story_from_years_ago_asks_how_recent_it_should_be(project_service):
    # (Refused: "yrs" and "ago" are no words of the topic.)
    *_, old = chat(
        project_service, "tips for the phone screen?", "why metrics", "should i use stories from like 10 yrs ago"
    )
    assert old.kind == "answer" and "recent" in old.passages[0].text, old.passages[:1]


def test_with_the_project_knowledge_old_or_new_examples_asks_how_recent_they_should_be(project_service):
    # (Refused: "old" and "new" are no words of the section just given.)
    *_, old = chat(
        project_service,
        "any advice on answering questions in the phone screen",
        "why the metrics thing",
        "should the examples be old or new",
    )
    assert old.kind == "answer" and "recent" in old.passages[0].text, old.passages[:1]


def test_as_served_someone_else_working_for_a_government_is_the_government_employees_topic(served_service):
    # (Refused: the coverage model read the sister as the subject, P(uncovered) 0.83.)
    sister = served_service.ask("my sister works for the state gov, is she allowed to apply")
    assert sister.kind == "answer" and sister.passages[0].doc == "knowledge/government-employees.md", sister


def test_with_the_project_knowledge_impressing_them_asks_how_to_prepare(project_service):
    *_, impress = chat(
        project_service, "what is a bar raiser", "so are they from my future team", "how do i impress them"
    )
    assert impress.kind == "answer", impress
    assert impress.passages[0].id == "interview-loop#how-to-prepare-for-the-in-person-interviews", impress.passages[:1]


def test_with_the_project_knowledge_a_correction_to_after_applying_is_when_aws_gets_back(project_service):
    # The phone interview's two business days, then "no, after applying": the application's own
    # sections state no wait, the status topic's "rolling basis" does.
    _, meant = chat(project_service, "how long does it take to hear back", "no i mean after i submit my application")
    assert meant.kind == "answer", meant
    assert meant.passages[0].id == "application-status#when-you-will-hear-back-from-amazon", meant.passages[:1]
    # Corrected to another step that says nothing of it: still not covered.
    _, other = chat(
        project_service,
        "how fast do i get results after the phone interview?",
        "no sorry i meant the online assessment results",
    )
    assert other.kind == "fallback", other.passages[:1]


def test_with_the_project_knowledge_the_other_one_after_the_phone_interview_is_the_loop(project_service):
    _, other = chat(project_service, "tell me about the phone interview", "and the other one")
    assert other.kind == "answer" and other.passages[0].doc == "knowledge/interview-loop.md", other.passages[:1]


def test_with_the_project_knowledge_which_comes_first_of_two_steps_compared_is_the_steps_order(project_service):
    _, first = chat(
        project_service,
        "whats the diff between the phone interview and the work style assessment",
        "which one comes first",
    )
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/hiring-steps.md", first.passages[:1]
    # Two things of the same step: the page gives no order of the assessment types.
    _, same = chat(project_service, "work sample vs work style?", "which one is first")
    assert not same.passages or same.passages[0].doc != "knowledge/hiring-steps.md", same.passages[:1]


def test_with_the_project_knowledge_the_last_question_carried_to_a_named_topic_without_a_parallel_section(
    project_service,
):
    # The loop's preparation has no parallel section in the phone interview's topic: the last question,
    # of the phone interview, at its section answering it best (it was refused).
    _, phone = chat(project_service, "What should i do prior to my interviews", "and for the phone one specifically")
    assert phone.kind == "answer", phone
    assert phone.passages[0].id == "phone-interview#how-to-answer-phone-interview-questions", phone.passages[:1]


def test_with_the_project_knowledge_no_reply_after_a_status_question_is_when_aws_gets_back(project_service):
    # ("reply" is no word of the topic: the follow-up was refused.)
    *_, silence = chat(
        project_service,
        "i applied for a technical engineering hardware position in seattle, where do i see status",
        "its been 3 weeks no reply is that normal",
    )
    assert silence.kind == "answer", silence
    assert "rolling basis" in silence.passages[0].text, silence.passages[:1]


@pytest.fixture(scope="module")
def served_service(tmp_path_factory, embedder) -> KnowledgeService:
    """The service as `KnowledgeService.start` builds it: the project's knowledge, and a coverage model
    that learnt the dev sets' questions too (about half a minute: their vectors)."""
    return _over_the_project_knowledge(tmp_path_factory, embedder, learning_the_dev_sets=True)


def test_as_served_nlu_s_flag_yields_when_the_coverage_model_reads_the_question_covered(served_service):
    # NLU's n-grams call these out of scope; the coverage model reads them as covered (P(uncovered)
    # 0.2-0.5), and each is answered by its section.
    svc = served_service
    rounds = svc.ask("how many rounds r there", likely_uncovered=True)
    assert rounds.kind == "answer" and "four" in rounds.passages[0].text.lower()
    worried = svc.ask(
        "had my phone call monday, it's wednesday afternoon and total silence. should i be worried??",
        likely_uncovered=True,
    )
    assert worried.kind == "answer" and "two business days" in " ".join(p.text for p in worried.passages).lower()
    # ...while a flagged question the model also doubts stays refused.
    assert svc.ask("can you tell me who the bar raiser in my loop is going to be", likely_uncovered=True).kind == (
        "fallback"
    )


def test_with_the_project_knowledge_the_section_just_given_stays_when_the_other_says_less_of_the_question(
    project_service,
):
    # "so the work style quiz is about culture?" right after what the work style assessment asks about:
    # that section again, not the assessment's example question, which ranks close but says less of it.
    _, culture = chat(
        project_service, "do they care about culture fit or just skills", "so the work style quiz is about culture?"
    )
    assert culture.kind == "answer" and "culture" in culture.passages[0].text.lower()
    _, mixing = chat(
        project_service,
        "why is there some random person in my interview loop who's not on the team",
        "what's the point of mixing interviewers like that",
    )
    assert mixing.kind == "answer" and "expertise" in " ".join(p.text for p in mixing.passages).lower()


def test_as_served_the_recruiters_tips_themselves_are_not_covered(served_service):
    # The page names 11 tips and lists none: asked for them, the candidate is offered a person (the
    # writers list the question in not-covered.md), and the section saying there are 11 still answers
    # whether recruiters have tips.
    assert served_service.ask("what are the 11 recruiter tips?").kind == "fallback"
    assert served_service.ask("ok but what are the eleven tips from the recruiters").kind == "fallback"
    tips = served_service.ask("do recruiters have any tips")
    assert tips.kind == "answer" and tips.passages[0].doc == "knowledge/recruiter-tips.md", tips.passages[:1]


def test_with_the_project_knowledge_a_request_for_what_the_page_does_not_list_is_refused(project_service):
    # "ok what are they" after the recruiters' 11 tips: the section says the page does not list them, so
    # the request for them is refused with the offer of a person; a question about what the tips are
    # for is answered by that section still.
    tips, them = chat(project_service, "do recruiters have any tips", "ok what are they")
    assert tips.kind == "answer" and tips.passages[0].doc == "knowledge/recruiter-tips.md", tips.passages[:1]
    assert them.kind == "fallback"
    _, listed = chat(project_service, "do recruiters have any tips", "can u list them all")
    assert listed.kind == "fallback"
    _, purpose = chat(project_service, "do recruiters have any tips", "what are they supposed to help with")
    assert purpose.kind == "answer" and purpose.passages[0].doc == "knowledge/recruiter-tips.md"
    # The two assessments are listed on the page: "what are they" names them.
    _, types = chat(project_service, "what kinds of online assessments are there", "ok what are they")
    assert types.kind == "answer", types


def test_with_the_project_knowledge_who_to_ask_after_a_refusal_is_answered_where_the_topic_names_someone(
    project_service,
):
    # The government employees' topic names whom to consult (the employer's ethics officer): "ok so who
    # do i ask" after a refused question on it is answered with that. After a refused question on a topic
    # that names nobody, whom to ask is refused again, with the offer of a person.
    first, refused, who = chat(
        project_service,
        "im currently a federal employee, anything i should know before applying?",
        "can i get a waiver for those rules",
        "ok so who do i ask",
    )
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/government-employees.md"
    assert refused.kind == "fallback"
    assert who.kind == "answer" and "ethics officer" in who.passages[0].text, who
    _, retake, again = chat(
        project_service,
        "what are the online assessments",
        "can i retake the assessment if i fail",
        "who do i ask then?",
    )
    assert retake.kind == "fallback" and again.kind == "fallback", (retake, again)


def test_with_the_project_knowledge_two_named_assessments_compared_by_length_get_each_duration(project_service):
    # "work style test vs work sample sim, how long is each one??": each one's "how long" section, not
    # what each one is (nor only one of them).
    [both] = chat(
        project_service, "ok time budgeting question: work style test vs work sample sim, how long is each one??"
    )
    text = " ".join(p.text for p in both.passages)
    assert both.kind == "answer" and "10-20" in text and "20-60" in text, both.passages
    # Compared with no quantity asked, what each one is.
    [what] = chat(project_service, "work style vs work sample?")
    assert what.kind == "answer" and {p.doc for p in what.passages} == {
        "knowledge/work-style-assessment.md",
        "knowledge/work-sample-simulation.md",
    }


def test_with_the_project_knowledge_two_named_steps_asked_if_different_get_what_each_one_is(project_service):
    # "is the phone interview and the in person one different?": what each one is, as "vs" gets; "different"
    # elsewhere in a question compares nothing it names.
    [both] = chat(project_service, "is the phone interview and the in person one different?")
    assert both.kind == "answer" and {p.doc for p in both.passages} == {
        "knowledge/phone-interview.md",
        "knowledge/interview-loop.md",
    }, both.passages
    [several] = chat(
        project_service, "applied for two jobs, will i do one interview process for both or two different ones?"
    )
    assert several.kind == "answer" and several.passages[0].doc == "knowledge/multiple-applications.md"


def test_with_the_project_knowledge_which_comes_first_after_the_steps_is_the_first_step_and_then_the_next(
    project_service,
):
    # "which comes first" right after the four steps were listed: the first step; "and then?" the second
    # step (not the next section of the first); "how long does that part take" the assessments' lengths.
    _, first, then, length = chat(
        project_service,
        "yo whats the hiring process like at aws",
        "which comes first",
        "and then?",
        "how long does that part take",
    )
    assert first.kind == "answer" and first.passages[0].doc == "knowledge/online-application.md", first
    assert then.kind == "answer" and then.passages[0].doc == "knowledge/online-assessments.md", then
    text = " ".join(p.text for p in length.passages)
    assert length.kind == "answer" and "10-20" in text and "20-60" in text, length
    # After the assessments' two types the page gives no order: not the first step of the process.
    _, which = chat(project_service, "what types of online assessments are there", "which comes first")
    assert not which.passages or which.passages[0].doc != "knowledge/online-application.md", which


def test_with_the_project_knowledge_whats_it_like_after_an_ordinal_is_what_the_item_asks_about(project_service):
    # "what about the first one, whats it like" after the two assessment types: what the work style
    # assessment asks about, not its example question ("most like you").
    _, first = chat(
        project_service,
        "there are 2 kinds of online assessments right? what are they",
        "what about the first one, whats it like",
    )
    assert first.kind == "answer" and first.passages[0].heading == "What the work style assessment asks about", first


def test_with_the_project_knowledge_who_to_contact_is_whom_the_topic_names_whatever_the_follow_up_model_reads(
    project_service,
):
    # "who should i contact exactly" after the government employees' answer: the employer's ethics officer,
    # which the topic names; a model refusing every follow-up does not take it away. After a topic that
    # names nobody, the rule does not answer it.
    with refusing_every_follow_up(project_service) as svc:
        _, who = chat(
            svc,
            "im currently working for the federal govt, anything special i need to know before applying?",
            "who should i contact exactly",
        )
        assert who.kind == "answer" and "ethics officer" in who.passages[0].text, who
        _, phone = chat(svc, "whats the phone interview", "who should i contact exactly")
        assert phone.kind == "fallback", phone


def test_with_the_project_knowledge_a_length_carried_to_topics_stating_none_is_refused_each_time(project_service):
    # "how long is the work sample simulation" - "and the loop?" - "and the phone interview?": each one
    # asks the length again, which neither states; then when you hear back after the phone one is answered.
    _, loop, phone, heard = chat(
        project_service,
        "how long is the work sample simulation",
        "and the loop?",
        "and the phone interview?",
        "ok what about hearing back after the phone one",
    )
    assert loop.kind == "fallback" and phone.kind == "fallback", (loop, phone)
    assert heard.kind == "answer" and "two business days" in heard.passages[0].text, heard


def test_with_the_project_knowledge_a_question_in_the_shorter_one_is_asked_of_that_item(project_service):
    # "what do they ask in the shorter one" after which assessment is longer: what the work style
    # assessment asks about, not the two lengths again.
    _, asked = chat(
        project_service,
        "which assessment is longer, work style or the simulation",
        "what do they ask in the shorter one",
    )
    assert asked.kind == "answer" and asked.passages[0].heading == "What the work style assessment asks about", asked


def test_as_served_checking_on_my_own_is_the_status_page_after_any_topic(served_service):
    # "and is there a way for me to check on my own" after what comes after the assessments: too long to
    # read as a follow-up, it asks where a candidate checks their application's status (the coverage model
    # that learnt the dev sets read it as uncovered).
    _, own = chat(
        served_service,
        "ok while ur at it, what comes after the assessments",
        "and is there a way for me to check on my own",
    )
    assert own.kind == "answer" and own.passages[0].doc == "knowledge/application-status.md", own


def test_with_the_project_knowledge_how_to_structure_that_story_is_the_star_method(project_service):
    # "how should i structure that story" after how AWS views failure, "using what format" after the
    # loop: the shape of the candidate's answer (the STAR method), not a question the topic leaves out.
    _, story = chat(
        project_service,
        "is it bad to talk about a project that failed in my interview",
        "how should i structure that story",
    )
    assert story.kind == "answer" and "STAR" in story.passages[0].text, story
    _, fmt = chat(project_service, "what kind of questions in the loop", "using what format")
    assert fmt.kind == "answer" and "STAR" in fmt.passages[0].text, fmt
