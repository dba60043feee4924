"""Unanswered questions grouped by meaning (real model), and the writers' endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi.testclient import TestClient

from api.handoff import service as handoff
from api.knowledge.insight import group_questions
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
        handoff.candidate_message(cid, text, None)
        handoff.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
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
