"""The knowledge service on the real model: a prefetched message is answered exactly as one that was not."""

from __future__ import annotations

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
    svc.prefetch(question)
    svc.embedder._pool.submit(lambda: None).result()  # type: ignore[attr-defined]  # it has run
    prefetched = svc.ask(question)
    assert svc.embedder.hits == 1  # type: ignore[attr-defined]
    assert prefetched.kind == plain.kind == "answer"
    assert [(p.id, p.score) for p in prefetched.passages] == [(p.id, p.score) for p in plain.passages]


def test_a_button_payload_a_blank_or_a_follow_up_shaped_message_is_not_prefetched(write_doc, tmp_path, embedder):
    svc = service(write_doc, tmp_path, embedder)
    svc.prefetch('/ask_hiring{"section_id": "loop#bar-raisers"}')
    svc.prefetch("   ")
    svc.prefetch("how long does that take?")  # searched with the question before it
    svc.prefetch("hi there")
    assert not svc.embedder._pending  # type: ignore[attr-defined]
    svc.prefetch("What does a bar raiser do in the interview loop?")
    assert list(svc.embedder._pending) == ["What does a bar raiser do in the interview loop?"]  # type: ignore[attr-defined]


def test_a_question_whose_vector_is_ready_is_ranked_on_the_event_loop_with_the_same_answer(
    write_doc, tmp_path, embedder, monkeypatch
):
    import asyncio

    svc = service(write_doc, tmp_path, embedder)
    question = "How long does the phone interview take?"
    plain = svc.ask(question)
    hops: list[object] = []
    real_to_thread = asyncio.to_thread

    async def counting_to_thread(fn, *args):
        hops.append(fn)
        return await real_to_thread(fn, *args)

    monkeypatch.setattr(asyncio, "to_thread", counting_to_thread)
    not_ready = asyncio.run(svc.ask_async(question))  # nothing prefetched: embedded on a thread
    svc.prefetch(question)
    svc.embedder._pool.submit(lambda: None).result()  # type: ignore[attr-defined]  # it has run
    ready = asyncio.run(svc.ask_async(question))
    assert len(hops) == 1
    for decision in (not_ready, ready):
        assert decision.kind == plain.kind == "answer"
        assert [(p.id, p.score) for p in decision.passages] == [(p.id, p.score) for p in plain.passages]
