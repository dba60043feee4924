"""Interview practice through the whole stack: the review endpoint, the chat flow (question, answer,
feedback, try again, stop) with Rasa's form and the action server, and practice answers as personal
data: exported and erased with the conversation, never in the unanswered report or the logs."""

from __future__ import annotations

import json
import subprocess
import uuid

import httpx

from tests.e2e.conftest import API_PY, ROOT

STORY = (
    "Last spring the support queue at the {marker} shop was always full on Monday mornings. "
    "My manager asked me to get replies out faster. "
    "I read a month of tickets and found that five questions made up half of them. "
    "I wrote a ready reply for each of the five and moved one person to the early shift. "
    "Within three weeks the Monday queue was cleared by 11 am instead of 4 pm."
)
# No task and no result, told with "we" (see tests/e2e/test_practice_widget.py for why two sentences of action).
WEAK = "At the {marker} shop our queue was full on Mondays. We wrote ready replies. We also moved someone to the early shift."


def chat(http: httpx.Client, cid: str, message: str, token: str | None = None) -> list[dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = http.post("/api/chat", json={"conversation_id": cid, "message": message}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["replies"]


def test_the_review_endpoint_finds_the_parts_and_refuses_bad_input(http):
    r = http.post("/api/practice/review", json={"answer": STORY.format(marker="e2e"), "question_id": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "story" and body["missing"] == [] and body["quantified_result"] is True
    assert body["parts"]["task"] == ["My manager asked me to get replies out faster."]
    assert body["first_person"]["i"] > body["first_person"]["we"]
    assert http.post("/api/practice/review", json={"answer": ""}).status_code == 422
    unknown = http.post("/api/practice/review", json={"answer": "x", "question_id": "no-such-question"})
    assert unknown.status_code == 404 and "GET /api/practice/questions" in unknown.json()["detail"]
    hypothetical = http.post(
        "/api/practice/review", json={"answer": "I would listen to the customer. Then I would fix it."}
    )
    assert hypothetical.json()["kind"] == "hypothetical"


def test_practising_in_the_chat_gets_feedback_a_comparison_and_stops(http):
    cid, marker = f"e2e-pr-{uuid.uuid4().hex[:8]}", f"zq{uuid.uuid4().hex[:6]}"
    (question,) = chat(http, cid, "I want to practise for my interview")
    assert question["kind"] == "practice" and "Practice question (" in question["text"]
    assert "kept only in this conversation" in question["text"]
    assert [b["title"] for b in question["buttons"]] == ["Another question", "Pick a principle", "Stop practising"]

    (first,) = chat(http, cid, WEAK.format(marker=marker))
    assert first["kind"] == "practice_feedback", first
    assert 'say "I" ' in first["text"] and "Say what you did yourself" in first["text"]
    assert "Result: not found." in first["text"] and "score" not in first["text"].replace("no score", "")
    assert [b["payload"] for b in first["buttons"]][:2] == ["/practice_retry", "/practice"]

    (again,) = chat(http, cid, "/practice_retry")
    assert again["kind"] == "practice" and again["text"].startswith("Try again (")
    (second,) = chat(http, cid, STORY.format(marker=marker))
    assert second["kind"] == "practice_feedback"
    assert "Task: “My manager asked me to get replies out faster.”" in second["text"]
    assert "Measurable result: yes" in second["text"] and "Compared with your last attempt" in second["text"]

    (not_a_story,) = chat(http, cid, "I am very customer-obsessed. I always put the customer first.")
    assert not_a_story["kind"] == "practice_feedback" and "This is not a story yet" in not_a_story["text"]

    (principles,) = chat(http, cid, "/practice_principles")
    assert principles["kind"] == "practice" and len(principles["buttons"]) == 17
    (ownership,) = chat(http, cid, '/practice{"practice_principle":"Ownership"}')
    assert "Practice question (Ownership)" in ownership["text"] and "kept only" not in ownership["text"]

    (stopped,) = chat(http, cid, "/stop_practice")
    assert stopped["kind"] == "chitchat" and "Practice stopped" in stopped["text"]
    after = chat(http, cid, "How long is the work style assessment?")
    assert after[0]["kind"] == "answer"
    # Practice was had in this conversation: "try again" starts it again.
    assert chat(http, cid, "try again")[0]["kind"] == "practice"


def test_try_again_with_nothing_practised_is_not_a_practice_session(http):
    """NLU reads "try again" (and some questions with "again" in them) as a retry; in a conversation
    that never practised it is answered as a message, not turned into a practice session that takes
    the candidate's next questions for answers."""
    cid = f"e2e-pr-{uuid.uuid4().hex[:8]}"
    (reply,) = chat(http, cid, "try again")
    assert reply["kind"] not in ("practice", "practice_feedback"), reply
    after = chat(http, cid, "How long is the work style assessment?")
    assert after[0]["kind"] == "answer", after


def test_practice_answers_are_exported_and_erased_with_the_conversation_and_nowhere_else(stack, http, token_for):
    cara = token_for("demo-cara")
    cid, marker = f"e2e-pp-{uuid.uuid4().hex[:8]}", f"zq{uuid.uuid4().hex[:6]}"
    chat(http, cid, "give me a practice question", cara)
    answer = STORY.format(marker=marker)
    assert chat(http, cid, answer, cara)[0]["kind"] == "practice_feedback"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(API_PY), "-m", "api.privacy", *args], env=stack.env(), cwd=ROOT, capture_output=True, text=True
        )

    exported = json.loads(cli("export", "--candidate", "demo-cara").stdout)
    conv = next(c for c in exported["conversations"] if c["id"] == cid)
    assert answer in [m["text"] for m in conv["messages"]]

    logs = "\n".join(p.read_text(errors="replace") for p in (stack.var_dir / "log").glob("*.log"))
    assert marker not in logs

    report = subprocess.run(
        [str(API_PY), "-c", "from api.conversations.service import fallback_questions as f; print(f(1000))"],
        env=stack.env(), cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert marker not in report.stdout

    erased = cli("erase", "--conversation", cid)
    assert erased.returncode == 0, erased.stderr
    again = json.loads(cli("export", "--candidate", "demo-cara").stdout)
    assert cid not in [c["id"] for c in again["conversations"]] and marker not in json.dumps(again)
