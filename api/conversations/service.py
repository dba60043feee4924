"""Transcript storage: every candidate message, bot reply and staff reply of a conversation, in
order; what the chat page shows after a reload; ratings; and what the other capabilities need of a
conversation (the hand-off's state, erasure and export, the writers' reports), as functions, so that
no other package reads these tables' models.

What a candidate's message goes through (`candidate_message`, `message_for_a_person`,
`bot_replies`) uses prebuilt SQLAlchemy Core statements rather than the ORM: the same rows for a
third of the CPU (4.1 -> 1.3 ms per chat turn, measured), which under load is CPU Rasa and the rest
of the API need.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from api.clock import utcnow
from api.conversations import rollup
from api.conversations.models import Conversation, Feedback, Message
from api.db import session_scope

UNHELPFUL = frozenset({"fallback", "clarify", "error"})
HELPFUL = frozenset({"answer", "status", "chitchat"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class ConversationError(Exception):
    """A request about a conversation that cannot be done: `status` and `detail` become the HTTP answer."""

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
    if text.startswith("/"):
        said.update(_clicked(connection, conversation_id, text))
    if client_message_id is None:
        connection.execute(_NEW_MESSAGE, said)
        return
    try:
        connection.execute(_NEW_MESSAGE, {**said, "client_message_id": client_message_id})
    except IntegrityError as exc:  # the unique (conversation, client id) index: a copy arrived first
        raise AlreadyStored from exc


# Buttons the widget offers itself (its welcome), not stored with any reply: their titles.
WIDGET_BUTTONS = {"/request_human": "Talk to a person", "/check_my_status": "Check my application status"}
_OFFERED = (
    select(_m.extra).where(_m.conversation_id == bindparam("cid"), _m.sender == "bot").order_by(_m.id.desc()).limit(20)
)


def _clicked(connection: Connection, conversation_id: str, payload: str) -> dict[str, str]:
    """A button click is stored as the button's title (what the candidate read and chose), with its
    payload kept aside: after a reload, in the staff transcript and in the queue people see words,
    never an internal code. Only a button offered in this conversation (or one of the widget's own)
    gets a title; anything else is kept as typed."""
    title = None
    for (extra,) in connection.execute(_OFFERED, {"cid": conversation_id}):
        for button in json.loads(extra or "{}").get("buttons", []):
            if isinstance(button, dict) and button.get("payload") == payload and button.get("title"):
                title = str(button["title"])
                break
        if title:
            break
    title = title or WIDGET_BUTTONS.get(payload)
    if not title:
        return {}
    return {"text": title, "extra": json.dumps({"payload": payload})}


def clicked_payload(m: StoredMessage) -> str | None:
    """The payload of a candidate's button click (its text is the title), or None when typed."""
    payload = m.extra.get("payload")
    return payload if isinstance(payload, str) else None


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
            if r.get("jobs"):
                extra["jobs"] = r["jobs"]
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


def ratings_of(conversation_id: str) -> dict[int, bool]:
    """The candidate's ratings in this conversation, by answer id (shown again after a reload)."""
    with session_scope() as session:
        rows = session.execute(
            select(Feedback.message_id, Feedback.helpful).where(Feedback.conversation_id == conversation_id)
        )
        return {r.message_id: bool(r.helpful) for r in rows}


def rate(conversation_id: str, message_id: int, helpful: bool) -> None:
    """A candidate's thumbs up or down on a bot answer, kept with the question, the sections and
    the index version that produced it."""
    with session_scope() as session:
        answer = session.get(Message, message_id)
        if answer is None or answer.conversation_id != conversation_id or answer.sender != "bot":
            raise ConversationError(404, "No such answer in this conversation.")
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


def add_pushed(
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
        return add_pushed(session, conversation_id, sender, kind, text, staff_username, extra)


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


def transcript(conversation_id: str) -> tuple[ConversationState, list[StoredMessage]]:
    """The conversation and every message in it, oldest first (the staff console's view)."""
    with session_scope() as session:
        conv = session.get(Conversation, conversation_id)
        if conv is None:
            raise ConversationError(404, f"No conversation {conversation_id}.")
        rows = session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        ).all()
        return _state(conv), [_out(m) for m in rows]


# The conversation's state, for the hand-off's queue rules (api/handoff/service.py) ----------------


@dataclass(frozen=True)
class ConversationState:
    """A conversation's row: who it belongs to and where it is in the hand-off (mode bot, waiting or human)."""

    id: str
    mode: str
    candidate_id: str | None
    claimed_by: str | None
    queued_at: dt.datetime | None
    claimed_at: dt.datetime | None
    offline: bool
    contact_email: str | None
    unhelpful_streak: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _state(conv: Conversation) -> ConversationState:
    return ConversationState(
        conv.id,
        conv.mode,
        conv.candidate_id,
        conv.claimed_by,
        conv.queued_at,
        conv.claimed_at,
        conv.offline,
        conv.contact_email,
        conv.unhelpful_streak,
        conv.created_at,
        conv.updated_at,
    )


_STATE_COLUMNS = frozenset(_CONVERSATIONS.c.keys()) - {"id", "created_at"}


def state(session: Session, conversation_id: str, *, create: bool = False) -> ConversationState | None:
    """The conversation's state in the caller's transaction; with `create`, its row is made when missing."""
    if create:
        _conversation_row(session.connection(), conversation_id)
    row = session.execute(select(_CONVERSATIONS).where(_c.id == conversation_id)).first()
    return ConversationState(**row._mapping) if row is not None else None


def change(session: Session, conversation_id: str, *, only_if: Mapping[str, Any] | None = None, **values: Any) -> bool:
    """Set the conversation's columns in one UPDATE; with `only_if`, only while those columns hold
    those values (None: empty), so that of two requests changing it at once exactly one matches.
    True when the row was changed."""
    for name in [*values, *(only_if or {})]:
        if name not in _STATE_COLUMNS:
            raise ValueError(f"{name!r} is not a column of a conversation's state")
    conditions = [_c.id == conversation_id]
    for name, value in (only_if or {}).items():
        conditions.append(_c[name].is_(None) if value is None else _c[name] == value)
    result = session.execute(update(_CONVERSATIONS).where(*conditions).values(**values))
    return bool(cast(CursorResult[Any], result).rowcount)


def waiting_since(session: Session, queued_at: dt.datetime) -> int:
    """How many conversations wait for a person that were queued at `queued_at` or earlier."""
    query = select(func.count()).select_from(_CONVERSATIONS).where(_c.mode == "waiting", _c.queued_at <= queued_at)
    return int(session.scalar(query) or 0)


def in_modes(session: Session, modes: Iterable[str]) -> list[ConversationState]:
    """The conversations in these modes, longest queued first."""
    rows = session.execute(select(_CONVERSATIONS).where(_c.mode.in_(tuple(modes))).order_by(_c.queued_at))
    return [ConversationState(**r._mapping) for r in rows]


def last_words(session: Session, conversation_id: str) -> tuple[str | None, StoredMessage | None]:
    """The candidate's last typed question (a button click such as "Talk to a person" or a slash
    command is no question) and the bot's last reply."""
    said = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender == "candidate")
        .order_by(Message.id.desc())
        .limit(20)
    ).all()
    words = [
        m
        for m in said
        if not m.text.startswith("/") and json.loads(m.extra or "{}").get("payload") not in WIDGET_BUTTONS
    ]
    typed = [m for m in words if "payload" not in json.loads(m.extra or "{}")]
    # A button's title ("How long it takes") when nothing was typed; never a slash command.
    question = (typed or words)[0].text if (typed or words) else None
    answer = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender == "bot")
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return question, _out(answer) if answer else None


@dataclass(frozen=True)
class Activity:
    """What a queue card shows beyond the state: a human title, the newest activity, unread messages."""

    title: str
    last_activity: dt.datetime
    unread: int


def title_of(candidate_id: str | None, first_question: str | None) -> str:
    """A conversation's name for people: the signed-in candidate, or its first question."""
    if candidate_id:
        return f"Candidate {candidate_id}"
    if first_question:
        words = " ".join(first_question.split())
        return f"“{words[:60]}{'…' if len(words) > 60 else ''}”"
    return "Anonymous visitor"


def activity(session: Session, conv: ConversationState) -> Activity:
    """Unread: the candidate's messages since someone from the team last wrote, or since it was queued
    (the hand-off reply or a notice)."""
    first = session.scalars(
        select(Message)
        .where(Message.conversation_id == conv.id, Message.sender == "candidate")
        .order_by(Message.id)
        .limit(10)
    ).all()
    typed = [m.text for m in first if not m.text.startswith("/") and "payload" not in json.loads(m.extra or "{}")]
    last_at = session.scalar(select(func.max(Message.created_at)).where(Message.conversation_id == conv.id))
    seen_up_to = session.scalar(
        select(func.max(Message.id)).where(
            Message.conversation_id == conv.id,
            or_(Message.sender == "staff", Message.kind.in_(("handoff", "notice"))),
        )
    )
    since = Message.id > seen_up_to if seen_up_to else Message.created_at >= (conv.queued_at or utcnow())
    unread = session.scalar(
        select(func.count()).where(Message.conversation_id == conv.id, Message.sender == "candidate", since)
    )
    return Activity(
        title=title_of(conv.candidate_id, typed[0] if typed else None),
        last_activity=max(filter(None, (last_at, conv.updated_at, conv.queued_at))),
        unread=int(unread or 0),
    )


def _escaped(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def closed_handoffs(session: Session, query: str, limit: int = 20) -> list[tuple[ConversationState, str | None]]:
    """Conversations a person handled that are back with the bot, newest first, whose candidate id is
    `query` or whose messages contain it (any case); with the first matching message."""
    handled = select(_m.conversation_id).where(_m.sender == "staff").distinct()
    pattern = f"%{_escaped(query.lower())}%"
    said = (
        select(_m.conversation_id)
        .where(func.lower(_m.text).like(pattern, escape="\\"), _m.conversation_id.in_(handled))
        .distinct()
    )
    rows = session.execute(
        select(_CONVERSATIONS)
        .where(_c.mode == "bot", _c.id.in_(handled), or_(_c.candidate_id == query, _c.id.in_(said)))
        .order_by(_c.updated_at.desc())
        .limit(limit)
    )
    out = []
    for r in rows:
        conv = ConversationState(**r._mapping)
        hit = session.scalar(
            select(Message.text)
            .where(Message.conversation_id == conv.id, func.lower(Message.text).like(pattern, escape="\\"))
            .order_by(Message.id)
            .limit(1)
        )
        out.append((conv, hit))
    return out


# Personal data (api/privacy/service.py): finding, exporting and deleting a candidate's conversations -


def ids_of(candidate_id: str | None = None, email: str | None = None) -> list[str]:
    """The conversations of a verified candidate, or those that left this contact email (any case)."""
    conditions = []
    if candidate_id:
        conditions.append(_c.candidate_id == candidate_id)
    if email:
        conditions.append(func.lower(_c.contact_email) == email.strip().lower())
    if not conditions:
        return []
    with session_scope() as session:
        return list(session.scalars(select(_c.id).where(or_(*conditions)).order_by(_c.id)))


def idle_ids(session: Session, cutoff: dt.datetime) -> list[str]:
    """Conversations with no activity and no message since `cutoff` (retention)."""
    last = func.max(_m.created_at)
    active = select(_m.conversation_id).group_by(_m.conversation_id).having(last >= cutoff)
    return list(session.scalars(select(_c.id).where(_c.updated_at < cutoff, _c.id.not_in(active))))


def message_ids_of(ids: list[str]) -> Select[tuple[int]]:
    """A subquery of the ids of these conversations' messages (what is derived from them goes too)."""
    return select(_m.id).where(_m.conversation_id.in_(ids))


def _count(session: Session, statement: Any) -> int:
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)


def delete_all(session: Session, ids: list[str]) -> tuple[int, int, int]:
    """Delete these conversations, their messages and their ratings in the caller's transaction;
    return how many of each were there."""
    counted = rollup.share(session, ids)
    feedback = _count(session, delete(Feedback).where(Feedback.conversation_id.in_(ids)))
    messages = _count(session, delete(Message).where(Message.conversation_id.in_(ids)))
    conversations = _count(session, delete(Conversation).where(Conversation.id.in_(ids)))
    rollup.forget(session, counted)  # the dashboard's hourly counts lose them too
    return conversations, messages, feedback


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def held(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    """Everything kept of these conversations, as JSON-ready data: contact details, messages, ratings."""
    out = []
    for conv in session.scalars(select(Conversation).where(Conversation.id.in_(ids)).order_by(Conversation.id)):
        messages = session.scalars(select(Message).where(Message.conversation_id == conv.id).order_by(Message.id))
        ratings = session.scalars(select(Feedback).where(Feedback.conversation_id == conv.id).order_by(Feedback.id))
        out.append(
            {
                "id": conv.id,
                "candidate_id": conv.candidate_id,
                "contact_email": conv.contact_email,
                "mode": conv.mode,
                "created_at": _iso(conv.created_at),
                "last_activity": _iso(conv.updated_at),
                "messages": [
                    {
                        "id": m.id,
                        "sender": m.sender,
                        "kind": m.kind,
                        "text": m.text,
                        "staff_username": m.staff_username,
                        "sources": json.loads(m.extra or "{}").get("sources", []),
                        "created_at": _iso(m.created_at),
                    }
                    for m in messages
                ],
                "ratings": [
                    {
                        "message_id": f.message_id,
                        "helpful": f.helpful,
                        "question": f.question,
                        "sections": json.loads(f.sections or "[]"),
                        "created_at": _iso(f.created_at),
                    }
                    for f in ratings
                ],
            }
        )
    return out


# The writers' reports (api/knowledge/insight.py) ---------------------------------------------------


PRACTICE_KINDS = ("practice", "practice_feedback")


def fallback_questions(limit: int) -> list[tuple[int, str, dt.datetime]]:
    """The candidate messages the newest `limit` fallbacks answered (the message before each), newest
    first, as (message id, text, time)."""
    fallback, asked = aliased(Message), aliased(Message)
    question_id = (
        select(func.max(asked.id))
        .where(asked.conversation_id == fallback.conversation_id, asked.sender == "candidate", asked.id < fallback.id)
        .scalar_subquery()
    )
    fallbacks = (
        select(fallback.id.label("fallback_id"), question_id.label("question_id"))
        .where(fallback.sender == "bot", fallback.kind == "fallback")
        .order_by(fallback.id.desc())
        .limit(limit)
        .subquery()
    )
    # A message answering a practice question or its feedback is a candidate's practice answer, personal
    # data kept only in the conversation: never a question for the writers' report, even when it
    # reached a fallback (the practice form had ended, e.g. with the session).
    before = aliased(Message)
    reply_before = (
        select(before.kind)
        .where(before.conversation_id == Message.conversation_id, before.sender == "bot", before.id < Message.id)
        .order_by(before.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # One query (it was one per fallback): 1,000 fallbacks took as many round trips.
    query = (
        select(Message.id, Message.text, Message.created_at)
        .join(fallbacks, Message.id == fallbacks.c.question_id)
        .where(func.coalesce(reply_before, "").not_in(PRACTICE_KINDS))
        .order_by(fallbacks.c.fallback_id.desc())
    )
    with session_scope() as session:
        return [(r.id, r.text, r.created_at) for r in session.execute(query)]


@dataclass(frozen=True)
class Rating:
    question: str
    sections: list[str]
    index_version: str
    rated_at: dt.datetime


def unhelpful_ratings(limit: int) -> list[Rating]:
    """The newest `limit` answers candidates rated unhelpful, with the question and the sections."""
    with session_scope() as session:
        rows = session.scalars(
            select(Feedback).where(Feedback.helpful.is_(False)).order_by(Feedback.id.desc()).limit(limit)
        ).all()
        return [Rating(r.question, json.loads(r.sections or "[]"), r.index_version, r.created_at) for r in rows]
