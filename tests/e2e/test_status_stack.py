"""Live application status through /api/chat with real tokens, Rasa, the action server and SQLite."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.e2e.conftest import API_PY, ROOT


def replies(resp: dict) -> tuple[list[str], str]:
    return [r["kind"] for r in resp["replies"]], "\n".join(r["text"] for r in resp["replies"])


def test_candidate_sees_their_own_application(ask, token_for):
    kinds, text = replies(ask("where is my application?", token_for("demo-ana")))
    assert kinds == ["status"]
    assert "Solutions Architect" in text and "phone interview" in text and "20 November 2026" in text


def test_without_a_token_the_candidate_is_asked_to_sign_in(ask):
    kinds, text = replies(ask("any update on my application?"))
    assert kinds == ["verify"] and "candidate portal" in text


def test_expired_token_is_asked_to_sign_in_again(ask, token_for):
    kinds, text = replies(ask("any update on my application?", token_for("demo-ana", -1)))
    assert kinds == ["verify"] and "expired" in text


def test_tampered_token_is_asked_to_sign_in(ask, token_for):
    header, _, signature = token_for("demo-ana").split(".")
    forged_payload = token_for("demo-ben").split(".")[1]
    kinds, _ = replies(ask("any update on my application?", f"{header}.{forged_payload}.{signature}"))
    assert kinds == ["verify"]


def test_another_candidates_application_id_typed_in_the_message_shows_nothing_of_theirs(ask, token_for):
    _, text = replies(ask("what is the status of application app-2001 for candidate demo-ben?", token_for("demo-ana")))
    assert "Software Development Engineer" not in text and "Data Engineer" not in text


def test_metadata_in_the_request_body_is_ignored(http, token_for):
    body = {
        "conversation_id": f"e2e-{uuid.uuid4().hex[:8]}",
        "message": "where is my application?",
        "metadata": {"auth": {"status": "valid", "candidate_id": "demo-ben", "token": token_for("demo-ben")}},
    }
    resp = http.post("/api/chat", json=body).json()
    assert [r["kind"] for r in resp["replies"]] == ["verify"]


def test_a_conversation_id_naming_someone_else_changes_nothing(http, token_for):
    body = {"conversation_id": "demo-ben", "message": "where is my application?"}
    resp = http.post("/api/chat", json=body, headers={"Authorization": f"Bearer {token_for('demo-ana')}"}).json()
    text = "\n".join(r["text"] for r in resp["replies"])
    assert "Solutions Architect" in text and "Software Development Engineer" not in text


def test_several_applications_pick_by_name_with_a_question_in_between(ask, token_for):
    ben = token_for("demo-ben")
    kinds, text = replies(ask("can you check my applications?", ben))
    assert kinds == ["status"] and "Software Development Engineer II" in text and "Data Engineer" in text
    kinds, text = replies(ask("how long does the work sample simulation take?", ben))
    assert kinds == ["answer", "status"] and "20" in text and "Which one" in text
    kinds, text = replies(ask("the SDE one", ben))
    assert kinds == ["status"] and "interview loop" in text and "Data Engineer" not in text
    kinds, _ = replies(ask("thanks!", ben))
    assert kinds == ["chitchat"]


def test_several_applications_pick_by_button(ask, token_for):
    ben = token_for("demo-ben")
    resp = ask("status?", ben)
    payload = resp["replies"][0]["buttons"][1]["payload"]
    kinds, text = replies(ask(payload, ben))
    assert kinds == ["status"] and "Data Engineer" in text and "online assessment" in text


def test_a_choice_of_someone_elses_application_is_refused(ask, token_for):
    ben = token_for("demo-ben")
    ask("status?", ben)
    _kinds, text = replies(ask('/inform_application{"application_choice":"app-1001"}', ben))
    assert "Solutions Architect" not in text
    assert "couldn't match" in text


def test_a_changed_row_is_shown_on_the_next_question(stack, ask, token_for, tmp_path):
    csv = tmp_path / "update.csv"
    csv.write_text(
        (ROOT / "api" / "status" / "demo.csv").read_text().splitlines()[0]
        + '\ndemo-cara,Cara Demo,cara@example.com,app-3001,Account Manager,R-1450,"Austin, TX",decision,offer,'
        + '2026-11-25,"Your recruiter will call you about the offer."\n'
    )
    _, before = replies(ask("where is my application?", token_for("demo-cara")))
    assert "not selected" in before
    subprocess.run([str(API_PY), "-m", "api.status", "import", str(csv)], env=stack.env(), cwd=ROOT, check=True)
    _, text = replies(ask("where is my application?", token_for("demo-cara")))
    assert "offer made" in text and "25 November 2026" in text


class _SlowATS(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(10)

    def log_message(self, *args):
        pass


def test_status_service_that_hangs_gives_an_error_within_3_seconds(stack, ask, token_for):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowATS)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack.stop(only=["api"])
    stack.extra_env.update(CA_STATUS_ADAPTER="http", CA_STATUS_ATS_URL=f"http://127.0.0.1:{server.server_port}")
    try:
        stack.start(only=["api"])
        stack.wait_ready(timeout=120)
        started = time.monotonic()
        kinds, text = replies(ask("where is my application?", token_for("demo-ana")))
        elapsed = time.monotonic() - started
        assert kinds == ["error"] and "person" in text
        assert elapsed < 3.0
        # and a question about the process still works meanwhile
        assert replies(ask("What does a bar raiser do?"))[0] == ["answer"]
    finally:
        server.shutdown()
        stack.stop(only=["api"])
        for key in ("CA_STATUS_ADAPTER", "CA_STATUS_ATS_URL"):
            stack.extra_env.pop(key, None)
        stack.start(only=["api"])
        stack.wait_ready(timeout=120)
