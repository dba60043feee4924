"""The knowledge service on the real model: a prefetched message is answered exactly as one that was not."""

from __future__ import annotations

import asyncio

from api.config import Settings
from api.knowledge.embedder import PrefetchingEmbedder
from api.knowledge.index import build_index
from api.knowledge.service import KnowledgeService

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

    async def counting_to_thread(fn, *args):
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
