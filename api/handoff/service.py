"""Queue rules of the hand-off: who is waiting, who claimed what, and every message in order.

All state is in the database (an API restart loses nothing); claiming is one conditional UPDATE,
so of two staff members claiming at once exactly one wins.

What a candidate's message goes through (`candidate_message`, `message_for_a_person`,
`bot_replies`) uses prebuilt SQLAlchemy Core statements rather than the ORM: the same rows for a
third of the CPU (4.1 -> 1.3 ms per chat turn, measured), which under load is CPU Rasa and the rest
of the API need.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, String, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from api.db import session_scope
from api.handoff.models import Conversation, Message
from api.users.models import utcnow

UNHELPFUL = frozenset({"fallback", "clarify", "error"})
HELPFUL = frozenset({"answer", "status", "chitchat"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class HandoffError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class AlreadyStored(Exception):
    """Another request stored this message (same client id) first: nothing of this one was kept."""


class NotYours(Exception):
    """A signed-in candidate wrote in a conversation that belongs to another candidate."""

    def __init__(self) -> None:
        super().__init__(
            "This conversation belongs to another signed-in candidate. Start a new conversation to continue."
        )


@dataclass(frozen=True)
class StoredMessage:
    id: int
    sender: str
    kind: str
    text: str
    extra: dict[str, Any]
    staff_username: str | None
    created_at: dt.datetime


def _out(m: Message) -> StoredMessage:
    return StoredMessage(m.id, m.sender, m.kind, m.text, json.loads(m.extra or "{}"), m.staff_username, m.created_at)


_CONVERSATIONS = cast(Table, Conversation.__table__)
_MESSAGES = cast(Table, Message.__table__)
_c, _m = _CONVERSATIONS.c, _MESSAGES.c
# Built once: building a statement and its cache key cost more than running it on SQLite.
_ROW = select(_c.mode, _c.offline, _c.unhelpful_streak, _c.candidate_id).where(_c.id == bindparam("cid"))
_NEW_CONVERSATION = insert(_CONVERSATIONS)
# `_candidate_spoke`: a conversation belongs to the first verified candidate who wrote in it (their
# id is never replaced); a NULL email keeps the contact email already known.
_CANDIDATE_SPOKE = (
    update(_CONVERSATIONS)
    .where(_c.id == bindparam("cid"))
    .values(
        updated_at=bindparam("now"),
        candidate_id=func.coalesce(_c.candidate_id, bindparam("candidate", type_=String)),
        contact_email=func.coalesce(bindparam("email", type_=String), _c.contact_email),
    )
    .returning(_c.candidate_id)
)
_NEW_MESSAGE = insert(_MESSAGES)
_NEW_MESSAGE_ID = insert(_MESSAGES).returning(_m.id)
_UNHELPFUL_AGAIN = (
    update(_CONVERSATIONS)
    .where(_c.id == bindparam("cid"))
    .values(unhelpful_streak=_c.unhelpful_streak + 1)
    .returning(_c.unhelpful_streak)
)
_HELPED = update(_CONVERSATIONS).where(_c.id == bindparam("cid")).values(unhelpful_streak=0)
_UNDELIVERED = (
    select(_m.id, _m.sender, _m.kind, _m.text, _m.extra, _m.staff_username, _m.created_at)
    .where(_m.conversation_id == bindparam("cid"), _m.pushed.is_(True), _m.delivered.is_(False))
    .order_by(_m.id)
)
_DELIVERED = update(_MESSAGES).where(_m.id.in_(bindparam("ids", expanding=True))).values(delivered=True)


def _conversation_row(connection: Connection, conversation_id: str) -> Any:
    """The conversation's mode, offline flag and unhelpful streak; the row is created when missing."""
    row = connection.execute(_ROW, {"cid": conversation_id}).first()
    if row is None:
        try:
            with connection.begin_nested():  # a savepoint: a lost race must not undo the caller's work
                new = {"id": conversation_id, "mode": "bot", "unhelpful_streak": 0, "offline": False}
                connection.execute(_NEW_CONVERSATION, new)
        except IntegrityError:
            pass  # the conversation's first messages arrived at once; another request created the row
        row = connection.execute(_ROW, {"cid": conversation_id}).one()
    return row


def _take_undelivered(connection: Connection, conversation_id: str) -> list[StoredMessage]:
    """Pushed messages not yet returned by /api/chat (for clients that only poll), now marked delivered."""
    rows = connection.execute(_UNDELIVERED, {"cid": conversation_id}).all()
    if rows:
        connection.execute(_DELIVERED, {"ids": [r.id for r in rows]})
    return [
        StoredMessage(r.id, r.sender, r.kind, r.text, json.loads(r.extra or "{}"), r.staff_username, r.created_at)
        for r in rows
    ]


def _ensure(session: Any, conversation_id: str) -> Conversation:
    """The conversation's ORM object, its row created when missing (as `_conversation_row`)."""
    _conversation_row(session.connection(), conversation_id)
    return cast(Conversation, session.get(Conversation, conversation_id))


def _candidate_spoke(
    connection: Connection,
    conversation_id: str,
    row: Any,
    text: str,
    candidate_id: str | None,
    client_message_id: str | None = None,
) -> None:
    """Store what the candidate typed, note who they are, and, when they wait for a person outside
    staff hours, the email address they leave for an answer. `row` is `_conversation_row`'s.
    Raises NotYours when another verified candidate owns the conversation."""
    found = _EMAIL.search(text) if row.offline and row.mode == "waiting" else None
    spoke = {
        "cid": conversation_id,
        "now": utcnow(),
        "candidate": candidate_id or None,
        "email": found and found.group(0),
    }
    owner = connection.execute(_CANDIDATE_SPOKE, spoke).scalar_one()
    if candidate_id and owner != candidate_id:
        raise NotYours  # the transaction is rolled back: nothing of the message is stored
    said = {"conversation_id": conversation_id, "sender": "candidate", "kind": "candidate", "text": text}
    if client_message_id is None:
        connection.execute(_NEW_MESSAGE, said)
        return
    try:
        connection.execute(_NEW_MESSAGE, {**said, "client_message_id": client_message_id})
    except IntegrityError as exc:  # the unique (conversation, client id) index: a copy arrived first
        raise AlreadyStored from exc


def replayed(
    conversation_id: str, client_message_id: str, candidate_id: str | None
) -> tuple[str, list[StoredMessage]] | None:
    """When the candidate's message with this client id is stored: the conversation's mode and the
    bot replies stored with it (those after it, up to the candidate's next message); else None."""
    with session_scope() as session:
        connection = session.connection()
        row = connection.execute(_ROW, {"cid": conversation_id}).first()
        if row is None:
            return None
        if candidate_id and row.candidate_id not in (None, candidate_id):
            raise NotYours
        asked = session.scalar(
            select(Message.id).where(
                Message.conversation_id == conversation_id, Message.client_message_id == client_message_id
            )
        )
        if asked is None:
            return None
        after = session.scalars(
            select(Message).where(Message.conversation_id == conversation_id, Message.id > asked).order_by(Message.id)
        )
        replies = []
        for m in after:
            if m.sender == "candidate":
                break
            if m.sender == "bot" and not m.pushed:
                replies.append(_out(m))
        return str(row.mode), replies


def candidate_message(conversation_id: str, text: str, candidate_id: str | None) -> str:
    """Store what the candidate typed; return the conversation's mode."""
    with session_scope() as session:
        connection = session.connection()
        row = _conversation_row(connection, conversation_id)
        _candidate_spoke(connection, conversation_id, row, text, candidate_id)
        return str(row.mode)


def message_for_a_person(
    conversation_id: str, text: str, candidate_id: str | None, client_message_id: str | None = None
) -> tuple[str, list[StoredMessage]]:
    """The conversation's mode and, while a person has it (or will take it), the pushed messages the
    candidate has not received yet; in that case the message is stored now, as the bot does not
    answer it. In bot mode nothing is written: `bot_replies` stores the message with the bot's
    replies, so that a failure in between (Rasa, the database) leaves neither behind."""
    with session_scope() as session:
        connection = session.connection()
        row = connection.execute(_ROW, {"cid": conversation_id}).first()
        if row is not None and candidate_id and row.candidate_id not in (None, candidate_id):
            raise NotYours  # before the message goes anywhere (bot_replies checks again, atomically)
        if row is None or row.mode == "bot":
            return "bot", []
        _candidate_spoke(connection, conversation_id, row, text, candidate_id, client_message_id)
        return row.mode, _take_undelivered(connection, conversation_id)


def bot_replies(
    conversation_id: str,
    replies: list[dict[str, Any]],
    index_version: str = "",
    question: str | None = None,
    candidate_id: str | None = None,
    client_message_id: str | None = None,
) -> tuple[str, int, list[int], list[StoredMessage]]:
    """Store the bot's replies, after the candidate's `question` they answer, in one transaction;
    return the mode (an action may have queued the conversation), the number of unhelpful answers in
    a row, the stored replies' ids (for ratings) and any pushed message the candidate has not
    received yet. Raises AlreadyStored when a copy of the question (same client id) was stored first."""
    cid = conversation_id
    with session_scope() as session:
        connection = session.connection()
        row = _conversation_row(connection, cid)
        if question is not None:
            _candidate_spoke(connection, cid, row, question, candidate_id, client_message_id)
        ids = []
        for r in replies:
            extra = {"buttons": r.get("buttons", []), "sources": r.get("sources", []), "index_version": index_version}
            reply = {"conversation_id": cid, "sender": "bot", "kind": r["kind"], "text": r["text"]}
            ids.append(connection.execute(_NEW_MESSAGE_ID, {**reply, "extra": json.dumps(extra)}).scalar_one())
        streak = row.unhelpful_streak
        if replies and all(r["kind"] in UNHELPFUL for r in replies):
            streak = connection.execute(_UNHELPFUL_AGAIN, {"cid": cid}).scalar_one()
        elif streak and any(r["kind"] in HELPFUL for r in replies):
            connection.execute(_HELPED, {"cid": cid})
            streak = 0
        return row.mode, streak, ids, _take_undelivered(connection, cid)


def history(conversation_id: str, limit: int = 200) -> list[StoredMessage]:
    """What the candidate's page shows after a reload: the latest messages, oldest first."""
    with session_scope() as session:
        rows = session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(limit)
        ).all()
        return [_out(m) for m in reversed(rows)]


def rate(conversation_id: str, message_id: int, helpful: bool) -> None:
    """A candidate's thumbs up or down on a bot answer, kept with the question, the sections and
    the index version that produced it."""
    from api.handoff.models import Feedback

    with session_scope() as session:
        answer = session.get(Message, message_id)
        if answer is None or answer.conversation_id != conversation_id or answer.sender != "bot":
            raise HandoffError(404, "No such answer in this conversation.")
        question = session.scalar(
            select(Message.text)
            .where(Message.conversation_id == conversation_id, Message.sender == "candidate", Message.id < message_id)
            .order_by(Message.id.desc())
            .limit(1)
        )
        extra = json.loads(answer.extra or "{}")
        existing = session.scalar(select(Feedback).where(Feedback.message_id == message_id))
        row = existing or Feedback(conversation_id=conversation_id, message_id=message_id)
        row.helpful = helpful
        row.question = question or ""
        row.sections = json.dumps([f"{s.get('path')}#{s.get('heading')}" for s in extra.get("sources", [])])
        row.index_version = extra.get("index_version", "")
        session.add(row)


def request_handoff(conversation_id: str, candidate_id: str | None, on_duty: bool) -> int:
    """Queue the conversation for a person; return its position in the queue (1 = next)."""
    with session_scope() as session:
        conv = _ensure(session, conversation_id)
        if conv.mode == "bot":
            conv.mode = "waiting"
            conv.queued_at = utcnow()
            conv.claimed_by = None
            conv.offline = not on_duty
            conv.unhelpful_streak = 0
        if candidate_id and not conv.candidate_id:
            conv.candidate_id = candidate_id
        if conv.mode != "waiting" or conv.queued_at is None:
            return 0
        return int(
            session.scalar(
                select(func.count())
                .select_from(Conversation)
                .where(Conversation.mode == "waiting", Conversation.queued_at <= conv.queued_at)
            )
            or 0
        )


def _add_pushed(
    session: Any,
    conversation_id: str,
    sender: str,
    kind: str,
    text: str,
    staff_username: str | None,
    extra: dict | None,
) -> StoredMessage:
    """A message that reaches the candidate outside a /api/chat response (live, and on the next poll)."""
    m = Message(
        conversation_id=conversation_id,
        sender=sender,
        kind=kind,
        text=text,
        extra=json.dumps(extra or {}),
        staff_username=staff_username,
        pushed=True,
        delivered=False,
    )
    session.add(m)
    session.flush()
    return _out(m)


def push(
    conversation_id: str,
    sender: str,
    kind: str,
    text: str,
    staff_username: str | None = None,
    extra: dict | None = None,
) -> StoredMessage:
    with session_scope() as session:
        return _add_pushed(session, conversation_id, sender, kind, text, staff_username, extra)


def pushed_since(conversation_id: str, after_id: int) -> list[StoredMessage]:
    with session_scope() as session:
        rows = session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.pushed.is_(True), Message.id > after_id)
            .order_by(Message.id)
        ).all()
        return [_out(m) for m in rows]


def mode_of(conversation_id: str) -> str:
    with session_scope() as session:
        conv = session.get(Conversation, conversation_id)
        return conv.mode if conv else "bot"


def claim(conversation_id: str, username: str) -> None:
    with session_scope() as session:
        # One conditional UPDATE: whoever's statement matches first wins, the others match no row.
        result = session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation_id, Conversation.mode == "waiting", Conversation.claimed_by.is_(None)
            )
            .values(mode="human", claimed_by=username, claimed_at=utcnow(), updated_at=utcnow())
        )
        if cast(CursorResult[Any], result).rowcount:
            return
        conv = session.get(Conversation, conversation_id)
        if conv is None:
            raise HandoffError(404, f"No conversation {conversation_id}.")
        if conv.claimed_by:
            raise HandoffError(409, f"{conv.claimed_by} has already claimed this conversation.")
        raise HandoffError(409, "This conversation is not waiting for a person.")


def _owned(session: Any, conversation_id: str, username: str) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise HandoffError(404, f"No conversation {conversation_id}.")
    if conv.mode != "human" or conv.claimed_by != username:
        owner = f"{conv.claimed_by} has it" if conv.claimed_by else "claim it first"
        raise HandoffError(409, f"You are not handling this conversation ({owner}).")
    return conv


def staff_reply(conversation_id: str, username: str, text: str) -> StoredMessage:
    with session_scope() as session:
        conv = _owned(session, conversation_id, username)
        conv.updated_at = utcnow()
        return _add_pushed(session, conversation_id, "staff", "human", text, username, None)


def release(conversation_id: str, username: str) -> None:
    """Back to the bot (hand-back or close): the staff member lets go of the conversation."""
    with session_scope() as session:
        conv = _owned(session, conversation_id, username)
        conv.mode = "bot"
        conv.claimed_by = None
        conv.queued_at = None
        conv.offline = False
        conv.updated_at = utcnow()


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


def queue() -> list[QueueEntry]:
    now = utcnow()
    with session_scope() as session:
        convs = session.scalars(
            select(Conversation).where(Conversation.mode.in_(("waiting", "human"))).order_by(Conversation.queued_at)
        ).all()
        out = []
        for c in convs:
            last_q = session.scalar(
                select(Message.text)
                .where(Message.conversation_id == c.id, Message.sender == "candidate")
                .order_by(Message.id.desc())
                .limit(1)
            )
            last_bot = session.scalars(
                select(Message)
                .where(Message.conversation_id == c.id, Message.sender == "bot")
                .order_by(Message.id.desc())
                .limit(1)
            ).first()
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
                    last_bot_sources=json.loads(last_bot.extra or "{}").get("sources", []) if last_bot else [],
                )
            )
        return out


def transcript(conversation_id: str) -> tuple[Conversation, list[StoredMessage]]:
    with session_scope() as session:
        conv = session.get(Conversation, conversation_id)
        if conv is None:
            raise HandoffError(404, f"No conversation {conversation_id}.")
        rows = session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        ).all()
        session.expunge(conv)
        return conv, [_out(m) for m in rows]
