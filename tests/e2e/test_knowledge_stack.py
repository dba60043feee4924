"""Content writers' edits reach the running assistant within seconds: no restart, no retraining."""

from __future__ import annotations

import shutil
import threading
import time
import uuid

import httpx
import pytest

from tests.e2e.conftest import ROOT, add_account

QUESTION = "How do I join the talent network?"


def answer(http, message=QUESTION) -> dict:
    r = http.post("/api/chat", json={"conversation_id": f"k-{uuid.uuid4().hex[:8]}", "message": message})
    assert r.status_code == 200, r.text
    return r.json()["replies"][0]


def wait_for(http, predicate, timeout=3.0) -> tuple[float, dict]:
    started = time.monotonic()
    while True:
        reply = answer(http)
        if predicate(reply):
            return time.monotonic() - started, reply
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not served within {timeout} s; last reply: {reply}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def writable_knowledge(stack, tmp_path_factory):
    """The stack's API restarted on a copy of knowledge/ that the tests may edit."""
    copy = tmp_path_factory.mktemp("knowledge") / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    stack.stop(only=["api"])
    stack.knowledge_dir = copy
    stack.start(only=["api"])
    stack.wait_ready(timeout=120)
    yield copy
    stack.stop(only=["api"])
    stack.knowledge_dir = ROOT / "knowledge"
    stack.start(only=["api"])
    stack.wait_ready(timeout=120)


def test_an_edited_section_is_answered_within_3_seconds(http, writable_knowledge):
    path = writable_knowledge / "talent-network.md"
    original = path.read_text()
    assert "answered-from-the-edit" not in answer(http)["text"]
    path.write_text(original.rstrip() + "\nWriters added this sentence (answered-from-the-edit).\n")
    elapsed, reply = wait_for(http, lambda r: "answered-from-the-edit" in r["text"])
    assert reply["kind"] == "answer" and reply["sources"][0]["path"] == "knowledge/talent-network.md"
    assert elapsed <= 3.0


def test_a_broken_file_is_reported_with_its_line_and_the_old_answer_keeps_serving(stack, http, writable_knowledge):
    path = writable_knowledge / "talent-network.md"
    good = path.read_text()
    path.write_text(good.replace("title: ", "titel: ", 1))
    browser = httpx.Client(base_url=stack.api_url)
    add_account(stack, "wren", "writer", "writer password 123")
    browser.post("/api/staff/login", json={"username": "wren", "password": "writer password 123"})
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        problems = browser.get("/api/knowledge/status").json()["problems"]
        if problems:
            break
        time.sleep(0.1)
    assert problems == [{"path": "knowledge/talent-network.md", "line": 1, "message": "front matter needs a 'title'"}]
    reply = answer(http)
    assert reply["kind"] == "answer" and reply["sources"][0]["path"] == "knowledge/talent-network.md"
    path.write_text(good)


def test_questions_during_rebuilds_all_succeed(stack, http, writable_knowledge):
    path = writable_knowledge / "phone-interview.md"
    original = path.read_text()
    writer = httpx.Client(base_url=stack.api_url)
    add_account(stack, "rebuild-watch", "writer", "writer password 789")
    writer.post("/api/staff/login", json={"username": "rebuild-watch", "password": "writer password 789"})

    def version() -> str:
        return str(writer.get("/api/knowledge/status").json()["version"])

    before = version()
    errors: list[str] = []
    stop = threading.Event()

    def edit_repeatedly() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            path.write_text(original + "\n" * (n % 5 + 1))  # a change of content hash each time
            time.sleep(0.4)

    editor = threading.Thread(target=edit_repeatedly)
    editor.start()
    try:
        with httpx.Client(base_url=http.base_url, timeout=30) as client:
            for i in range(30):
                r = client.post(
                    "/api/chat",
                    json={"conversation_id": f"k-c-{i}", "message": "When will I hear back after my phone interview?"},
                )
                if r.status_code != 200 or r.json()["replies"][0]["kind"] != "answer":
                    errors.append(r.text)
    finally:
        stop.set()
        editor.join()
        path.write_text(original)
        # The rebuilds this test queued (each slower under its load) are over before the next test
        # measures how soon one edit is served: the original text is served again.
        deadline = time.monotonic() + 60
        while version() != before and time.monotonic() < deadline:
            time.sleep(0.2)
    assert errors == []


def test_deleting_a_file_removes_its_answers(http, writable_knowledge):
    (writable_knowledge / "talent-network.md").unlink()
    wait_for(http, lambda r: not any(s["path"] == "knowledge/talent-network.md" for s in r.get("sources", [])))


def test_unanswered_questions_are_grouped_for_writers(stack, http):
    paraphrases = [
        "Is there free food at the office?",
        "Do employees get free lunch?",
        "are meals provided for staff at work?",
    ]
    for text in paraphrases:
        assert answer(http, text)["kind"] == "fallback"
    add_account(stack, "page", "writer", "writer password 456")
    # Every unanswered question of the whole e2e run is grouped here (the hostile-input test leaves many).
    browser = httpx.Client(base_url=stack.api_url, timeout=60)
    browser.post("/api/staff/login", json={"username": "page", "password": "writer password 456"})
    groups = browser.get("/api/knowledge/unanswered").json()
    food = [g for g in groups if set(paraphrases) & set(g["questions"])]
    assert len(food) == 1 and set(paraphrases) <= set(food[0]["questions"]) and food[0]["count"] >= 3
