"""Erasure, export and retention of what is held about candidates, in both tiers.

A conversation lives in two places: the service tier's database (transcript, feedback, contact email)
and Rasa's tracker store (every event, slots included). Erasure asks Rasa first and touches this
database only when Rasa has done its part: if Rasa is down nothing is erased and the caller is told
to retry; if this database then fails, a retry finds nothing left in Rasa and finishes here. Each
step deletes what is there, so a retry is always safe.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.config import Settings
from api.conversations import service as transcripts
from api.db import session_scope
from api.knowledge.models import DismissedQuestion, QuestionVector
from api.privacy.models import Erasure
from api.status.models import Application, Candidate
from api.talent import service as talent

log = logging.getLogger(__name__)


class DialogueStore(Protocol):
    """Rasa's privacy routes (api/rasa_client.py); each raises DialogueUnavailable."""

    async def delete_tracker(self, conversation_id: str) -> int: ...

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]: ...

    async def purge_trackers(self, before: float) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Removed:
    conversations: int = 0
    messages: int = 0
    feedback: int = 0
    tracker_events: int = 0

    @property
    def anything(self) -> bool:
        return any((self.conversations, self.messages, self.feedback, self.tracker_events))


def subject_hash(settings: Settings, kind: str, subject: str) -> str:
    return hmac.new(settings.audit_key(), f"{kind}:{subject}".encode(), hashlib.sha256).hexdigest()


def _normal_email(email: str) -> str:
    return email.strip().lower()


def conversation_ids(candidate_id: str | None = None, email: str | None = None) -> list[str]:
    """The conversations of a verified candidate, or those that left this contact email."""
    return transcripts.ids_of(candidate_id, email and _normal_email(email))


def _delete_rows(session: Session, ids: list[str]) -> tuple[int, int, int]:
    # The writers' report keeps a vector of each unanswered question: derived from the text, so it goes too.
    session.execute(delete(QuestionVector).where(QuestionVector.message_id.in_(transcripts.message_ids_of(ids))))
    dismissed = DismissedQuestion.message_id.in_(transcripts.message_ids_of(ids))
    session.execute(delete(DismissedQuestion).where(dismissed))
    return transcripts.delete_all(session, ids)


def _record(session: Session, actor: str, kind: str, subject: str | None, removed: Removed) -> None:
    session.add(
        Erasure(
            actor=actor,
            kind=kind,
            subject_hash=subject,
            conversations=removed.conversations,
            messages=removed.messages,
            feedback=removed.feedback,
            tracker_events=removed.tracker_events,
        )
    )


def delete_and_record(
    ids: list[str], tracker_events: int, actor: str, kind: str, subject: str | None, always_record: bool
) -> Removed:
    """Delete the conversations' rows and write the audit record, in one transaction."""
    with session_scope() as session:
        conversations, messages, feedback = _delete_rows(session, ids) if ids else (0, 0, 0)
        removed = Removed(conversations, messages, feedback, tracker_events)
        if removed.anything or always_record:
            _record(session, actor, kind, subject, removed)
        return removed


async def erase(
    settings: Settings,
    dialogue: DialogueStore,
    actor: str,
    *,
    conversation_id: str | None = None,
    candidate_id: str | None = None,
    email: str | None = None,
) -> Removed:
    """Erase one conversation, or every conversation of a candidate (by verified id or by the contact
    email they left), from Rasa and then from this database; raises DialogueUnavailable before
    anything is deleted here when Rasa cannot do its part."""
    if conversation_id:
        kind, subject, ids = "conversation", conversation_id, [conversation_id]
    elif candidate_id:
        kind, subject = "candidate", candidate_id
        ids = await asyncio.to_thread(conversation_ids, candidate_id, None)
    elif email:
        kind, subject = "email", _normal_email(email)
        ids = await asyncio.to_thread(conversation_ids, None, email)
        # The talent community's sign-ups of this address (job emails) go too.
        members = await asyncio.to_thread(talent.erase_email, email)
        if members:
            log.info("erased email data: %d talent community sign-up(s)", members)
    else:
        raise ValueError("name a conversation, a candidate or an email")
    events = 0
    for cid in ids:
        events += await dialogue.delete_tracker(cid)
    # A conversation erased by id is reported as "not found" when neither tier held it; a request
    # about a person is always recorded, so it can be shown that it was carried out.
    removed = await asyncio.to_thread(
        delete_and_record,
        ids,
        events,
        actor,
        kind,
        subject_hash(settings, kind, subject),
        kind != "conversation",
    )
    log.info(
        "erased %s data: %d conversation(s), %d message(s), %d rating(s), %d tracker event(s)",
        kind,
        removed.conversations,
        removed.messages,
        removed.feedback,
        removed.tracker_events,
    )
    return removed


def _delete_expired(cutoff: dt.datetime, tracker_events: int, actor: str) -> Removed:
    # Selected and deleted in one transaction: a conversation that came back to life meanwhile has
    # a newer message and is not selected.
    with session_scope() as session:
        ids = transcripts.idle_ids(session, cutoff)
        conversations, messages, feedback = _delete_rows(session, ids) if ids else (0, 0, 0)
        removed = Removed(conversations, messages, feedback, tracker_events)
        if removed.anything:
            _record(session, actor, "retention", None, removed)
        return removed


def cutoff_for(days: float, now: dt.datetime | None = None) -> dt.datetime:
    return (now or utcnow()) - dt.timedelta(days=days)


async def purge(dialogue: DialogueStore, days: float, actor: str = "retention") -> Removed:
    """Purge every conversation idle for longer than `days`, from Rasa and then from this database.
    Safe to run in several processes at once: each deletes what is still there."""
    cutoff = cutoff_for(days)
    _, events = await dialogue.purge_trackers(cutoff.replace(tzinfo=dt.timezone.utc).timestamp())
    removed = await asyncio.to_thread(_delete_expired, cutoff, events, actor)
    if removed.anything:
        log.info(
            "retention: purged %d conversation(s), %d message(s), %d rating(s), %d tracker event(s)",
            removed.conversations,
            removed.messages,
            removed.feedback,
            removed.tracker_events,
        )
    return removed


async def run_retention(settings: Settings, dialogue: DialogueStore) -> None:
    """The scheduled purge of each API process: shortly after start-up (Rasa may still be loading),
    then every `retention_interval_seconds`; sooner again when Rasa did not answer."""
    from api.rasa_client import DialogueUnavailable

    soon = min(settings.retention_interval_seconds, 60.0)
    await asyncio.sleep(soon)
    while True:
        wait = settings.retention_interval_seconds
        try:
            await purge(dialogue, settings.retention_days)
        except DialogueUnavailable as exc:
            log.warning("retention purge postponed: %s; nothing was purged", exc)
            wait = soon
        except Exception:
            log.exception("retention purge failed; it runs again in %.0f s", wait)
        await asyncio.sleep(wait)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _without_credentials(event: dict[str, Any]) -> dict[str, Any]:
    """The candidate token the gateway passes along in message metadata is a credential, not data."""
    auth = (event.get("metadata") or {}).get("auth")
    if isinstance(auth, dict) and "token" in auth:
        event = {**event, "metadata": {**event["metadata"], "auth": {**auth, "token": "(removed)"}}}
    return event


def _held(candidate_id: str | None, email: str | None) -> dict[str, Any]:
    ids = conversation_ids(candidate_id, email)
    with session_scope() as session:
        held = transcripts.held(session, ids)
        candidate = session.get(Candidate, candidate_id) if candidate_id else None
        status = None
        if candidate is not None:
            apps = session.scalars(
                select(Application).where(Application.candidate_id == candidate.id).order_by(Application.id)
            )
            status = {
                "name": candidate.name,
                "email": candidate.email,
                "applications": [
                    {
                        "id": a.id,
                        "job_title": a.job_title,
                        "requisition_id": a.requisition_id,
                        "location": a.location,
                        "stage": a.stage,
                        "state": a.state,
                        "last_update": _iso(a.last_update),
                        "next_step": a.next_step,
                    }
                    for a in apps
                ],
            }
        community = talent.export_email(email) if email else []
        return {"conversations": held, "status_records": status, "talent_community": community}


async def export(dialogue: DialogueStore, candidate_id: str | None = None, email: str | None = None) -> dict[str, Any]:
    """Everything held about a candidate, as JSON-ready data: conversations with their messages,
    ratings and contact email, the application records of the built-in status store, and each
    conversation's events in Rasa's tracker store (when Rasa answers)."""
    from api.rasa_client import DialogueUnavailable

    held = await asyncio.to_thread(_held, candidate_id, email)
    dialogue_tier = "included"
    for conv in held["conversations"]:
        conv["tracker_events"] = None
        if dialogue_tier != "included":
            continue
        try:
            conv["tracker_events"] = [_without_credentials(e) for e in await dialogue.tracker_events(conv["id"])]
        except DialogueUnavailable as exc:
            dialogue_tier = f"not included: {exc}"
    return {
        "subject": {"candidate_id": candidate_id, "email": email},
        "exported_at": _iso(utcnow()),
        "dialogue_tier": dialogue_tier,
        **held,
    }


def audit_log(settings: Settings, limit: int = 100, candidate_id: str | None = None) -> list[dict[str, Any]]:
    """The latest audit records; with a candidate id, only the erasures of that candidate."""
    query = select(Erasure).order_by(Erasure.id.desc()).limit(limit)
    if candidate_id:
        query = query.where(Erasure.subject_hash == subject_hash(settings, "candidate", candidate_id))
    with session_scope() as session:
        return [
            {
                "at": _iso(e.at),
                "actor": e.actor,
                "kind": e.kind,
                "subject_hash": e.subject_hash,
                "conversations": e.conversations,
                "messages": e.messages,
                "feedback": e.feedback,
                "tracker_events": e.tracker_events,
            }
            for e in session.scalars(query)
        ]
