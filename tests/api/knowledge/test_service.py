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


def test_a_button_payload_is_never_prefetched(write_doc, tmp_path, embedder):
    svc = service(write_doc, tmp_path, embedder)
    svc.prefetch('/ask_hiring{"section_id": "loop#bar-raisers"}')
    svc.prefetch("   ")
    assert not svc.embedder._pending  # type: ignore[attr-defined]
