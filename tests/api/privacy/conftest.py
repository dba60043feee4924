"""Conversations as the chat leaves them, and a stand-in for Rasa's privacy routes.

The stand-in lets these tests see what the service tier asks of Rasa; the real routes, with the
real Rasa, are tested in tests/rasa_ext/test_privacy.py and tests/e2e/test_privacy_stack.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import update

from api.conversations import service as conversations
from api.conversations.models import Conversation, Message
from api.db import session_scope
from api.handoff import service as handoff
from api.rasa_client import DialogueUnavailable


class FakeRasa:
    def __init__(self) -> None:
        self.trackers: dict[str, list[dict[str, Any]]] = {}
        self.down = False
        self.purged_before: float | None = None

    def _check(self) -> None:
        if self.down:
            raise DialogueUnavailable("Rasa did not answer (ConnectError)")

    async def delete_tracker(self, conversation_id: str) -> int:
        self._check()
        return len(self.trackers.pop(conversation_id, []))

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        self._check()
        return self.trackers.get(conversation_id, [])

    async def purge_trackers(self, before: float) -> tuple[int, int]:
        self._check()
        self.purged_before = before
        idle = [c for c, events in self.trackers.items() if max(e["timestamp"] for e in events) < before]
        return len(idle), sum(len(self.trackers.pop(c)) for c in idle)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def chat(client, rasa):
    """A conversation with a question, an answer, a rating and (optionally) an offline contact email;
    `rasa` holds its tracker events as Rasa would."""

    def make(candidate_id: str | None = None, email: str | None = None, text: str = "When do I hear back?") -> str:
        cid = f"p-{uuid.uuid4().hex[:10]}"
        conversations.candidate_message(cid, text, candidate_id)
        _, _, ids, _ = conversations.bot_replies(cid, [{"kind": "answer", "text": "Within five business days."}])
        conversations.rate(cid, ids[0], False)
        if email:
            handoff.request_handoff(cid, candidate_id, on_duty=False)
            conversations.candidate_message(cid, f"Please write to {email}", candidate_id)
        now = dt.datetime.now(dt.timezone.utc).timestamp()
        rasa.trackers[cid] = [
            {
                "event": "user",
                "timestamp": now,
                "text": text,
                "metadata": {"auth": {"status": "valid", "token": "eyJx"}},
            },
            {"event": "bot", "timestamp": now, "text": "Within five business days."},
        ]
        return cid

    return make


def backdate(cid: str, days: float) -> None:
    """Moves a conversation's activity into the past (its rows only; Rasa's events are the stand-in's)."""
    past = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=days)
    with session_scope() as session:
        session.execute(update(Conversation).where(Conversation.id == cid).values(updated_at=past, created_at=past))
        session.execute(update(Message).where(Message.conversation_id == cid).values(created_at=past))
