"""Queue rules of the hand-off: who is waiting, who claimed what, and what a staff member may do.

The state is the conversation's (mode bot -> waiting -> human -> bot, in api/conversations/), so an
API restart loses nothing; claiming is one conditional UPDATE, so of two staff members claiming at
once exactly one wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.conversations import service as conversations
from api.conversations.service import ConversationError, ConversationState, StoredMessage
from api.db import session_scope
from api.handoff.models import SavedReply


class HandoffError(ConversationError):
    """A queue rule refuses the request (409), or the conversation does not exist (404)."""


def request_handoff(conversation_id: str, candidate_id: str | None, on_duty: bool) -> int:
    """Queue the conversation for a person; return its position in the queue (1 = next)."""
    with session_scope() as session:
        conv = conversations.state(session, conversation_id, create=True)
        assert conv is not None  # created when missing
        if conv.mode == "bot":
            now = utcnow()
            conversations.change(
                session,
                conversation_id,
                mode="waiting",
                queued_at=now,
                claimed_by=None,
                offline=not on_duty,
                unhelpful_streak=0,
            )
            conv = dataclasses.replace(conv, mode="waiting", queued_at=now)
        if candidate_id and not conv.candidate_id:
            conversations.change(session, conversation_id, candidate_id=candidate_id)
        if conv.mode != "waiting" or conv.queued_at is None:
            return 0
        return conversations.waiting_since(session, conv.queued_at)


# What the candidate reads as the hand-off moves on (kind "notice"), so the loop always closes.
JOINED = "{name} from the support team joined."
HANDED_BACK = "{name} handed you back to the assistant."
CLOSED = "This conversation was closed. Anything else?"
WITHDRAWN = "The candidate started over and left the queue."


def _notice(session: Session, conversation_id: str, text: str) -> StoredMessage:
    return conversations.add_pushed(session, conversation_id, "bot", "notice", text, None, None)


def claim(conversation_id: str, username: str) -> StoredMessage:
    """Take the conversation; return the notice the candidate is shown ("<name> ... joined")."""
    with session_scope() as session:
        # One conditional UPDATE: whoever's statement matches first wins, the others match no row.
        now = utcnow()
        if conversations.change(
            session,
            conversation_id,
            only_if={"mode": "waiting", "claimed_by": None},
            mode="human",
            claimed_by=username,
            claimed_at=now,
            updated_at=now,
        ):
            return _notice(session, conversation_id, JOINED.format(name=username))
        conv = conversations.state(session, conversation_id)
        if conv is None:
            raise HandoffError(404, f"No conversation {conversation_id}.")
        if conv.claimed_by:
            raise HandoffError(409, f"{conv.claimed_by} has already claimed this conversation.")
        raise HandoffError(409, "This conversation is not waiting for a person.")


def _owned(session: Session, conversation_id: str, username: str) -> ConversationState:
    conv = conversations.state(session, conversation_id)
    if conv is None:
        raise HandoffError(404, f"No conversation {conversation_id}.")
    if conv.mode != "human" or conv.claimed_by != username:
        owner = f"{conv.claimed_by} has it" if conv.claimed_by else "claim it first"
        raise HandoffError(409, f"You are not handling this conversation ({owner}).")
    return conv


def staff_reply(conversation_id: str, username: str, text: str) -> StoredMessage:
    with session_scope() as session:
        _owned(session, conversation_id, username)
        conversations.change(session, conversation_id, updated_at=utcnow())
        return conversations.add_pushed(session, conversation_id, "staff", "human", text, username, None)


def release(conversation_id: str, username: str, closed: bool = False) -> StoredMessage:
    """Back to the bot (hand-back or close): the staff member lets go of the conversation; return
    the notice the candidate is shown (handed back, or closed)."""
    with session_scope() as session:
        _owned(session, conversation_id, username)
        conversations.change(
            session, conversation_id, mode="bot", claimed_by=None, queued_at=None, offline=False, updated_at=utcnow()
        )
        return _notice(session, conversation_id, CLOSED if closed else HANDED_BACK.format(name=username))


def withdraw(conversation_id: str, candidate_id: str | None) -> None:
    """The candidate starts over while waiting for (or talking to) a person: the conversation leaves
    the queue, and staff see why in its transcript."""
    with session_scope() as session:
        conv = conversations.state(session, conversation_id)
        if conv is None:
            raise HandoffError(404, f"No conversation {conversation_id}; nothing to withdraw.")
        if conv.candidate_id and conv.candidate_id != candidate_id:
            raise HandoffError(403, "This conversation belongs to another signed-in candidate; sign in as them.")
        if conv.mode == "bot":
            raise HandoffError(409, "This conversation is not waiting for a person; nothing to withdraw.")
        conversations.change(
            session, conversation_id, mode="bot", claimed_by=None, queued_at=None, offline=False, updated_at=utcnow()
        )
        _notice(session, conversation_id, WITHDRAWN)


@dataclass(frozen=True)
class QueueEntry:
    conversation_id: str
    mode: str
    claimed_by: str | None
    waiting_seconds: int
    candidate_id: str | None
    offline: bool
    contact_email: str | None
    last_question: str | None
    last_bot_answer: str | None
    last_bot_sources: list[dict[str, Any]]
    title: str
    last_activity: dt.datetime
    unread: int


def queue() -> list[QueueEntry]:
    """Waiting and handled conversations, the newest activity first."""
    now = utcnow()
    with session_scope() as session:
        out = []
        for c in conversations.in_modes(session, ("waiting", "human")):
            last_q, last_bot = conversations.last_words(session, c.id)
            seen = conversations.activity(session, c)
            out.append(
                QueueEntry(
                    conversation_id=c.id,
                    mode=c.mode,
                    claimed_by=c.claimed_by,
                    waiting_seconds=int((now - (c.queued_at or now)).total_seconds()),
                    candidate_id=c.candidate_id,
                    offline=c.offline,
                    contact_email=c.contact_email,
                    last_question=last_q,
                    last_bot_answer=last_bot.text if last_bot else None,
                    last_bot_sources=last_bot.extra.get("sources", []) if last_bot else [],
                    title=seen.title,
                    last_activity=seen.last_activity,
                    unread=seen.unread,
                )
            )
        out.sort(key=lambda e: e.last_activity, reverse=True)
        return out


@dataclass(frozen=True)
class ClosedEntry:
    conversation_id: str
    title: str
    candidate_id: str | None
    last_activity: dt.datetime
    match: str | None


def closed(query: str) -> list[ClosedEntry]:
    """Conversations a person handled and closed (or handed back) that match `query`: read-only history."""
    with session_scope() as session:
        out = []
        for conv, hit in conversations.closed_handoffs(session, query.strip()):
            seen = conversations.activity(session, conv)
            out.append(ClosedEntry(conv.id, seen.title, conv.candidate_id, seen.last_activity, hit))
        return out


# Saved replies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    id: int
    title: str
    text: str
    created_by: str


def saved_replies() -> list[Saved]:
    with session_scope() as session:
        rows = session.scalars(select(SavedReply).order_by(func.lower(SavedReply.title))).all()
        return [Saved(r.id, r.title, r.text, r.created_by) for r in rows]


def save_reply(title: str, text: str, username: str) -> Saved:
    taken = HandoffError(409, f"A saved reply is already called {title!r}; choose another title.")
    try:
        with session_scope() as session:
            # Titles differing only in case would be two entries no one can tell apart in the picker.
            same = session.scalar(
                select(SavedReply).where(or_(SavedReply.title == title, func.lower(SavedReply.title) == title.lower()))
            )
            if same is not None:
                raise taken
            row = SavedReply(title=title, text=text, created_by=username)
            session.add(row)
            session.flush()
            return Saved(row.id, row.title, row.text, row.created_by)
    except IntegrityError as exc:  # the same title saved at the same moment by someone else
        raise taken from exc


def delete_reply(reply_id: int) -> None:
    with session_scope() as session:
        row = session.get(SavedReply, reply_id)
        if row is None:
            raise HandoffError(404, f"No saved reply {reply_id} (someone may have deleted it); reload the list.")
        session.delete(row)
