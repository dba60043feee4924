"""Personal data through the whole stack: erasure from both tiers (Rasa's in-memory trackers
included), export, retention, and logs that hold no personal data even on error paths."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import API_PY, ROOT, add_account

PASSWORD = "e2e privacy password"


@pytest.fixture(scope="module")
def staff(stack) -> tuple[httpx.Client, dict[str, str]]:
    add_account(stack, "pria", "staff", PASSWORD)
    browser = httpx.Client(base_url=stack.api_url, timeout=30)
    r = browser.post("/api/staff/login", json={"username": "pria", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return browser, {"X-CSRF-Token": r.json()["csrf_token"]}


def new_id(prefix: str = "e2e-p") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def chat(http, cid: str, message: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = http.post("/api/chat", json={"conversation_id": cid, "message": message}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def text_of(resp: dict) -> str:
    return "\n".join(r["text"] for r in resp["replies"])


def query(db: Path, sql: str, *args) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn, conn:
        return conn.execute(sql, args).fetchall()


def tracker_user_texts(stack, cid: str) -> list[str]:
    rows = query(stack.var_dir / "rasa" / "tracker.db", "select data from events where sender_id = ? order by id", cid)
    return [json.loads(d).get("text") for (d,) in rows if json.loads(d)["event"] == "user"]


def tracker_event_count(stack, cid: str) -> int:
    return query(stack.var_dir / "rasa" / "tracker.db", "select count(*) from events where sender_id = ?", cid)[0][0]


def service_rows(stack, cid: str) -> tuple[int, int, int]:
    db = stack.var_dir / "api.db"
    return tuple(
        query(db, f"select count(*) from {table} where {column} = ?", cid)[0][0]
        for table, column in (("conversations", "id"), ("messages", "conversation_id"), ("feedback", "conversation_id"))
    )


def last_audit_record(stack) -> dict:
    with contextlib.closing(sqlite3.connect(stack.var_dir / "api.db")) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from erasures order by id desc limit 1").fetchone())


def privacy_cli(stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(API_PY), "-m", "api.privacy", *args], env=stack.env(), cwd=ROOT, capture_output=True, text=True
    )


def restart_api(stack, **env: str) -> None:
    stack.stop(only=["api"])
    for key in [k for k in stack.extra_env if k.startswith(("CA_STAFF", "CA_STATUS", "CA_RETENTION"))]:
        del stack.extra_env[key]
    stack.extra_env.update(env)
    stack.start(only=["api"])
    stack.wait_ready(timeout=120)


@contextlib.contextmanager
def locked(db: Path) -> Iterator[None]:
    """Holds the database's write lock, as a stuck writer would: the next write fails."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_staff_erase_a_conversation_with_a_form_in_progress_from_both_tiers(stack, http, staff, token_for):
    cid, ben = new_id(), token_for("demo-ben")
    asked = chat(http, cid, "can you check my applications?", ben)
    assert "Which one" in text_of(asked)  # Rasa's status form now waits for a choice, in its tracker
    message_id = next(r["id"] for r in chat(http, cid, "What does a bar raiser do?", ben)["replies"])
    assert (
        http.post(f"/api/conversations/{cid}/feedback", json={"message_id": message_id, "helpful": True}).status_code
        == 204
    )
    assert tracker_event_count(stack, cid) > 0 and service_rows(stack, cid)[2] == 1

    browser, csrf = staff
    r = browser.delete(f"/api/conversations/{cid}", headers=csrf)

    assert r.status_code == 200, r.text
    assert r.json()["conversations"] == 1 and r.json()["feedback"] == 1 and r.json()["tracker_events"] > 10
    assert service_rows(stack, cid) == (0, 0, 0)
    assert tracker_event_count(stack, cid) == 0
    audit = last_audit_record(stack)
    assert (audit["actor"], audit["kind"], audit["conversations"]) == ("pria", "conversation", 1)
    assert cid not in json.dumps(audit, default=str)
    assert browser.delete(f"/api/conversations/{cid}", headers=csrf).status_code == 404

    # Rasa kept the live tracker in memory; had it survived, this would pick the SDE application.
    fresh = chat(http, cid, "the SDE one", ben)
    assert "interview loop" not in text_of(fresh)
    assert tracker_user_texts(stack, cid) == ["the SDE one"]


def test_rasas_privacy_routes_need_the_service_token(stack):
    url = f"http://127.0.0.1:{stack.rasa_port}/ca/conversations/anyone/tracker"
    assert httpx.delete(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer guessed"}).status_code == 401
    assert httpx.post(f"http://127.0.0.1:{stack.rasa_port}/ca/trackers/purge", json={"before": 1e12}).status_code == 401


def test_export_then_erase_a_candidate_with_the_command_line(stack, http, token_for):
    cara = token_for("demo-cara")
    first, second = new_id(), new_id()
    chat(http, first, "where is my application?", cara)
    chat(http, second, "How long is the work style assessment?", cara)
    chat(http, second, "any news on my application?", cara)

    exported = privacy_cli(stack, "export", "--candidate", "demo-cara")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["dialogue_tier"] == "included"
    convs = {c["id"]: c for c in data["conversations"]}
    assert set(convs) >= {first, second}
    assert convs[first]["messages"][0]["text"] == "where is my application?"
    assert "where is my application?" in [e.get("text") for e in convs[first]["tracker_events"]]
    assert all(
        (e.get("metadata") or {}).get("auth", {}).get("token") in (None, "(removed)")
        for e in convs[first]["tracker_events"]
    )
    assert data["status_records"]["name"] == "Cara Demo"
    assert [a["id"] for a in data["status_records"]["applications"]] == ["app-3001"]

    erased = privacy_cli(stack, "erase", "--candidate", "demo-cara")
    assert erased.returncode == 0, erased.stderr
    assert int(re.search(r"erased (\d+) conversation", erased.stdout).group(1)) >= 2
    for cid in (first, second):
        assert service_rows(stack, cid) == (0, 0, 0) and tracker_event_count(stack, cid) == 0
    audit = json.loads(privacy_cli(stack, "audit", "--candidate", "demo-cara").stdout)
    assert audit[0]["actor"] == "cli" and audit[0]["kind"] == "candidate" and audit[0]["conversations"] >= 2
    assert json.loads(privacy_cli(stack, "export", "--candidate", "demo-cara").stdout)["conversations"] == []


def test_with_rasa_stopped_nothing_is_erased_and_a_retry_finishes(stack, http, staff):
    cid = new_id()
    chat(http, cid, "What does a bar raiser do?")
    browser, csrf = staff
    stack.stop(only=["rasa"])
    try:
        r = browser.delete(f"/api/conversations/{cid}", headers=csrf)
        assert r.status_code == 503 and "Nothing was erased" in r.json()["detail"]
        cli = privacy_cli(stack, "erase", "--conversation", cid)
        assert cli.returncode == 1 and "nothing was erased" in cli.stderr
        assert service_rows(stack, cid)[0] == 1 and tracker_event_count(stack, cid) > 0
    finally:
        stack.start(only=["rasa"])
        stack.wait_ready(timeout=300)
    assert browser.delete(f"/api/conversations/{cid}", headers=csrf).status_code == 200
    assert service_rows(stack, cid) == (0, 0, 0) and tracker_event_count(stack, cid) == 0


def backdate(stack, cid: str, days: float) -> None:
    """Moves a conversation's activity into the past in both tiers' databases."""
    seconds = days * 86400
    query(
        stack.var_dir / "api.db",
        "update conversations set updated_at = datetime(updated_at, ?), created_at = datetime(created_at, ?) where id = ?",
        f"-{seconds} seconds",
        f"-{seconds} seconds",
        cid,
    )
    query(
        stack.var_dir / "api.db",
        "update messages set created_at = datetime(created_at, ?) where conversation_id = ?",
        f"-{seconds} seconds",
        cid,
    )
    query(
        stack.var_dir / "rasa" / "tracker.db",
        "update events set timestamp = timestamp - ? where sender_id = ?",
        seconds,
        cid,
    )


def test_purge_removes_conversations_idle_past_the_retention_period_from_both_tiers(stack, http, token_for):
    old, recent, ben = new_id(), new_id(), token_for("demo-ben")
    assert "Which one" in text_of(chat(http, old, "can you check my applications?", ben))
    chat(http, recent, "What does a bar raiser do?")
    backdate(stack, old, 31)

    purged = privacy_cli(stack, "purge", "--days", "30")

    assert purged.returncode == 0, purged.stderr
    assert service_rows(stack, old) == (0, 0, 0) and tracker_event_count(stack, old) == 0
    assert service_rows(stack, recent)[0] == 1 and tracker_event_count(stack, recent) > 0
    audit = last_audit_record(stack)
    assert (audit["actor"], audit["kind"], audit["subject_hash"]) == ("retention", "retention", None)
    # Rasa's cached tracker (with the form waiting for a choice) went too.
    assert "interview loop" not in text_of(chat(http, old, "the SDE one", ben))
    assert tracker_user_texts(stack, old) == ["the SDE one"]


def test_the_scheduled_job_purges_without_anyone_asking(stack, http):
    cid = new_id()
    chat(http, cid, "What does a bar raiser do?")
    backdate(stack, cid, 8)
    restart_api(stack, CA_RETENTION_DAYS="7", CA_RETENTION_INTERVAL_SECONDS="1")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (service_rows(stack, cid)[0] or tracker_event_count(stack, cid)):
            time.sleep(0.5)
        assert service_rows(stack, cid) == (0, 0, 0) and tracker_event_count(stack, cid) == 0
    finally:
        restart_api(stack)


EMAIL = "quinn.probe-7431@example.net"
OFFLINE_EMAIL = "rowan.probe-2290@example.org"
PHONE = "+44 7700 900461"
STATUS_QUESTION = "where is my application?"
STATUS_DETAILS = (
    "Your virtual interview loop is being scheduled",
    "Software Development Engineer II",
    "R-3112",
    "Your phone interview is done",
    "ben@example.com",
)


def test_no_personal_data_reaches_the_logs_even_on_error_paths(stack, http, staff, token_for):
    ben, ana = token_for("demo-ben"), token_for("demo-ana")
    expired = token_for("demo-ana", -1)
    header, payload, _ = ana.split(".")
    tampered = f"{header}.{payload}.{'A' * 43}"
    cids = [new_id() for _ in range(5)]

    # A status look-up with details, personal data typed in the chat, and tokens that fail.
    assert "Which one" in text_of(chat(http, cids[0], STATUS_QUESTION, ben))
    assert "interview loop" in text_of(chat(http, cids[0], "the SDE one", ben))
    chat(http, cids[1], f"my email is {EMAIL} and my phone is {PHONE}")
    assert chat(http, cids[1], "any update on my application?", expired)["replies"][0]["kind"] == "verify"
    assert chat(http, cids[1], "any update on my application?", tampered)["replies"][0]["kind"] == "verify"

    # Rasa cannot write its tracker store: it logs the failed write at ERROR.
    with locked(stack.var_dir / "rasa" / "tracker.db"):
        assert "phone interview" in text_of(chat(http, cids[2], STATUS_QUESTION, ana))

    browser, csrf = staff
    restart_api(
        stack,
        CA_STAFF_HOURS="mon-sun 00:00-00:00",  # nobody on duty: the offline form asks for an email
        CA_STATUS_ADAPTER="http",
        CA_STATUS_ATS_URL="http://127.0.0.1:9",  # the status source is down
    )
    try:
        assert chat(http, cids[3], STATUS_QUESTION, ben)["replies"][0]["kind"] == "error"
        assert chat(http, cids[4], "I want to talk to a human", ana)["mode"] == "waiting"
        # The service tier's database cannot write: the request gets 503 and the log says why.
        with locked(stack.var_dir / "api.db"):
            r = httpx.post(
                f"{stack.api_url}/api/chat",
                json={"conversation_id": cids[4], "message": f"write to me at {OFFLINE_EMAIL}, {PHONE}"},
                headers={"Authorization": f"Bearer {ana}"},
                timeout=30,
            )
            assert r.status_code == 503 and "database" in r.json()["detail"]
        chat(http, cids[4], f"write to me at {OFFLINE_EMAIL}, {PHONE}", ana)
        queue = browser.get("/api/staff/queue").json()
        assert next(q for q in queue if q["conversation_id"] == cids[4])["contact_email"] == OFFLINE_EMAIL
    finally:
        restart_api(stack)
    assert browser.delete(f"/api/conversations/{cids[4]}", headers=csrf).status_code == 200

    logs = {p.name: p.read_text(errors="replace") for p in sorted((stack.var_dir / "log").glob("*.log"))}
    everything = "\n".join(logs.values())
    # The error paths did happen (otherwise this test would prove nothing) ...
    assert "Error happened when trying to save conversation tracker" in logs["rasa.log"]
    assert "database unavailable (OperationalError): database is locked" in logs["api.log"]
    assert "status source unavailable" in logs["api.log"]
    assert "status look-up failed" in logs["actions.log"]
    # ... and left no personal data behind.
    secrets = [EMAIL, OFFLINE_EMAIL, PHONE, PHONE.replace(" ", ""), STATUS_QUESTION, *STATUS_DETAILS]
    secrets += [t for token in (ben, ana, expired, tampered) for t in (token, token.split(".")[1], token.split(".")[2])]
    leaked = {s: [name for name, text in logs.items() if s in text] for s in secrets if s in everything}
    assert leaked == {}
