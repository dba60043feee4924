"""The cluster set-up (scripts/cluster.py): real PostgreSQL, Redis and nginx in front of two Rasa
instances, two action servers and two API instances, all from the project's own files.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid

import httpx
import psycopg
import pytest
from cluster import Cluster

from tests.e2e.conftest import LIMITS_FOR_TESTS, ROOT, SECRET, add_account
from tests.e2e.test_handoff_stack import Listener

PASSWORD = "cluster staff password"
QUESTIONS = [
    "What is the STAR method?",
    "How long is the work style assessment?",
    "What does a bar raiser do?",
    "Can I apply to more than one job?",
    "Where can I see my application status?",
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    offset = int(os.environ.get("E2E_PORT_OFFSET", "0"))
    var = tmp_path_factory.mktemp("cluster-var")
    (var / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
    knowledge = tmp_path_factory.mktemp("cluster-knowledge") / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    c = Cluster(
        api_port=8300 + offset,
        actions_port=5355 + offset,
        api_ports=(8301 + offset, 8302 + offset),
        rasa_ports=(5305 + offset, 5306 + offset),
        action_ports=(5356 + offset, 5357 + offset),
        postgres_port=5633 + offset,
        redis_port=6580 + offset,
        var_dir=var,
        knowledge_dir=knowledge,
        # Reloads travel only through the Redis notice here: with watchers on, both instances would
        # see the shared folder change by themselves and the test would prove nothing.
        extra_env={"CA_CANDIDATE_TOKEN_SECRET": SECRET, "CA_WATCH_KNOWLEDGE": "false", **LIMITS_FOR_TESTS},
    )
    try:
        c.start()
        c.wait_ready(timeout=300)
        for name in ("sam", "wendy"):
            add_account(c, name, "staff" if name == "sam" else "writer", PASSWORD)
        yield c
    finally:
        c.stop()
        c.remove_data()


@pytest.fixture(scope="module")
def instances(cluster):
    clients = [httpx.Client(base_url=cluster.instance_url(n), timeout=30) for n in range(2)]
    yield clients
    for c in clients:
        c.close()


def chat(client: httpx.Client, cid: str, message: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = client.post("/api/chat", json={"conversation_id": cid, "message": message}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def rasa_say(cluster: Cluster, n: int, cid: str, message: str, metadata: dict | None = None) -> list[dict]:
    """Talks to one Rasa instance directly, with the metadata the gateway would add."""
    body = {"sender": cid, "message": message, "metadata": metadata or {"auth": {"status": "none"}}}
    url = f"http://127.0.0.1:{cluster.rasa_ports[n]}/webhooks/gateway/webhook"
    secret = {"Authorization": f"Bearer {cluster.env()['CA_SERVICE_TOKEN']}"}
    r = httpx.post(url, json=body, headers=secret, timeout=30)
    assert r.status_code == 200, r.text
    return [m.get("custom", m) for m in r.json()]


def tracker_events(cluster: Cluster, cid: str) -> list[tuple[str, dict]]:
    url = f"postgresql://postgres@127.0.0.1:{cluster.postgres_port}/rasa"
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (cid,)).fetchall()
    return [(t, json.loads(d)) for t, d in rows]


def sign_in(cluster: Cluster, n: int, name: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=cluster.instance_url(n), timeout=30)
    r = client.post("/api/staff/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_slots_and_forms_survive_messages_alternating_between_rasa_instances(cluster):
    cid = f"cl-{uuid.uuid4().hex[:8]}"
    rasa_say(cluster, 0, cid, "How does the phone interview work?")
    follow_up = rasa_say(cluster, 1, cid, "how long does that take?")  # the other instance has the context
    assert follow_up[0]["kind"] == "answer" and "two business days" in follow_up[0]["text"]

    from api.config import Settings
    from api.tokens import issue_turn_grant

    # What the gateway sends for a signed-in candidate: a grant for this turn and conversation.
    secret = Settings(service_token=cluster.env()["CA_SERVICE_TOKEN"])
    ben = {
        "auth": {"status": "valid", "candidate_id": "demo-ben", "grant": issue_turn_grant(secret, "demo-ben", cid, 60)}
    }
    asked = rasa_say(cluster, 0, cid, "can you check my applications?", ben)
    assert "Which one" in asked[-1]["text"]
    interrupted = rasa_say(cluster, 1, cid, "how long does the work sample simulation take?", ben)
    assert [r["kind"] for r in interrupted] == ["answer", "status"]  # the form, started on 0, resumes on 1
    chosen = rasa_say(cluster, 0, cid, "the SDE one", ben)
    assert chosen[0]["kind"] == "status" and "interview loop" in chosen[0]["text"]


def test_hand_off_mode_set_through_one_api_instance_holds_on_the_other(instances):
    cid = f"cl-{uuid.uuid4().hex[:8]}"
    assert chat(instances[0], cid, "I'd like to talk to a person")["mode"] == "waiting"
    assert chat(instances[1], cid, "What does a bar raiser do?") == {
        "conversation_id": cid,
        "mode": "waiting",
        "replies": [],
    }


def _messages_counted(client: httpx.Client) -> float:
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    line = next(x for x in r.text.splitlines() if x.startswith("assistant_chat_messages_total "))
    return float(line.split()[1])


def test_each_api_instance_serves_its_own_metrics_and_nginx_passes_none_on(cluster, instances):
    before = [_messages_counted(c) for c in instances]
    chat(instances[1], f"metrics-{uuid.uuid4().hex[:8]}", "hello")
    after = [_messages_counted(c) for c in instances]
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 1]
    assert httpx.get(f"{cluster.api_url}/metrics", timeout=10).status_code == 404


def test_twenty_messages_at_once_on_one_conversation_are_stored_once_and_answered_in_order(cluster):
    cid = f"cl-{uuid.uuid4().hex[:8]}"
    messages = [f"{QUESTIONS[n % len(QUESTIONS)]} ({n})" for n in range(20)]
    results: dict[int, httpx.Response] = {}
    barrier = threading.Barrier(20)

    def send(n: int) -> None:
        with httpx.Client(base_url=cluster.api_url, timeout=60) as client:  # through nginx: both instances
            barrier.wait()
            results[n] = client.post("/api/chat", json={"conversation_id": cid, "message": messages[n]})

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results.values()) == [200] * 20
    assert all(r.json()["replies"] for r in results.values()), "every message got an answer"

    events = tracker_events(cluster, cid)
    said = [d["text"] for t, d in events if t == "user"]
    assert sorted(said) == sorted(messages), "each message is in the tracker store exactly once"
    # In order: each message is fully answered before the next one starts (Redis lock store).
    turns = [t for t, _ in events if t in ("user", "bot")]
    for n, kind in enumerate(turns[:-1]):
        if kind == "user":
            assert turns[n + 1] == "bot", f"message {n} was not answered before the next: {turns}"

    staff, _ = sign_in(cluster, 1, "sam")
    stored = [m["text"] for m in staff.get(f"/api/staff/conversations/{cid}").json()["messages"]]
    assert sorted(m for m in stored if m in messages) == sorted(messages)
    assert len([m for m in stored if m in messages]) == 20


def test_a_hand_off_claimed_on_one_instance_and_a_reply_through_it_reach_a_candidate_on_the_other(cluster, instances):
    cid = f"cl-{uuid.uuid4().hex[:8]}"
    chat(instances[1], cid, "Can I speak to a human?")
    listener = Listener(f"{cluster.instance_url(1)}/api/conversations/{cid}/events")  # candidate on instance 2

    staff, csrf = sign_in(cluster, 0, "sam")  # staff on instance 1
    assert staff.post(f"/api/staff/conversations/{cid}/claim", headers=csrf).status_code == 204
    other, _ = sign_in(cluster, 1, "sam")
    assert other.get(f"/api/staff/conversations/{cid}").json()["claimed_by"] == "sam"
    listener.wait_for(lambda ev: ev[1] == "mode" and ev[2]["mode"] == "human")

    sent_at = time.monotonic()
    text = "Hello from the recruiting team."
    assert staff.post(f"/api/staff/conversations/{cid}/messages", json={"text": text}, headers=csrf).status_code == 200
    at, _, data = listener.wait_for(lambda ev: ev[1] == "message" and ev[2]["text"] == text)
    assert data["kind"] == "human" and at - sent_at < 1.0


def test_a_reload_on_one_instance_reaches_every_instance(cluster, instances):
    writer, csrf = sign_in(cluster, 0, "wendy")
    reader, _ = sign_in(cluster, 1, "wendy")
    before = reader.get("/api/knowledge/status").json()["version"]
    assert writer.get("/api/knowledge/status").json()["version"] == before

    doc = cluster.knowledge_dir / "star-method.md"
    marker = "STAR is commonly spelled out as Situation, Task, Action, Result."
    doc.write_text(doc.read_text().replace(marker, marker + " Keep each STAR story under two minutes (cluster test)."))
    r = writer.post("/api/knowledge/reload", headers=csrf)
    assert r.status_code == 200, r.text
    after = r.json()["version"]
    assert after != before
    deadline = time.monotonic() + 10
    while reader.get("/api/knowledge/status").json()["version"] != after:
        assert time.monotonic() < deadline, "the other instance never loaded the new version"
        time.sleep(0.2)
    answer = chat(instances[1], f"cl-{uuid.uuid4().hex[:8]}", "What is the STAR method?")
    assert "under two minutes (cluster test)" in answer["replies"][0]["text"]


def test_one_rasa_instance_stopped_mid_conversation_the_other_carries_on(cluster, instances):
    cid = f"cl-{uuid.uuid4().hex[:8]}"
    first = chat(instances[0], cid, "How does the phone interview work?")
    assert first["replies"][0]["kind"] == "answer"
    cluster.stop(only=["rasa-1"])
    try:
        follow_up = chat(instances[0], cid, "how long does that take?")
        assert "two business days" in follow_up["replies"][0]["text"]  # the context survived
        for message in ("What is the STAR method?", "thanks!"):
            resp = chat(instances[0], cid, message)
            assert resp["replies"], f"no answer to {message!r} with one Rasa instance down"
        said = [d["text"] for t, d in tracker_events(cluster, cid) if t == "user"]
        assert said == [
            "How does the phone interview work?",
            "how long does that take?",
            "What is the STAR method?",
            "thanks!",
        ]
    finally:
        cluster.start(only=["rasa-1"])
        cluster.wait_ready(timeout=180)


def test_make_run_cluster_starts_a_crashed_instance_again(cluster, instances):
    import signal

    crashed = cluster.procs["actions-2"]
    os.killpg(crashed.pid, signal.SIGKILL)
    crashed.wait()

    def restarted() -> bool:
        return cluster.procs.get("actions-2") not in (None, crashed)

    # What `make run-cluster` runs after start-up, on the main thread as there: a process started
    # from a passing thread would die with the thread (scripts/stack.py's _die_with_parent).
    deadline = time.monotonic() + 10
    cluster.supervise(poll=0.1, until=lambda: restarted() or time.monotonic() > deadline)
    assert restarted(), "the crashed action server was not started again"
    from cluster import _wait_port

    _wait_port(cluster.action_ports[1], "the restarted action server", timeout=120)
    for n in range(4):  # nginx spreads these over both action servers
        reply = chat(instances[n % 2], f"cl-{uuid.uuid4().hex[:8]}", "What is the STAR method?")
        assert reply["replies"][0]["kind"] == "answer"


def test_every_cluster_process_listens_on_loopback_only(cluster):
    from tests.e2e.test_exposure_stack import listening_addresses

    for name, proc in cluster.procs.items():
        addresses = listening_addresses(proc.pid)
        assert addresses and addresses <= {"127.0.0.1"}, f"{name} listens on {addresses}"


def send_until_answered(
    client: httpx.Client, cid: str, message: str, deadline: float, retries: list[str] | None = None
) -> httpx.Response | None:
    """What the widget does (api/web/static/widget.js): one client id per message, the same id on
    every retry of a 503, a 502 or 504 (nginx: the instance died with the request) or a network
    error, after 0.5, 1 and 2 s; None when the message was still not answered (the widget would
    show its Retry notice)."""
    body = {"conversation_id": cid, "message": message, "client_message_id": uuid.uuid4().hex}
    for pause in (0.5, 1.0, 2.0, None):
        if time.monotonic() > deadline:
            return None
        try:
            r = client.post("/api/chat", json=body)
            if r.status_code not in (502, 503, 504):
                return r
            outcome = str(r.status_code)
        except httpx.TransportError as exc:
            outcome = type(exc).__name__
        if retries is not None:
            retries.append(outcome)
        if pause is None:
            return None
        time.sleep(pause)
    return None


@pytest.mark.parametrize("killed", ["rasa-1", "actions-1", "api-1"])
def test_one_instance_killed_under_twenty_conversations_no_message_fails_or_is_stored_twice(cluster, killed):
    import signal

    conversations = [f"cl-{uuid.uuid4().hex[:8]}" for _ in range(20)]
    sent = {cid: [f"{q} ({cid})" for q in QUESTIONS] for cid in conversations}
    answered: dict[str, list[int]] = {cid: [] for cid in conversations}
    failed: list[str] = []
    retries: list[str] = []
    slowest = [0.0]
    deadline = time.monotonic() + 240  # bounded: every message is answered long before this

    def converse(cid: str) -> None:
        with httpx.Client(base_url=cluster.api_url, timeout=30) as client:  # through nginx
            for message in sent[cid]:
                began = time.monotonic()
                r = send_until_answered(client, cid, message, deadline, retries)
                slowest[0] = max(slowest[0], time.monotonic() - began)
                if r is None:
                    failed.append(f"{message}: no answer")
                elif r.status_code != 200 or not r.json()["replies"]:
                    failed.append(f"{message}: {r.status_code} {r.text[:200]}")
                else:
                    answered[cid].append(r.status_code)

    threads = [threading.Thread(target=converse, args=(cid,)) for cid in conversations]
    for t in threads:
        t.start()
    victim = cluster.procs[killed]
    try:
        # Killed under load: once a fifth of the messages are answered, more are in flight.
        while sum(map(len, answered.values())) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) + 5)
    finally:
        cluster.start(only=[killed])
        cluster.wait_ready(timeout=180)

    total = sum(len(m) for m in sent.values())
    print(
        f"killed {killed}: {total} messages, {len(failed)} failed, client retries: {sorted(retries)},"
        f" slowest message {slowest[0]:.1f} s"
    )
    assert failed == []
    url = f"postgresql://postgres@127.0.0.1:{cluster.postgres_port}/assistant"
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT conversation_id, text FROM messages WHERE sender = 'candidate' AND conversation_id = ANY(%s)"
            " ORDER BY id",
            (conversations,),
        ).fetchall()
    for cid in conversations:
        transcript = [text for c, text in rows if c == cid]
        assert transcript == sent[cid], f"the transcript of {cid} has each message exactly once, in order"
        said = [d["text"] for t, d in tracker_events(cluster, cid) if t == "user"]
        assert said == sent[cid], f"the tracker store of {cid} has each message exactly once, in order"
