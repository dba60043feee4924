"""The writers' knowledge endpoints need a signed-in writer or staff member."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.users.service import add_user


def test_status_and_reload_need_sign_in(client):
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/knowledge/status").status_code == 401
    assert anonymous.post("/api/knowledge/reload").status_code == 401


def test_a_writer_sees_the_status_and_can_reload(client):
    add_user("quill", "a long enough password", "writer")
    browser = TestClient(client.app)
    csrf = browser.post("/api/staff/login", json={"username": "quill", "password": "a long enough password"}).json()[
        "csrf_token"
    ]
    status = browser.get("/api/knowledge/status").json()
    assert status["documents"] >= 10 and status["problems"] == []
    assert browser.post("/api/knowledge/reload").status_code == 403  # no CSRF header
    reloaded = browser.post("/api/knowledge/reload", headers={"X-CSRF-Token": csrf})
    assert reloaded.status_code == 200 and reloaded.json()["version"] == status["version"]


def test_the_preview_shows_the_thresholds_the_coverage_and_the_example_that_matched(client):
    add_user("quire", "a long enough password", "writer")
    browser = TestClient(client.app)
    browser.post("/api/staff/login", json={"username": "quire", "password": "a long enough password"})
    preview = browser.get("/api/knowledge/preview", params={"q": "what's the BR's job in my loop?"}).json()
    assert preview["decision"] == "answer" and "bar raiser" in preview["answer"][0]["text"].lower()
    assert 0 < preview["answer_threshold"] < 1 and preview["refuse_above_when_flagged"] <= preview["refuse_above"] <= 1
    assert preview["uncovered"] is not None and 0 <= preview["uncovered"] <= 1
    assert any(r["matched_example"] for r in preview["ranked"]), preview["ranked"]
    assert preview["not_covered_match"] is None and preview["spelling"] == []
    typed = browser.get("/api/knowledge/preview", params={"q": "how long is the phone intervew?"}).json()
    assert typed["spelling"] == [["intervew", "interview"]] and typed["query"] == "how long is the phone interview?"
    # Worded like a question the writers list as not covered (knowledge/not-covered.md): refused, and why.
    moved = browser.get("/api/knowledge/preview", params={"q": "is it possible to reschedule my phone interview?"})
    assert moved.json()["decision"] == "fallback" and "reschedule" in moved.json()["not_covered_match"]
    pay = browser.get("/api/knowledge/preview", params={"q": "what is the salary for an SDE intern?"}).json()
    assert pay["uncovered"] >= pay["refuse_above_when_flagged"]  # refused when NLU agrees
    # Two close topics on a question the page does not answer: refused, not "did you mean" (dev-3's case;
    # the tie itself, below the clarify margin, is tested on decide() in test_search.py: since hearing
    # back after applying no longer names the phone interview's two days, the two topics are 0.02 apart).
    offer = browser.get(
        "/api/knowledge/preview", params={"q": "once i get an offer how long do i have to accept?"}
    ).json()
    assert offer["decision"] == "fallback" and offer["uncovered"] >= offer["clarify_refuse_above"] == 0.6
    assert offer["ranked"][0]["path"] != offer["ranked"][1]["path"]
    # A word nothing in the knowledge or the covered NLU examples uses is shown, and lowers the level.
    spanish = browser.get("/api/knowledge/preview", params={"q": "can I do my interviews in spanish"}).json()
    assert spanish["unknown_words"] == ["spanish"] and spanish["decision"] == "fallback"
    # (The coverage model's figure for it moves with every retraining on new example questions; the
    # preview shows it beside both levels.)
    assert spanish["refuse_above_with_unknown_word"] < spanish["refuse_above"] and 0 <= spanish["uncovered"] <= 1
    assert browser.get("/api/knowledge/preview", params={"q": "how long is the OA?"}).json()["unknown_words"] == []


def test_the_writers_page_shows_each_sentence_with_the_source_sentence_that_supports_it(client):
    assert TestClient(client.app).get("/api/knowledge/grounding").status_code == 401
    add_user("quoin", "a long enough password", "writer")
    browser = TestClient(client.app)
    browser.post("/api/staff/login", json={"username": "quoin", "password": "a long enough password"})
    report = browser.get("/api/knowledge/grounding").json()
    assert report["sources"] == ["knowledge/sources/hiring-page.txt"]
    assert report["not_found"] == 0 and report["problems"] == [] and report["sentences"] > 80
    assert report["supported"] + report["general"] == report["sentences"] and report["general"] >= 1
    by_path = {f["path"]: f for f in report["files"]}
    talent = by_path["knowledge/talent-network.md"]["sentences"][0]
    assert talent["status"] == "supported" and talent["score"] >= report["threshold"]
    assert talent["support"]["path"] == "knowledge/sources/hiring-page.txt"
    assert "get notified when there's a role that matches your expertise" in talent["support"]["text"]
    general = [s for f in report["files"] for s in f["sentences"] if s["status"] == "general"]
    assert all(s["note"] for s in general)  # each says why it is not from the source
    # The page itself asks for the report and has a place for it.
    page = browser.get("/writers").text
    assert 'id="grounding-title">Grounding in the source' in page and 'id="grounding-files"' in page
    assert "/api/knowledge/grounding" in browser.get("/static/writers.js").text


def test_the_preview_shows_a_follow_up_in_the_context_of_the_questions_before_it(client):
    add_user("quirt", "a long enough password", "writer")
    browser = TestClient(client.app)
    browser.post("/api/staff/login", json={"username": "quirt", "password": "a long enough password"})
    follow_up = "how long does the second one take?"
    alone = browser.get("/api/knowledge/preview", params={"q": follow_up}).json()
    assert alone["after"] == [] and alone["context"] is None
    after = ["what types of online assessments are there?"]
    seen = browser.get("/api/knowledge/preview", params={"q": follow_up, "after": after}).json()
    assert seen["after"] == after and seen["context"]["listed"], seen["context"]
    assert seen["decision"] == "answer"
    assert seen["answer"][0]["path"] == "knowledge/work-sample-simulation.md", seen["answer"][0]
    assert "20-60 minutes" in " ".join(a["text"] for a in seen["answer"])
    # The follow-up model's reading is shown with its level: low for this one, above it for a follow-up
    # the topic's section does not answer (the page gives no right answer), which is refused.
    assert seen["follow_up"] is not None and seen["follow_up"] < seen["follow_up_refuse_above"]
    right = browser.get(
        "/api/knowledge/preview",
        params={"q": "is there a right answer?", "after": ["what is the work style assessment?"]},
    ).json()
    assert right["decision"] == "fallback" and right["follow_up"] > right["follow_up_refuse_above"], right
    assert "follow-up model" in browser.get("/static/writers.js").text
    # Too many earlier questions, or one too long: a clear 422, not a slow or failed request.
    many = browser.get("/api/knowledge/preview", params={"q": follow_up, "after": ["what is a bar raiser?"] * 6})
    assert many.status_code == 422
    long = browser.get("/api/knowledge/preview", params={"q": follow_up, "after": ["x" * 2001]})
    assert long.status_code == 422 and "2000" in str(long.json()["detail"])
    page = browser.get("/writers").text
    assert 'id="after"' in page  # the page has a place for the earlier questions
