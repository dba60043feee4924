"""GET /api/insights against a real database (SQLite and PostgreSQL): the numbers of a scripted set
of conversations, exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.conversations import service as conversations
from api.conversations.models import Conversation, Feedback, HourlyCount, Message, RollupState
from api.db import session_scope
from api.users.service import add_user

SERVICE = {"X-Service-Token": "test-token"}
PASSWORD = "correct horse battery"
DAY1 = dt.datetime(2026, 11, 2)  # a Monday
DAY2 = dt.datetime(2026, 11, 3)
HOURS = "mon-fri 08:00-18:00"
A = {"title": "Interviews", "path": "knowledge/interviews.md", "heading": "Interview length"}
B = {"title": "Offers", "path": "knowledge/offers.md", "heading": "After the offer"}


def _last_id() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.max(Message.id))) or 0)


def _at(after_id: int, when: dt.datetime) -> None:
    """The rows the step just wrote happened at `when`."""
    with session_scope() as session:
        session.execute(update(Message).where(Message.id > after_id).values(created_at=when))


def turn(cid: str, when: dt.datetime, question: str, *replies: tuple[str, list[dict]]) -> list[int]:
    before = _last_id()
    rows = [{"kind": kind, "text": f"{kind} reply", "sources": sources} for kind, sources in replies]
    _, _, ids, _ = conversations.bot_replies(cid, rows, "v1", question)
    _at(before, when)
    return ids


def started(cid: str, when: dt.datetime) -> None:
    with session_scope() as session:
        session.execute(update(Conversation).where(Conversation.id == cid).values(created_at=when))


def rated(app: TestClient, cid: str, message_id: int, helpful: bool, when: dt.datetime) -> None:
    r = app.post(f"/api/conversations/{cid}/feedback", json={"message_id": message_id, "helpful": helpful})
    assert r.status_code == 204, r.text
    with session_scope() as session:
        session.execute(update(Feedback).where(Feedback.message_id == message_id).values(created_at=when))


def handed_off(app: TestClient, cid: str, when: dt.datetime, question: str) -> None:
    r = app.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    assert r.status_code == 200, r.text
    turn(cid, when, question, ("handoff", []))


def staff_replied(app: TestClient, staff: dict[str, str], cid: str, when: dt.datetime) -> None:
    assert app.post(f"/api/staff/conversations/{cid}/claim", headers=staff).status_code == 204
    before = _last_id()
    r = app.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Hello, I can help."}, headers=staff)
    assert r.status_code in (200, 201), r.text
    _at(before, when)
    assert app.post(f"/api/staff/conversations/{cid}/close", headers=staff).status_code == 204


@pytest.fixture(params=["sqlite", "postgresql"])
def scripted(request, app_on_database):
    app, _ = app_on_database(request.param, CA_STAFF_HOURS=HOURS)
    add_user("ines", PASSWORD, "staff")
    add_user("wren", PASSWORD, "writer")
    r = app.post("/api/staff/login", json={"username": "ines", "password": PASSWORD})
    staff = {"X-CSRF-Token": r.json()["csrf_token"]}
    h = dt.timedelta(hours=1)
    m = dt.timedelta(minutes=1)

    # c1: two answers, one rated helpful (A), one unhelpful (B); never needed a person.
    c1 = turn("c1", DAY1 + 9 * h + 10 * m, "how long is the interview?", ("answer", [A]))
    started("c1", DAY1 + 9 * h + 10 * m)
    c1b = turn("c1", DAY1 + 9 * h + 12 * m, "what happens after the offer?", ("answer", [B]))
    rated(app, "c1", c1[0], True, DAY1 + 9 * h + 13 * m)
    rated(app, "c1", c1b[0], False, DAY1 + 9 * h + 14 * m)
    # c2: a fallback, a clarifying question, a hand-off in staff hours, a person replies 120 s later.
    turn("c2", DAY1 + 9 * h + 40 * m, "do you sponsor visas? write to ana.lopez@example.com", ("fallback", []))
    started("c2", DAY1 + 9 * h + 40 * m)
    turn("c2", DAY1 + 9 * h + 41 * m, "the assessment", ("clarify", []))
    handed_off(app, "c2", DAY1 + 9 * h + 45 * m, "talk to a person")
    staff_replied(app, staff, "c2", DAY1 + 9 * h + 47 * m)
    # c3: an answer rated unhelpful (A), a status reply, a hand-off at 22:05 (outside staff hours),
    # a person replies 600 s later.
    c3 = turn("c3", DAY1 + 22 * h, "how long is the interview?", ("answer", [A]))
    started("c3", DAY1 + 22 * h)
    rated(app, "c3", c3[0], False, DAY1 + 22 * h + 1 * m)
    turn("c3", DAY1 + 22 * h + 2 * m, "what is my status?", ("status", []))
    handed_off(app, "c3", DAY1 + 22 * h + 5 * m, "a person please")
    staff_replied(app, staff, "c3", DAY1 + 22 * h + 15 * m)
    # c4: small talk and a hand-off in staff hours that no one answered yet.
    turn("c4", DAY2 + 10 * h, "hello", ("chitchat", []))
    started("c4", DAY2 + 10 * h)
    handed_off(app, "c4", DAY2 + 10 * h + 1 * m, "human")
    # c5: after the period.
    turn("c5", DAY2 + 2 * 24 * h, "hello", ("chitchat", []))
    started("c5", DAY2 + 2 * 24 * h)

    writer = TestClient(app.app)
    assert writer.post("/api/staff/login", json={"username": "wren", "password": PASSWORD}).status_code == 200
    return writer


CUSTOM = "/api/insights?period=custom&start=2026-11-02&end=2026-11-03"


def test_the_numbers_of_a_scripted_set_of_conversations_are_exact(scripted):
    r = scripted.get(CUSTOM)
    assert r.status_code == 200, r.text
    with session_scope() as session:  # closed hours: the request counted them into the hourly rollup
        rolled = session.get(RollupState, 1)
        assert rolled is not None and rolled.rolled_from == DAY1 + dt.timedelta(hours=9)
        assert session.scalar(select(func.count()).select_from(HourlyCount))
    data = r.json()
    assert data["period"] == {
        "period": "custom",
        "start": "2026-11-02T00:00:00Z",
        "end": "2026-11-04T00:00:00Z",
        "bucket": "hour",
        "timezone": "UTC",
    }
    points = {p["bucket"]: p for p in data["timeline"]}
    assert len(points) == 48
    assert points["2026-11-02 09:00"] == {
        "bucket": "2026-11-02 09:00",
        "conversations": 2,
        "messages": 5,
        "handed_off": 1,
        "containment": 0.5,
    }
    assert points["2026-11-02 22:00"] == {
        "bucket": "2026-11-02 22:00",
        "conversations": 1,
        "messages": 3,
        "handed_off": 1,
        "containment": 0.0,
    }
    assert points["2026-11-03 10:00"]["conversations"] == 1 and points["2026-11-03 10:00"]["messages"] == 2
    assert points["2026-11-03 11:00"] == {
        "bucket": "2026-11-03 11:00",
        "conversations": 0,
        "messages": 0,
        "handed_off": 0,
        "containment": None,
    }
    assert sum(p["messages"] for p in data["timeline"]) == 10
    assert {r["kind"]: r["count"] for r in data["replies"]} == {
        "answer": 3,
        "fallback": 1,
        "clarify": 1,
        "status": 1,
        "chitchat": 1,
        "handoff": 3,
    }
    assert sum(r["share"] for r in data["replies"]) == pytest.approx(1.0, abs=1e-3)
    assert data["handoffs"] == {
        "conversations": 4,
        "handed_off": 3,
        "containment": 0.25,
        "handoff_rate": 0.75,
        "handoffs": 3,
        "answered": 2,
        "first_reply_median_seconds": 360.0,
        "first_reply_p90_seconds": 600.0,
        "outside_staff_hours": 1,
        "staff_hours": f"{HOURS} (UTC)",
    }
    assert data["sections"] == [
        {
            "section": "knowledge/offers.md#After the offer",
            "up": 0,
            "down": 1,
            "down_share": 1.0,
            "preview": "/writers?q=After%20the%20offer",
        },
        {
            "section": "knowledge/interviews.md#Interview length",
            "up": 1,
            "down": 1,
            "down_share": 0.5,
            "preview": "/writers?q=Interview%20length",
        },
    ]


def test_daily_buckets_and_the_csv_downloads_hold_the_same_numbers(scripted):
    data = scripted.get(CUSTOM + "&bucket=day").json()
    assert [(p["bucket"], p["conversations"], p["messages"], p["handed_off"]) for p in data["timeline"]] == [
        ("2026-11-02", 3, 8, 2),
        ("2026-11-03", 1, 2, 1),
    ]
    r = scripted.get("/api/insights/timeline.csv?period=custom&start=2026-11-02&end=2026-11-03&bucket=day")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        ["bucket", "conversations", "candidate_messages", "handed_off", "containment"],
        ["2026-11-02", "3", "8", "2", "0.3333"],
        ["2026-11-03", "1", "2", "1", "0.0"],
    ]
    for chart in ("replies", "handoffs", "sections"):
        r = scripted.get(f"/api/insights/{chart}.csv?period=custom&start=2026-11-02&end=2026-11-03")
        assert r.status_code == 200, r.text
    text = r.text + scripted.get("/api/insights/replies.csv?period=custom&start=2026-11-02&end=2026-11-03").text
    # Counts and section names only: no message text, no token, no email.
    assert "interview?" not in text and "@" not in text and "status?" not in text


def test_the_top_unanswered_groups_mask_emails(scripted):
    groups = scripted.get("/api/insights/unanswered").json()
    assert groups == [
        {"example": "do you sponsor visas? write to <email>", "count": 1, "last_seen": "2026-11-02T09:40:00"}
    ]
    text = scripted.get("/api/insights/unanswered.csv").text
    assert "<email>" in text and "@" not in text
