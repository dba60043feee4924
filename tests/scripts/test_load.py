"""The load test's bookkeeping: what counts as lost, duplicated or out of order (SQLite files)."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from load import Conversation, Result, verify


def stores(tmp_path: Path, transcript: list[str], tracker: list[str]) -> tuple[str, str]:
    api, rasa = tmp_path / "api.db", tmp_path / "tracker.db"
    with sqlite3.connect(api) as db:
        db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id TEXT, sender TEXT, text TEXT)")
        for text in transcript:
            db.execute("INSERT INTO messages (conversation_id, sender, text) VALUES ('c1', 'candidate', ?)", (text,))
            db.execute("INSERT INTO messages (conversation_id, sender, text) VALUES ('c1', 'bot', 'reply')")
    with sqlite3.connect(rasa) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, data TEXT)")
        for text in tracker:
            db.execute(
                "INSERT INTO events (sender_id, type_name, data) VALUES ('c1', 'user', ?)",
                (json.dumps({"text": text}),),
            )
            db.execute("INSERT INTO events (sender_id, type_name, data) VALUES ('c1', 'bot', '{}')")
    return f"sqlite:///{api}", f"sqlite:///{rasa}"


def check(tmp_path: Path, transcript: list[str], tracker: list[str]) -> Result:
    conv = Conversation("c1", "faq", None, ["a", "b", "a"], sent=["a", "b", "a"], to_bot=["a", "b", "a"])
    result = Result()
    verify([conv], *stores(tmp_path, transcript, tracker), result)
    return result


def test_everything_stored_once_in_order_is_clean(tmp_path):
    result = check(tmp_path, ["a", "b", "a"], ["a", "b", "a"])
    assert result.lost == [] and result.duplicated == []


@pytest.mark.parametrize(
    ("transcript", "tracker", "lost", "duplicated"),
    [
        (["a", "b"], ["a", "b", "a"], 1, 0),  # a repeated message stored only once is a loss
        (["a", "b", "a"], ["a", "b", "b", "a"], 0, 1),
        (["a", "a", "b"], ["a", "b", "a"], 1, 0),  # reported as "stored out of order"
    ],
)
def test_a_lost_duplicated_or_reordered_message_is_reported(tmp_path, transcript, tracker, lost, duplicated):
    result = check(tmp_path, transcript, tracker)
    assert (len(result.lost), len(result.duplicated)) == (lost, duplicated)
