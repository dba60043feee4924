"""A message sent again with the same client id (the widget's retry) is answered once: Rasa sees it
once, the transcript keeps it once, and the copy gets the first answer's replies."""

from __future__ import annotations

import uuid

import pytest

from api.conversations import service as conversations


def answer_counting(monkeypatch, client, text="The phone interview takes 30 minutes."):
    calls: list[tuple[str, str, str | None]] = []

    async def send(sender, message, metadata, message_id=None):
        calls.append((sender, message, message_id))
        return [{"custom": {"kind": "answer", "text": text}}]

    monkeypatch.setattr(client.app.state.rasa, "send", send)
    return calls


def candidate_lines(cid: str) -> list[str]:
    return [m.text for m in conversations.history(cid) if m.sender == "candidate"]


def test_a_retried_message_is_answered_from_the_transcript_without_a_second_dialogue_turn(client, monkeypatch):
    calls = answer_counting(monkeypatch, client)
    cid, body = f"r-{uuid.uuid4().hex[:8]}", {"message": "How long is the phone interview?", "client_message_id": "m-1"}
    first = client.post("/api/chat", json={"conversation_id": cid, **body})
    again = client.post("/api/chat", json={"conversation_id": cid, **body})
    assert first.status_code == again.status_code == 200
    assert again.json()["replies"] == first.json()["replies"]  # the same stored replies, same ids
    assert [c[2] for c in calls] == ["m-1"]  # Rasa got the id, and the message once
    assert candidate_lines(cid) == ["How long is the phone interview?"]


def test_a_new_message_with_a_new_id_is_a_new_turn(client, monkeypatch):
    calls = answer_counting(monkeypatch, client)
    cid = f"r-{uuid.uuid4().hex[:8]}"
    for n in (1, 2):
        r = client.post("/api/chat", json={"conversation_id": cid, "message": "hello", "client_message_id": f"m-{n}"})
        assert r.status_code == 200
    assert len(calls) == 2 and candidate_lines(cid) == ["hello", "hello"]


def test_without_a_client_id_the_gateway_still_gives_rasa_a_fresh_id(client, monkeypatch):
    calls = answer_counting(monkeypatch, client)
    cid = f"r-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        assert client.post("/api/chat", json={"conversation_id": cid, "message": "hello"}).status_code == 200
    ids = [c[2] for c in calls]
    assert len(set(ids)) == 2 and all(ids)  # its own retry to another instance is safe too


def test_a_copy_stored_while_this_one_was_in_the_dialogue_tier_answers_with_the_copys_replies(client, monkeypatch):
    cid = f"r-{uuid.uuid4().hex[:8]}"
    question = "How long is the phone interview?"

    async def send(sender, message, metadata, message_id=None):
        # The first try of the same message (still running on the other API instance) finishes now.
        reply = {"kind": "answer", "text": "stored by the first try"}
        conversations.bot_replies(cid, [reply], "", question, None, message_id)
        return [{"custom": {"kind": "answer", "text": "this copy's answer"}}]

    monkeypatch.setattr(client.app.state.rasa, "send", send)
    r = client.post("/api/chat", json={"conversation_id": cid, "message": question, "client_message_id": "m-1"})
    assert r.status_code == 200
    assert [x["text"] for x in r.json()["replies"]] == ["stored by the first try"]
    assert candidate_lines(cid) == [question]


@pytest.mark.parametrize("bad", ["", "a" * 65, "has space", "ü", "x;y"])
def test_a_malformed_client_message_id_is_422(client, bad):
    r = client.post("/api/chat", json={"conversation_id": "abc", "message": "hi", "client_message_id": bad})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("client_message_id:")


def test_a_replayed_status_answer_is_never_sent_to_a_request_without_the_candidates_token(
    client, monkeypatch, token_for
):
    async def send(sender, message, metadata, message_id=None):
        return [{"custom": {"kind": "status", "text": "Your application for Data Engineer is at the loop stage."}}]

    monkeypatch.setattr(client.app.state.rasa, "send", send)
    cid, body = f"r-{uuid.uuid4().hex[:8]}", {"message": "where is my application?", "client_message_id": "m-s"}
    signed_in = {"Authorization": f"Bearer {token_for('demo-ben')}"}
    first = client.post("/api/chat", json={"conversation_id": cid, **body}, headers=signed_in)
    assert [r["kind"] for r in first.json()["replies"]] == ["status"]
    again = client.post("/api/chat", json={"conversation_id": cid, **body})  # the same id, no token
    assert again.status_code == 200
    assert [r["kind"] for r in again.json()["replies"]] == ["verify"]
    assert "Data Engineer" not in again.text
    assert client.post("/api/chat", json={"conversation_id": cid, **body}, headers=signed_in).json() == first.json()
