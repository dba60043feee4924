"""Erasure, export and retention in the service tier's real database (SQLite), with Rasa's part stood in."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid

import pytest
from sqlalchemy import func, select

from api.config import get_settings
from api.conversations.models import Conversation, Feedback, Message
from api.db import session_scope
from api.knowledge.insight import UnansweredReport
from api.knowledge.models import QuestionVector
from api.privacy import service as privacy
from api.privacy.models import Erasure
from api.rasa_client import DialogueUnavailable
from tests.api.privacy.conftest import backdate


def held(cid: str) -> tuple[int, int, int]:
    with session_scope() as session:
        return (
            session.scalar(select(func.count()).select_from(Conversation).where(Conversation.id == cid)) or 0,
            session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id == cid)) or 0,
            session.scalar(select(func.count()).select_from(Feedback).where(Feedback.conversation_id == cid)) or 0,
        )


def audit_rows() -> list[dict]:
    with session_scope() as session:
        rows = session.scalars(select(Erasure).order_by(Erasure.id)).all()
        return [{c.name: getattr(r, c.name) for c in Erasure.__table__.columns} for r in rows]


def erase(rasa, **subject):
    return asyncio.run(privacy.erase(get_settings(), rasa, "alex", **subject))


def test_erasing_a_conversation_removes_it_from_both_tiers_and_audits_counts_only(chat, rasa):
    cid = chat(candidate_id="cand-erase-1", email="erin.example@mail.test")
    before = len(audit_rows())

    removed = erase(rasa, conversation_id=cid)

    assert dataclasses.astuple(removed) == (1, 3, 1, 2)
    assert held(cid) == (0, 0, 0) and cid not in rasa.trackers
    record = audit_rows()[before]
    assert record["actor"] == "alex" and record["kind"] == "conversation"
    assert (record["conversations"], record["messages"], record["feedback"], record["tracker_events"]) == (1, 3, 1, 2)
    assert record["subject_hash"] == privacy.subject_hash(get_settings(), "conversation", cid)
    stored = json.dumps(record, default=str)
    for secret in (cid, "cand-erase-1", "erin.example@mail.test", "When do I hear back?"):
        assert secret not in stored


def test_erasing_a_candidate_removes_all_their_conversations_and_nobody_elses(chat, rasa):
    mine = [chat(candidate_id="cand-many"), chat(candidate_id="cand-many")]
    other = chat(candidate_id="cand-other")

    removed = erase(rasa, candidate_id="cand-many")

    assert removed.conversations == 2 and removed.tracker_events == 4
    assert all(held(c) == (0, 0, 0) and c not in rasa.trackers for c in mine)
    assert held(other) == (1, 2, 1) and other in rasa.trackers
    assert privacy.audit_log(get_settings(), candidate_id="cand-many")[0]["conversations"] == 2


def test_erasing_by_contact_email_finds_conversations_of_candidates_who_were_not_signed_in(chat, rasa):
    cid = chat(email="Nia.Example@Mail.test")
    assert erase(rasa, email="nia.example@mail.test").conversations == 1
    assert held(cid) == (0, 0, 0)


def test_when_rasa_is_down_nothing_is_erased_and_nothing_is_recorded(chat, rasa):
    cid = chat(candidate_id="cand-down")
    before = len(audit_rows())
    rasa.down = True
    with pytest.raises(DialogueUnavailable):
        erase(rasa, candidate_id="cand-down")
    assert held(cid) == (1, 2, 1) and len(audit_rows()) == before
    rasa.down = False
    assert erase(rasa, candidate_id="cand-down").conversations == 1  # the retry finishes the job


def test_erasing_again_removes_nothing_and_a_candidate_request_is_still_recorded(chat, rasa):
    cid = chat(candidate_id="cand-twice")
    erase(rasa, candidate_id="cand-twice")
    before = len(audit_rows())
    assert not erase(rasa, candidate_id="cand-twice").anything
    assert not erase(rasa, conversation_id=cid).anything
    assert [r["kind"] for r in audit_rows()[before:]] == ["candidate"]


def test_export_returns_everything_held_about_the_candidate_as_json(chat, rasa):
    cid = chat(candidate_id="demo-ana", email="ana.demo@mail.test")

    data = asyncio.run(privacy.export(rasa, candidate_id="demo-ana"))
    json.dumps(data)  # JSON-ready

    conv = next(c for c in data["conversations"] if c["id"] == cid)
    assert conv["contact_email"] == "ana.demo@mail.test"
    assert [m["sender"] for m in conv["messages"]] == ["candidate", "bot", "candidate"]
    assert conv["ratings"][0]["helpful"] is False and conv["ratings"][0]["question"] == "When do I hear back?"
    assert [e["event"] for e in conv["tracker_events"]] == ["user", "bot"]
    assert conv["tracker_events"][0]["metadata"]["auth"]["token"] == "(removed)"  # a credential, not data
    assert data["dialogue_tier"] == "included"
    assert data["status_records"]["applications"][0]["job_title"] == "Solutions Architect"
    assert data["status_records"]["email"]


def test_export_without_rasa_says_that_the_tracker_events_are_missing(chat, rasa):
    chat(candidate_id="cand-export-down")
    rasa.down = True
    data = asyncio.run(privacy.export(rasa, candidate_id="cand-export-down"))
    assert data["dialogue_tier"].startswith("not included")
    assert data["conversations"][0]["tracker_events"] is None and data["conversations"][0]["messages"]
    assert data["status_records"] is None


def test_purge_removes_conversations_idle_past_the_retention_period_only(chat, rasa):
    old, recent, revived = chat(), chat(), chat()
    backdate(old, 40)
    backdate(revived, 40)
    rasa.trackers[old] = [dict(e, timestamp=e["timestamp"] - 40 * 86400) for e in rasa.trackers[old]]
    from api.conversations import service as conversations

    conversations.push(revived, "staff", "human", "Still there?", "alex")  # new activity on an old conversation
    before = len(audit_rows())

    removed = asyncio.run(privacy.purge(rasa, days=30))

    assert held(old) == (0, 0, 0) and old not in rasa.trackers
    assert held(recent)[0] == 1 and held(revived)[0] == 1
    assert removed.conversations == 1 and removed.tracker_events == 2
    record = audit_rows()[before]
    assert (record["actor"], record["kind"], record["subject_hash"]) == ("retention", "retention", None)


def test_purge_with_nothing_to_do_leaves_no_record_and_without_rasa_deletes_nothing(chat, rasa):
    cid = chat()
    backdate(cid, 400)
    asyncio.run(privacy.purge(rasa, days=1000))
    before = len(audit_rows())
    asyncio.run(privacy.purge(rasa, days=1000))
    assert len(audit_rows()) == before
    rasa.down = True
    with pytest.raises(DialogueUnavailable):
        asyncio.run(privacy.purge(rasa, days=300))
    assert held(cid)[0] == 1


def test_the_scheduled_job_purges_and_keeps_running_when_rasa_is_down(chat, rasa):
    cid = chat()
    backdate(cid, 10)
    settings = get_settings().model_copy(update={"retention_days": 5, "retention_interval_seconds": 0.05})
    rasa.down = True

    async def run_for(seconds: float) -> None:
        task = asyncio.create_task(privacy.run_retention(settings, rasa))
        await asyncio.sleep(seconds)
        rasa.down = False
        await asyncio.sleep(seconds)
        task.cancel()

    asyncio.run(run_for(0.3))
    assert held(cid) == (0, 0, 0)


def unanswered(text: str) -> tuple[str, int]:
    """A conversation whose question got a fallback, and the question's message id."""
    from api.conversations import service as conversations

    cid = f"p-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, text, None)
    conversations.bot_replies(cid, [{"kind": "fallback", "text": "I don't have information about that."}])
    with session_scope() as session:
        return cid, session.scalars(select(Message.id).where(Message.conversation_id == cid)).first() or 0


def vectors_of(*message_ids: int) -> set[int]:
    with session_scope() as session:
        return set(session.scalars(select(QuestionVector.message_id).where(QuestionVector.message_id.in_(message_ids))))


def test_erasure_and_retention_remove_the_vectors_the_writers_report_keeps(client, rasa, embedder):
    erased, erased_q = unanswered("Can I bring my cat Whiskers to the onsite interview?")
    expired, expired_q = unanswered("Is parking free near the Zurich office for Mr Example?")
    _, kept_q = unanswered("Do you offer relocation help?")
    report = UnansweredReport()
    asyncio.run(report.build(embedder))
    assert vectors_of(erased_q, expired_q, kept_q) == {erased_q, expired_q, kept_q}

    erase(rasa, conversation_id=erased)
    backdate(expired, 400)
    asyncio.run(privacy.purge(rasa, days=300))

    assert vectors_of(erased_q, expired_q, kept_q) == {kept_q}
    _, groups = asyncio.run(report.build(embedder))
    shown = {q for g in groups for q in g.questions}
    assert "Do you offer relocation help?" in shown and not any("Whiskers" in q or "Mr Example" in q for q in shown)
