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
    pay = browser.get("/api/knowledge/preview", params={"q": "what is the salary for an SDE intern?"}).json()
    assert pay["uncovered"] >= pay["refuse_above_when_flagged"]  # refused when NLU agrees
