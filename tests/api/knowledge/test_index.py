"""The index with the real packaged model: build, incremental re-embedding, persistence, ranking."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from api.knowledge.index import build_index
from api.knowledge.search import rank

ROOT = Path(__file__).resolve().parents[3]

DOC = """---
title: {title}
updated: 2026-11-26
---

## {heading}

{body}
"""


class CountingEmbedder:
    """Wraps the real embedder and counts the texts it embeds."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.count = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.count += len(texts)
        return self.inner.encode(texts)


def test_vectors_are_unit_length_so_inner_product_is_cosine(embedder):
    v = embedder.encode(["How long is the phone interview?", "bar raiser"])
    assert v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_only_changed_documents_are_embedded_again(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="A neutral interviewer."))
    counting = CountingEmbedder(embedder)
    first = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 4  # per document: its one section and that section's one sentence
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="An objective third party."))
    second = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 6
    assert first.version != second.version
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["model"].endswith("all-MiniLM-L6-v2") and manifest["dim"] == 384
    assert set(manifest["documents"]) == {"knowledge/a.md", "knowledge/b.md"}
    assert not list((tmp_path / "index").glob("*.tmp"))


def test_each_sentence_is_stored_with_its_section_and_reused_when_unchanged(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join the network. Get notified of roles."))
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="A neutral interviewer."))
    first = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert [first.sections[i].doc for i in first.sentence_owner] == ["knowledge/a.md"] * 2 + ["knowledge/b.md"]
    expected = embedder.encode(["A — Talent network — Get notified of roles."])[0]
    assert np.allclose(first.sentence_vectors[1], expected, atol=1e-5)
    counting = CountingEmbedder(embedder)
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="An objective third party."))
    second = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 2  # only b.md: its section and its sentence
    assert np.allclose(second.sentence_vectors[:2], first.sentence_vectors[:2])
    assert list(second.sentence_owner) == [0, 0, 1]


def test_an_index_of_an_older_format_is_rebuilt_from_scratch(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    build_index(write_doc.dir, tmp_path / "index", embedder)
    manifest_path = tmp_path / "index" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["format"]  # as written before sentences were stored
    manifest_path.write_text(json.dumps(manifest))
    counting = CountingEmbedder(embedder)
    index = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 2 and len(index.sentence_vectors) == 1


def test_a_detail_inside_a_long_section_is_found_through_its_sentence(tmp_path, write_doc, embedder):
    body = (
        "The assessment measures the key characteristics needed for success in a role. "
        "Everyone gets the same information for completing it. "
        "It does not use riddles such as how many golf balls fit in a plane. "
        "Some roles ask for it during the application."
    )
    write_doc("a.md", DOC.format(title="Assessments", heading="About the assessments", body=body))
    write_doc("b.md", DOC.format(title="Phone interview", heading="Phone interview questions", body="Past situations."))
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    question = "will they ask me how many golf balls fit in a plane?"
    plain = {p.doc: p.score for p in rank(index, embedder, question, 0.0)}
    lifted = {p.doc: p.score for p in rank(index, embedder, question, 0.0, sentence_weight=0.7)}
    assert lifted["knowledge/a.md"] > plain["knowledge/a.md"] + 0.1
    assert lifted["knowledge/b.md"] == pytest.approx(plain["knowledge/b.md"], abs=1e-5)  # one sentence: the same


def test_deleted_document_leaves_the_index(write_doc, tmp_path, embedder):
    a = write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="A neutral interviewer."))
    build_index(write_doc.dir, tmp_path / "index", embedder)
    a.unlink()
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert [s.doc for s in index.sections] == ["knowledge/b.md"]


def test_project_knowledge_ranks_the_right_section_first(tmp_path, embedder):
    index = build_index(ROOT / "knowledge", tmp_path / "index", embedder)
    top = rank(index, embedder, "How long does the work sample simulation take?", 0.02)[0]
    assert top.doc == "knowledge/work-sample-simulation.md"
    assert "20" in top.text and "60" in top.text


def test_a_topic_the_question_sets_aside_is_not_the_answer(tmp_path, embedder):
    index = build_index(ROOT / "knowledge", tmp_path / "index", embedder)
    question = "Besides the work style one, what's the other common assessment?"
    top = rank(index, embedder, question, 0.02, sentence_weight=0.7)[0]
    assert top.doc == "knowledge/online-assessments.md" and "work sample" in top.text


def test_onnx_gives_the_reference_vectors(embedder):
    from api.knowledge.embedder import TorchEmbedder

    texts = ["How long is the work style assessment?", "Will there be brain teasers?", "bar raiser"]
    assert np.allclose(embedder.encode(texts), TorchEmbedder().encode(texts), atol=1e-4)


def test_a_broken_file_keeps_serving_its_last_good_version(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    build_index(write_doc.dir, tmp_path / "index", embedder)
    write_doc("a.md", "---\ntitle: A\n---\n\n## Talent network\n\nJoin now.\n")  # 'updated' is missing
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert [s.text for s in index.sections] == ["Join to get notified of roles."]
    assert [str(p) for p in index.problems] == [
        "knowledge/a.md:1: front matter needs 'updated' as a date, e.g. updated: 2026-11-26"
    ]
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Fixed text."))
    assert [s.text for s in build_index(write_doc.dir, tmp_path / "index", embedder).sections] == ["Fixed text."]


def test_a_broken_file_that_never_loaded_serves_nothing(write_doc, tmp_path, embedder):
    write_doc("a.md", "## no front matter\n\ntext\n")
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert index.sections == [] and len(index.problems) == 1


def test_sections_that_say_the_same_thing_are_reported(write_doc, tmp_path, embedder):
    body = "The work style assessment typically takes 10-20 minutes to complete."
    write_doc("a.md", DOC.format(title="A", heading="Work style duration", body=body))
    write_doc("b.md", DOC.format(title="B", heading="Work style duration", body=body))
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert len(index.sections) == 2  # both keep serving
    assert [p.message.split(" (")[0] for p in index.problems] == [
        "section 'Work style duration' is almost the same as 'Work style duration' in knowledge/b.md"
    ]


def test_an_example_question_lifts_its_section_for_a_question_asked_that_way(write_doc, tmp_path, embedder):
    """With the real model: 'virtual onsite' is not in the text, but a writer's example says it."""
    body_loop = "The in-person interviews are the fourth step: you meet several interviewers, one after another."
    body_phone = "The phone interview is a conversation about your past experience with one interviewer."
    write_doc("loop.md", DOC.format(title="Interview loop", heading="What the interviews are like", body=body_loop))
    write_doc("phone.md", DOC.format(title="Phone interview", heading="What it covers", body=body_phone))
    question = "how does the virtual onsite go"
    plain = build_index(write_doc.dir, tmp_path / "plain", embedder)
    before = {p.id: p.score for p in rank(plain, embedder, question, 0.0, sentence_weight=0.7)}
    examples = "\n<!-- questions\n- what happens at the virtual onsite?\n- what's the final round like?\n-->\n"
    write_doc(
        "loop.md",
        DOC.format(title="Interview loop", heading="What the interviews are like", body=body_loop) + examples,
    )
    counting = CountingEmbedder(embedder)
    index = build_index(write_doc.dir, tmp_path / "plain", counting)
    assert counting.count == 1 + 1 + 2  # the changed document: section, sentence, two examples
    assert index.sentence_is_example.sum() == 2 and index.problems == []
    ranked = rank(index, embedder, question, 0.0, sentence_weight=0.7)
    after = {p.id: p.score for p in ranked}
    assert after["loop#what-the-interviews-are-like"] > before["loop#what-the-interviews-are-like"] + 0.05
    assert ranked[0].matched_example == "what happens at the virtual onsite?"  # shown in the preview
    assert after["phone#what-it-covers"] == pytest.approx(before["phone#what-it-covers"], abs=1e-5)
    # Reloaded from disk, the example rows are known again without embedding anything.
    again = CountingEmbedder(embedder)
    reloaded = build_index(write_doc.dir, tmp_path / "plain", again)
    assert again.count == 0 and list(reloaded.sentence_is_example) == list(index.sentence_is_example)


def test_an_example_question_that_reads_closer_to_another_section_is_reported(write_doc, tmp_path, embedder):
    write_doc(
        "loop.md",
        DOC.format(
            title="Interview loop",
            heading="Bar raisers",
            body="A bar raiser is a neutral interviewer from another team.",
        ),
    )
    misplaced = "\n<!-- questions\n- how long does the work sample simulation take?\n-->\n"
    write_doc(
        "sim.md",
        DOC.format(
            title="Work sample simulation",
            heading="How long it takes",
            body="The work sample simulation takes 20-60 minutes.",
        ).replace("## How long it takes", "## Who designs it\n\nAWS designs it.\n\n## How long it takes"),
    )
    write_doc(
        "loop.md",
        DOC.format(
            title="Interview loop",
            heading="Bar raisers",
            body="A bar raiser is a neutral interviewer from another team.",
        )
        + misplaced,
    )
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert any("reads closer to 'How long it takes'" in p.message for p in index.problems), index.problems


def test_the_company_and_chat_fillers_are_left_out_of_what_is_searched():
    from api.knowledge.index import strip_company

    assert strip_company("Does Amazon care about metrics?") == "Does care about metrics?"
    assert strip_company("ok whatever whats the first step anyway lol") == "ok whats the first step"
    assert strip_company("AWS") == "AWS"  # nothing left: the question as asked
    # An opening acknowledgement of the last reply goes, when punctuated or doubled; a bare "ok" opening
    # a question stays ("ok what does it cover"), as does a word that only starts like one.
    assert (
        strip_company("ok np. can i apply to another role while i wait") == "can i apply to another role while i wait"
    )
    assert strip_company("huh interesting. how many examples should i bring") == "how many examples should i bring"
    assert strip_company("cool cool, whats next") == "whats next"
    assert strip_company("ok what does it cover") == "ok what does it cover"
    assert strip_company("okinawa office?") == "okinawa office?"
    assert strip_company("ok.") == "ok."
    # The words of asking go before what is asked; "tell me more" asks for more and stays.
    assert strip_company("can u tell me what a bar raiser is") == "what a bar raiser is"
    assert strip_company("ok could you please let me know if students can apply") == "ok if students can apply"
    assert strip_company("i'd like to know how the loop works") == "how the loop works"
    assert strip_company("tell me more") == "tell me more"
    assert strip_company("just tell me if i got the job") == "just tell me if i got the job"  # their own result


def test_a_stem_keeps_the_s_of_focus_and_status():
    from api.knowledge.index import stem

    assert stem("focus") == stem("focuses") == stem("focused") == "focus"
    assert stem("status") == stem("statuses") == "status"
    assert stem("teasers") == stem("teaser")
    # A silent "e" goes as "ed" and "es" take it: "how should i structure them" ~ "well-structured".
    assert stem("structure") == stem("structured") == stem("structuring")
    assert stem("example") == stem("examples")
    assert stem("use") == "use"  # short words stay whole


def test_chat_spellings_of_question_words_and_how_come_read_as_written_out():
    from api.knowledge.index import plain_chat

    assert plain_chat("k and then wat") == "ok and then what"
    assert plain_chat("wats the asessment about") == "whats the asessment about"
    assert plain_chat("ho long dey take") == "how long they take"
    assert plain_chat("hw do i apply") == "how do i apply"
    # Sound-alike spellings the speller does not reach.
    assert plain_chat("ok wat abt the fone intervu") == "ok what about the phone interview"
    assert plain_chat("wrk style test, 2 intervus?") == "work style test, 2 interviews?"
    assert plain_chat("my phone is fine") == "my phone is fine" and plain_chat("fonetic") == "fonetic"
    assert plain_chat("is the phone screen b4 or after the loop") == "is the phone screen before or after the loop"
    assert plain_chat("ho ho ho") == "ho ho ho"  # "ho" is "how" only before a quantity word
    assert plain_chat("and hows long is it") == "and how long is it"
    assert plain_chat("hows it going") == "hows it going"
    assert plain_chat("how come?") == "why?"
    # A pronoun's part or stage is the topic; "whats it like" asks what it is about; "structure that story"
    # asks how to structure the candidate's answers.
    assert plain_chat("how long does that part take") == "how long does that take"
    assert plain_chat("i missed that part of the application") == "i missed that part of the application"
    assert plain_chat("the first one, whats it like") == "the first one, whats it about"
    assert plain_chat("what is the loop like") == "what is the loop like"
    assert plain_chat("how should i structure that story") == "how should i structure my answers"
    assert plain_chat("how should i frame it") == "how should i frame my answers"
    assert plain_chat("using what format") == "what format should my answers be in"
    assert plain_chat("what format should it be, pdf?") == "what format should it be, pdf?"
    # Waiting for the outcome is hearing back; "results" alone reads as the assessments' scores.
    assert plain_chat("how long until results?") == "how long until i hear back?"
    assert plain_chat("can i see my results") == "can i see my results"
    assert plain_chat("how long till they tell me") == "how long till i hear back"
    assert plain_chat("ok how long until they get back to me?") == "ok how long until i hear back?"
    assert plain_chat("they tell me everything") == "they tell me everything"
    # In a question for a quantity, a hedge asks for nothing more; alone, it asks for an estimate.
    assert plain_chat("and hows long is it roughly") == "and how long is it"
    assert plain_chat("roughly how many rounds?") == "how many rounds?"
    assert plain_chat("like roughly, 2? 3?") == "like roughly, 2? 3?"
    # "Tests" asked of as the steps before the interviews are the assessments; a drug test is not.
    assert plain_chat("what kind of tests do u make ppl take before interviews") == (
        "what kind of assessments are there before interviews"
    )
    assert plain_chat("do i have to do some tests or is it only interviews?") == (
        "do i have to do some assessments or is it only interviews?"
    )
    assert plain_chat("how many tests will i get") == "how many assessments will i get"
    # An amount of things is their number; an amount of time or of work is no count.
    assert plain_chat("do all positions have the same amount of tests?") == (
        "do all positions have the same number of assessments?"
    )
    assert plain_chat("what amount of time does it take") == "what amount of time does it take"
    assert plain_chat("is it the same amount of work") == "is it the same amount of work"
    # Only "the ones you want" / "if they like me" is only if AWS is interested, the page's word.
    assert plain_chat("do you contact everyone who applies or just the ones you want") == (
        "do you contact everyone who applies or just if interested"
    )
    assert plain_chat("will amazon email me even if its a no or only if they like me") == (
        "will amazon email me even if its a no or only if interested"
    )
    assert plain_chat("i only want the jobs they like") == "i only want the jobs they like"
    # A dev is a software developer, the prep page's word; not devops, nor a dev job (a job).
    assert plain_chat("is there anything to help devs prepare for the interview?") == (
        "is there anything to help software developers prepare for the interview?"
    )
    assert plain_chat("im a backend dev, any tips") == "im a software developer, any tips"
    assert plain_chat("any devops tips") == "any devops tips"
    assert plain_chat("my friend applied for a software dev job") == "my friend applied for a software dev job"
    # Stories from years ago ask how recent an example should be, the page's word.
    assert plain_chat("should i use stories from like 10 yrs ago") == "should i use stories that are not recent"
    assert plain_chat("a project from a few years back?") == "a project that are not recent?"
    assert plain_chat("i worked there from 2015 to 2020") == "i worked there from 2015 to 2020"
    assert plain_chat("stuff from my first job 10 yrs ago?") == "stuff that are not recent?"
    # Old or new examples: how recent they should be; not an old or new account.
    assert plain_chat("should the examples be old or new") == "should the examples be recent"
    assert plain_chat("older ones vs newer?") == "recent?"
    assert plain_chat("is my old account still valid") == "is my old account still valid"
    # Impressing them, looking good: how to prepare; not an impression of something else.
    assert plain_chat("how do i impress them") == "how do i prepare for them"
    assert plain_chat("how do i make myself look good") == "how do i prepare well"
    assert (
        plain_chat("how can i make a good impression on the bar raiser") == "how can i prepare well for the bar raiser"
    )
    assert plain_chat("will that impress them") == "will that impress them"
    # No reply is not having heard back; an email address, a reply to something or "no news" is not.
    assert plain_chat("its been 3 weeks no reply is that normal") == "its been 3 weeks not heard back is that normal"
    assert plain_chat("no response yet, normal?") == "not heard back, normal?"
    assert plain_chat("no email address?") == "no email address?"
    assert plain_chat("so no news = bad news?") == "so no news = bad news?"
    assert plain_chat("what kinds of drug tests do you do") == "what kinds of drug tests do you do"
    assert plain_chat("is there a coding test") == "is there a coding test"
    # Which things a candidate is made to take are which there are; only in a question for which.
    assert plain_chat("what kinds of online tests does amazon make you take") == "what kinds of online tests are there"
    assert plain_chat("what kind of assesments do u guys make ppl do") == "what kind of assesments are there"
    assert plain_chat("does amazon make you take a test") == "does amazon make you take a test"
    # Other "stuff" to apply to is other jobs; filtering jobs by something is the careers page's search by it.
    assert plain_chat("can i apply to other stuff too") == "can i apply to other jobs too"
    assert plain_chat("can i filter them by category") == "can i search by category"
    assert plain_chat("can i filter open positions by category") == "can i search by category"
    assert plain_chat("i like stuff") == "i like stuff" and plain_chat("a coffee filter") == "a coffee filter"
    # Who goes through applications reviews them; a candidate going through the process does not.
    assert plain_chat("how does aws go through applications") == "how does aws review applications"
    assert plain_chat("how do you guys go through applications") == "how do you guys review applications"
    assert plain_chat("how do i go through the application process") == "how do i go through the application process"
    # Working for a government is being a government employee; working in a department is not.
    assert (
        plain_chat("i work for the federal government rn, can i apply") == "i am a government employee rn, can i apply"
    )
    assert (
        plain_chat("and i work for the state dept, can i apply too?")
        == "and i am a government employee, can i apply too?"
    )
    assert plain_chat("i work in the sales department") == "i work in the sales department"
    assert plain_chat("state employee here, any rules") == "government employee here, any rules"
    assert plain_chat("are federal workers allowed") == "are government employees allowed"
    assert plain_chat("an employee of the state") == "an employee of the state"
    # ...and so is someone the candidate names who works for one.
    assert plain_chat("my sister works for the state gov, is she allowed to apply") == (
        "a government employee, is she allowed to apply"
    )
    assert plain_chat("my brother works in the sales department") == "my brother works in the sales department"
    # Messing up is failing, the knowledge's word; messing up a step is a step gone wrong.
    assert plain_chat("should i mention when i messed something up?") == "should i mention when i failed?"
    assert plain_chat("times i screwed up or only wins") == "times i failed or only wins"
    assert plain_chat("i messed up the work style assessment") == "i messed up the work style assessment"
    assert plain_chat("can i retake it if i messed it up") == "can i retake it if i messed it up"
    # Emailing or calling the candidate if or when something happens is contacting them.
    assert plain_chat("will they email me if i move forward") == "will they contact me if i move forward"
    assert plain_chat("can they email me my results") == "can they email me my results"
    # Of an interview, "remote" is what the knowledge calls virtual; of a job it is not.
    assert plain_chat("ok and are the interviews remote right now") == "ok and are the interviews virtual right now"
    assert plain_chat("is the onsite still remote") == "is the onsite still virtual"
    assert plain_chat("are there remote roles") == "are there remote roles"
    # "Else" says who is left out; "besides them" adds nothing to search for.
    assert plain_chat("ok who else is in the loop besides them") == "ok who else is in the loop"
    assert plain_chat("besides the work style one, whats the other") == "besides the work style one, whats the other"
    assert plain_chat("will the job be remote after the interview") == "will the job be remote after the interview"
    # No role fitting, whatever the words for it.
    assert plain_chat("and if none fit me?") == "and if no role fits me?"
    assert plain_chat("what if nothing fits rn") == "what if no role fits rn"
    assert plain_chat("and if none are open rn?") == "and if no role fits rn?"
    assert plain_chat("i don't see a job that fits me right now") == "no role fits me right now"
    assert plain_chat("i can't find a job in seattle") == "i can't find a job in seattle"
    assert plain_chat("none of them is a fit") == "none of them is a fit"
    assert plain_chat("what's the point of mixing interviewers like that") == "why mixing interviewers like that"
    assert plain_chat("keep it short, k?") == "keep it short, k?"  # only an opening "k" is "ok"
    assert plain_chat("y do they have one") == "why do they have one"
    assert plain_chat("ok y not?") == "ok why not?"
    assert plain_chat("yes they do") == "yes they do" and plain_chat("y'all do internships?") == "y'all do internships?"
    # A hedge ("-ish") names nothing: "the personality-ish one" is the glossary's "personality one".
    assert plain_chat("no sorry the personality-ish one") == "no sorry the personality one"
    assert plain_chat("do i need english?") == "do i need english?"


LABELLED_NLU = """version: "3.1"
nlu:
- intent: ask_hiring
  examples: |
    - how long is the assessment
    - what is the assessment about
    - how many minutes does the assessment take
- intent: out_of_scope
  examples: |
    - what is the weather today
    - tell me a joke
    - what's the salary
"""
LABELLED_SET = """
- id: d-01
  ask: "can i retake the assessment if i fail it?"
  kind: out_of_scope
- id: d-02
  ask: "is there a second attempt at the assessment?"
  kind: out_of_scope
- id: d-03
  ask: "if i bomb the assessment can i redo it"
  kind: out_of_scope
- id: d-04
  ask: "how much time should i block for the assessment"
  kind: answer
"""


def labelled_inputs(write_doc, tmp_path) -> tuple[Path, Path]:
    """One document about the assessments, the NLU data above and a labelled set: (NLU file, set file)."""
    write_doc("a.md", DOC.format(title="Assessments", heading="How long it takes", body="It takes 20 minutes."))
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(LABELLED_NLU)
    labelled = tmp_path / "dev-1.yaml"
    labelled.write_text(LABELLED_SET)
    return nlu, labelled


def test_the_coverage_model_learns_the_labelled_sets_questions_too(write_doc, tmp_path, embedder):
    nlu, labelled = labelled_inputs(write_doc, tmp_path)
    plain = build_index(write_doc.dir, tmp_path / "plain", embedder, nlu)
    taught = build_index(write_doc.dir, tmp_path / "taught", embedder, nlu, (labelled,))
    question = "am i allowed to retake the assessment?"
    vector = embedder.encode([question])[0]
    assert plain.coverage is not None and taught.coverage is not None
    assert taught.coverage.examples == plain.coverage.examples + 4
    assert taught.coverage.uncovered(vector, question) > plain.coverage.uncovered(vector, question) + 0.2


def test_a_rebuild_serves_at_once_and_refits_the_models_behind(write_doc, tmp_path, embedder):
    import time

    nlu, labelled = labelled_inputs(write_doc, tmp_path)
    first = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,))
    # Unchanged data: the models fitted before, at once (no second fit, no waiting).
    same = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,), previous=first)
    assert same.coverage is first.coverage and same.own_status is first.own_status
    # New example questions: the new index serves at once with the models before, then its own.
    write_doc("b.md", DOC.format(title="Bar raisers", heading="What a bar raiser does", body="A neutral interviewer."))
    text = (write_doc.dir / "b.md").read_text() + "\n<!-- questions\n- who is the bar raiser?\n-->\n"
    (write_doc.dir / "b.md").write_text(text)
    second = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,), previous=first)
    assert [s.doc for s in second.sections] == ["knowledge/a.md", "knowledge/b.md"]
    assert second.coverage is first.coverage
    deadline = time.monotonic() + 20
    while second.coverage is first.coverage and time.monotonic() < deadline:
        time.sleep(0.05)
    assert second.coverage is not None and second.coverage.examples == first.coverage.examples + 1


def test_a_rebuild_reuses_the_labelled_questions_search_texts_only_with_the_same_glossary(
    write_doc, tmp_path, embedder
):
    nlu, labelled = labelled_inputs(write_doc, tmp_path)
    first = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,))
    question = "if i bomb the assessment can i redo it"
    assert first.query_texts[question] == question
    write_doc("b.md", DOC.format(title="Bar raisers", heading="What a bar raiser does", body="A neutral interviewer."))
    same = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,), previous=first)
    assert same.query_texts is first.query_texts
    # A new glossary term: every labelled question is worked out again, with the term's meaning.
    (write_doc.dir / "glossary.yml").write_text("bomb: fail\n")
    changed = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,), previous=same)
    assert changed.query_texts is not same.query_texts
    assert changed.query_texts[question] == "if i bomb (fail) the assessment can i redo it"


def test_a_server_starting_on_a_built_index_loads_its_models_without_fitting_or_sklearn(
    write_doc, tmp_path, embedder, model_cache
):
    import subprocess
    import sys

    nlu, labelled = labelled_inputs(write_doc, tmp_path)
    built = build_index(write_doc.dir, tmp_path / "index", embedder, nlu, (labelled,))
    assert built.coverage is not None
    assert (tmp_path / "index" / "coverage-model.npz").exists()
    # A new process (as `make run` starts the API after `make index`): the kept models, and sklearn
    # (70 MB of the API's memory) never imported.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from api.knowledge.embedder import OnnxEmbedder\n"
        "from api.knowledge.index import build_index\n"
        "k, i, m, n, s = map(Path, sys.argv[1:])\n"
        "index = build_index(k, i, OnnxEmbedder(m), n, (s,))\n"
        "question = 'am i allowed to retake the assessment?'\n"
        "vector = index.coverage and OnnxEmbedder(m).encode([question])[0]\n"
        "print(index.coverage.examples, round(index.coverage.uncovered(vector, question), 9))\n"
        "print('sklearn' in sys.modules)\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(write_doc.dir),
            str(tmp_path / "index"),
            str(model_cache),
            str(nlu),
            str(labelled),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split("\n")
    question = "am i allowed to retake the assessment?"
    expected = built.coverage.uncovered(embedder.encode([question])[0], question)
    examples, uncovered = out[0].split()
    assert int(examples) == built.coverage.examples
    assert float(uncovered) == pytest.approx(expected, abs=1e-6)
    assert out[1] == "False"
