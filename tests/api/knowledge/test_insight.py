"""Unanswered questions grouped by meaning (real model), and the writers' endpoints."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import uuid

import pytest
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
    unanswered_question("why " * 140)  # 560 characters: long, but no pasted wall
    unanswered_question("x" * 2000)  # a wall of text: folded away, never embedded
    counting = CountingEmbedder(embedder)
    _, groups = asyncio.run(UnansweredReport().build(counting))
    assert [len(t) for t in counting.texts] == [EMBED_CHARS] and groups[0].example == "why " * 140
    assert groups[-1].example == "x" * 2000 and groups[-1].junk == "wall of text"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<img src=x onerror=alert(1)>", "markup"),
        ("1' OR '1'='1", "SQL"),
        ("SELECT password FROM users", "SQL"),
        ("/restart", "slash command"),
        ("😀😀😀🎉🎉", "emoji or symbols"),
        ("=SUM(A1:A9)", "formula"),
        ("a" * 601, "wall of text"),
    ],
)
def test_junk_is_told_apart_from_questions(text, reason):
    from api.knowledge.insight import junk

    assert junk(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "what's the salary?",
        "Do you sponsor visas?",
        "what about 401k?",
        "¿Cuánto pagan?",
        "C++ roles?",
        "Z" + "\u0301" * 90 + " accents?",
    ],
)
def test_real_questions_are_not_junk(text):
    from api.knowledge.insight import junk

    assert junk(text) is None


def signed_in_writer(client) -> tuple[TestClient, dict[str, str]]:
    name = f"w{uuid.uuid4().hex[:8]}"
    add_user(name, "a long enough password", "writer")
    browser = TestClient(client.app)
    r = browser.post("/api/staff/login", json={"username": name, "password": "a long enough password"})
    return browser, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_junk_is_folded_into_one_row_per_kind_and_never_embedded(client):
    tag = uuid.uuid4().hex[:6]
    for text in (f"<b>{tag}</b>", f"<i>{tag}</i>", f"drop table users; -- {tag}"):
        unanswered_question(text)
    groups = writer(client).get("/api/knowledge/unanswered").json()
    markup = next(g for g in groups if g["junk"] == "markup")
    assert f"<b>{tag}</b>" in markup["questions"] and f"<i>{tag}</i>" in markup["questions"]
    assert any(f"drop table users; -- {tag}" in g["questions"] for g in groups if g["junk"] == "SQL")
    first_junk = next(i for i, g in enumerate(groups) if g["junk"])
    assert all(g["junk"] for g in groups[first_junk:])  # the questions come first, junk folded after


def test_a_dismissed_group_leaves_the_report(client):
    text = f"do you have a gym {uuid.uuid4().hex[:6]}?"
    unanswered_question(text)
    browser, csrf = signed_in_writer(client)
    group = next(g for g in browser.get("/api/knowledge/unanswered").json() if text in g["questions"])
    r = browser.post("/api/knowledge/unanswered/dismiss", json={"message_ids": group["message_ids"]}, headers=csrf)
    assert r.status_code == 200 and r.json()["dismissed"] >= 1 and r.json()["added_to"] is None
    assert not any(text in g["questions"] for g in browser.get("/api/knowledge/unanswered").json())
    again = browser.post("/api/knowledge/unanswered/dismiss", json={"message_ids": group["message_ids"]}, headers=csrf)
    assert again.json()["dismissed"] == 0
    empty = browser.post("/api/knowledge/unanswered/dismiss", json={"message_ids": []}, headers=csrf)
    assert empty.status_code == 422 and empty.json()["detail"].startswith("message_ids")
    assert browser.post("/api/knowledge/unanswered/dismiss", json={"message_ids": [1]}).status_code == 403


def test_answered_by_a_section_adds_the_wording_to_its_example_questions(client, tmp_path, monkeypatch):
    import shutil

    from api.conversations.models import Message  # noqa: F401  (the table the report reads)

    knowledge = client.app.state.knowledge
    copy = tmp_path / "knowledge"
    shutil.copytree(knowledge.settings.knowledge_dir, copy)
    monkeypatch.setattr(knowledge.settings, "knowledge_dir", copy)
    try:
        text = f"what do they quiz you on in the phone screen {uuid.uuid4().hex[:4]}?"
        unanswered_question(text)
        browser, csrf = signed_in_writer(client)
        sections = browser.get("/api/knowledge/sections").json()
        target = next(s for s in sections if s["id"] == "phone-interview#what-the-phone-interview-covers")
        group = next(g for g in browser.get("/api/knowledge/unanswered").json() if text in g["questions"])
        body = {"message_ids": group["message_ids"], "answered_by": target["id"], "question": text}
        r = browser.post("/api/knowledge/unanswered/dismiss", json=body, headers=csrf)
        assert r.status_code == 200 and r.json()["added_to"] == "knowledge/phone-interview.md", r.text
        written = (copy / "phone-interview.md").read_text()
        assert f"- is the phone screen about my past experience?\n- {text}\n-->" in written
        assert knowledge.index.by_id[target["id"]].questions[-1] == text  # reloaded: it answers now
        assert not any(text in g["questions"] for g in browser.get("/api/knowledge/unanswered").json())
        unknown = browser.post(
            "/api/knowledge/unanswered/dismiss", json={**body, "answered_by": "nope#nope"}, headers=csrf
        )
        assert unknown.status_code == 404 and "GET /api/knowledge/sections" in unknown.json()["detail"]
        long = browser.post("/api/knowledge/unanswered/dismiss", json={**body, "question": "x " * 150}, headers=csrf)
        assert long.status_code == 422 and "at most 200" in long.json()["detail"]
    finally:
        monkeypatch.undo()
        knowledge.reload()


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
