"""The transcript store under concurrency, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import uuid


def test_the_first_messages_of_a_new_conversation_arriving_at_once_are_all_stored(service_database):
    """Several requests (several API instances) may create the same conversation row at once."""
    from api.conversations import service as conversations

    cid = f"race-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        barrier.wait()
        try:
            conversations.candidate_message(cid, f"message {n}", None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = sorted(m.text for m in conversations.history(cid))
    assert stored == sorted(f"message {n}" for n in range(12))


def test_in_bot_mode_a_message_is_stored_only_together_with_its_replies(service_database):
    """Nothing is written before Rasa answers: a failure in between leaves neither half of the turn."""
    from api.conversations import service as conversations

    cid = f"turn-{uuid.uuid4().hex[:8]}"
    assert conversations.message_for_a_person(cid, "hello", None) == ("bot", [])
    assert conversations.history(cid) == []
    conversations.bot_replies(cid, [{"kind": "chitchat", "text": "Hi! Ask me about hiring."}], question="hello")
    assert [(m.sender, m.text) for m in conversations.history(cid)] == [
        ("candidate", "hello"),
        ("bot", "Hi! Ask me about hiring."),
    ]


def test_while_a_person_is_awaited_a_message_is_stored_at_once(service_database):
    from api.conversations import service as conversations
    from api.handoff import service as handoff

    cid = f"turn-{uuid.uuid4().hex[:8]}"
    handoff.request_handoff(cid, None, on_duty=True)
    mode, pushed = conversations.message_for_a_person(cid, "are you there?", "demo-ana")
    assert (mode, pushed) == ("waiting", [])
    assert [(m.sender, m.text) for m in conversations.history(cid)] == [("candidate", "are you there?")]


def test_a_conversation_belongs_to_the_first_signed_in_candidate(service_database):
    """Another candidate's message is refused (nothing stored), before and inside the turn's transaction."""
    import pytest

    from api.conversations import service as conversations
    from api.handoff import service as handoff

    cid = f"own-{uuid.uuid4().hex[:8]}"
    conversations.bot_replies(cid, [{"kind": "answer", "text": "a"}], question="anonymous first", candidate_id=None)
    conversations.bot_replies(cid, [{"kind": "status", "text": "s"}], question="mine", candidate_id="demo-ana")
    with pytest.raises(conversations.NotYours):
        conversations.message_for_a_person(cid, "theirs", "demo-ben")
    with pytest.raises(conversations.NotYours):
        conversations.bot_replies(cid, [{"kind": "status", "text": "s"}], question="theirs", candidate_id="demo-ben")
    with pytest.raises(conversations.NotYours):
        conversations.candidate_message(cid, "theirs", "demo-ben")
    conversations.bot_replies(cid, [{"kind": "answer", "text": "a"}], question="anonymous again", candidate_id=None)
    handoff.request_handoff(cid, "demo-ben", on_duty=True)
    assert [m.text for m in conversations.history(cid) if m.sender == "candidate"] == [
        "anonymous first",
        "mine",
        "anonymous again",
    ]
    conversation, _ = conversations.transcript(cid)
    assert conversation.candidate_id == "demo-ana"
