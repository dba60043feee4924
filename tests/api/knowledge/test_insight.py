"""Unanswered questions grouped by meaning (real model), and the writers' endpoints."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.conversations import service as conversations
from api.conversations.models import Message
from api.db import session_scope
from api.knowledge.insight import EMBED_CHARS, UnansweredReport, group_questions, model_key
from api.knowledge.models import QuestionVector
from api.users.service import add_user

NOW = dt.datetime(2026, 11, 26, 12, 0)


def test_paraphrases_are_grouped_and_topics_kept_apart(embedder):
    questions = [
        "what is the salary?",
        "how much does the job pay?",
        "what is the pay for this role?",
        "can I bring my dog to the office?",
        "are pets allowed at work?",
        "will you sponsor my visa?",
        "do you sponsor H-1B visas?",
    ]
    groups = group_questions([(q, NOW + dt.timedelta(minutes=i)) for i, q in enumerate(questions)], embedder)
    assert sorted(sorted(g.questions) for g in groups) == sorted(
        [sorted(questions[0:3]), sorted(questions[3:5]), sorted(questions[5:7])]
    )
    pay = next(g for g in groups if g.example == "what is the salary?")
    assert pay.count == 3 and pay.last_seen == NOW + dt.timedelta(minutes=2)


def test_writers_see_unanswered_questions_and_export_them(client):
    for text in ("what's the salary for this job?", "how much does this role pay?"):
        cid = f"w-{uuid.uuid4().hex[:8]}"
        conversations.candidate_message(cid, text, None)
        conversations.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
    add_user("scribe", "a long enough password", "writer")
    browser = TestClient(client.app)
    browser.post("/api/staff/login", json={"username": "scribe", "password": "a long enough password"})
    groups = browser.get("/api/knowledge/unanswered").json()
    pay = next(g for g in groups if "what's the salary for this job?" in g["questions"])
    assert pay["count"] >= 2 and "how much does this role pay?" in pay["questions"]
    csv = browser.get("/api/knowledge/unanswered.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "what's the salary for this job?" in csv.text
    preview = browser.get("/api/knowledge/preview", params={"q": "How long is the work style assessment?"}).json()
    assert preview["decision"] == "answer" and preview["answer"][0]["path"] == "knowledge/work-style-assessment.md"
    assert TestClient(client.app).get("/api/knowledge/unanswered").status_code == 401


class CountingEmbedder:
    """The real embedder, noting every text it is asked to embed."""

    def __init__(self, inner, name: str | None = None) -> None:
        self.inner = inner
        self.name = name or inner.name
        self.dim = inner.dim
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return self.inner.encode(texts)


def unanswered_question(text: str) -> str:
    cid = f"u-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, text, None)
    conversations.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
    return cid


def writer(client) -> TestClient:
    name = f"w{uuid.uuid4().hex[:8]}"
    add_user(name, "a long enough password", "writer")
    browser = TestClient(client.app)
    browser.post("/api/staff/login", json={"username": name, "password": "a long enough password"})
    return browser


def test_the_report_embeds_each_question_once_however_often_it_is_asked(client, monkeypatch):
    knowledge = client.app.state.knowledge
    counting = CountingEmbedder(knowledge.embedder)
    monkeypatch.setattr(knowledge, "embedder", counting)
    browser = writer(client)
    unanswered_question(f"can I bring my parrot to the interview? {uuid.uuid4().hex[:6]}")
    assert browser.get("/api/knowledge/unanswered").status_code == 200
    counting.texts.clear()

    again = browser.get("/api/knowledge/unanswered")
    browser.get("/api/knowledge/unanswered.csv")
    assert again.status_code == 200 and counting.texts == []

    new = f"is there a rooftop garden at the office? {uuid.uuid4().hex[:6]}"
    unanswered_question(new)
    unanswered_question(new)  # the same text from another conversation
    groups = browser.get("/api/knowledge/unanswered").json()
    assert counting.texts == [new]
    assert next(g for g in groups if new in g["questions"])["count"] == 2


def test_an_unchanged_report_is_answered_with_not_modified(client):
    browser = writer(client)
    first = browser.get("/api/knowledge/unanswered")
    etag = first.headers["etag"]
    assert "no-cache" in first.headers["cache-control"]
    unchanged = browser.get("/api/knowledge/unanswered", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
    unanswered_question(f"do you offer a sabbatical? {uuid.uuid4().hex[:6]}")
    changed = browser.get("/api/knowledge/unanswered", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_questions_that_look_like_formulas_are_exported_as_text(client):
    hostile = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tX", "\rX"]
    tag = uuid.uuid4().hex[:6]
    for text in hostile:
        unanswered_question(f"{text} {tag}")
    exported = writer(client).get("/api/knowledge/unanswered.csv")
    rows = list(csv.reader(io.StringIO(exported.text, newline="")))
    # Grouped by meaning, some come out as a group's example and the others after it in "questions".
    cells = [cell for row in rows[1:] for cell in (row[0], row[3]) if tag in cell]
    assert all(any(f"{text} {tag}" in cell for cell in cells) for text in hostile)
    assert cells and all(cell.startswith("'") for cell in cells), cells


def stored_vectors(message_ids: list[int]) -> dict[int, str]:
    with session_scope() as session:
        query = select(QuestionVector.message_id, QuestionVector.model).where(
            QuestionVector.message_id.in_(message_ids)
        )
        return {r.message_id: r.model for r in session.execute(query)}


def question_ids(cid: str) -> list[int]:
    with session_scope() as session:
        return list(
            session.scalars(select(Message.id).where(Message.conversation_id == cid, Message.sender == "candidate"))
        )


def test_vectors_are_stored_once_and_made_again_for_another_model(service_database, embedder):
    """On SQLite and on PostgreSQL: a new report (a restarted API) reuses the stored vectors."""
    cids = [unanswered_question(q) for q in ("what is the salary?", "how much does the job pay?")]
    ids = [i for cid in cids for i in question_ids(cid)]
    counting = CountingEmbedder(embedder)
    _, groups = asyncio.run(UnansweredReport().build(counting))
    assert sorted(counting.texts) == sorted(["what is the salary?", "how much does the job pay?"])
    assert len(groups) == 1 and groups[0].count == 2
    assert set(stored_vectors(ids)) == set(ids)

    counting.texts.clear()
    _, again = asyncio.run(UnansweredReport().build(counting))
    assert counting.texts == [] and again == groups

    other = CountingEmbedder(embedder, name="another-model")
    asyncio.run(UnansweredReport().build(other))
    assert len(other.texts) == 2 and set(stored_vectors(ids).values()) == {model_key(other)}


def test_long_questions_are_embedded_from_their_start_only(service_database, embedder):
    unanswered_question("x" * 2000)
    counting = CountingEmbedder(embedder)
    _, groups = asyncio.run(UnansweredReport().build(counting))
    assert [len(t) for t in counting.texts] == [EMBED_CHARS] and groups[0].example == "x" * 2000


def test_a_practice_answer_that_reached_a_fallback_is_never_an_unanswered_question(client):
    cid = f"p-{uuid.uuid4().hex[:8]}"
    answer = f"At my bakery {cid} I rewrote the rota and sales grew by 10 percent."
    conversations.candidate_message(cid, "give me a practice question", None)
    conversations.bot_replies(cid, [{"kind": "practice", "text": "Practice question (Ownership): ..."}])
    conversations.candidate_message(cid, answer, None)
    conversations.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
    conversations.candidate_message(cid, f"what is the pay {cid}?", None)
    conversations.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
    asked = [text for _, text, _ in conversations.fallback_questions(1000)]
    assert f"what is the pay {cid}?" in asked and answer not in asked
