"""DELETE /api/conversations/{id} through the real app: who may erase, and what the answers say."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.users.service import add_user
from tests.api.privacy.test_service import held

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def accounts(client):
    for name, role in (("privacy-staff", "staff"), ("privacy-writer", "writer")):
        add_user(name, PASSWORD, role)
    return client


def signed_in(client: TestClient, username: str) -> tuple[TestClient, dict[str, str]]:
    browser = TestClient(client.app)
    r = browser.post("/api/staff/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return browser, {"X-CSRF-Token": r.json()["csrf_token"]}


@pytest.fixture
def rasa_answers(accounts, rasa):
    """Rasa's part stood in (the unit-test app has no Rasa running). Not monkeypatch: app.state keeps
    its attributes outside __dict__, where monkeypatch looks for the value to restore."""
    real = accounts.app.state.rasa
    accounts.app.state.rasa = rasa
    yield rasa
    accounts.app.state.rasa = real


def test_staff_erase_a_conversation_from_both_tiers(accounts, rasa_answers, chat):
    cid = chat(candidate_id="cand-router")
    browser, csrf = signed_in(accounts, "privacy-staff")
    r = browser.delete(f"/api/conversations/{cid}", headers=csrf)
    assert r.status_code == 200, r.text
    assert r.json() == {"conversations": 1, "messages": 2, "feedback": 1, "tracker_events": 2}
    assert held(cid) == (0, 0, 0) and cid not in rasa_answers.trackers
    assert browser.get(f"/api/conversations/{cid}/messages").json()["messages"] == []


def test_erasing_again_or_an_unknown_id_is_404(accounts, rasa_answers, chat):
    cid = chat()
    browser, csrf = signed_in(accounts, "privacy-staff")
    assert browser.delete(f"/api/conversations/{cid}", headers=csrf).status_code == 200
    again = browser.delete(f"/api/conversations/{cid}", headers=csrf)
    assert again.status_code == 404 and "nothing to erase" in again.json()["detail"]
    assert browser.delete("/api/conversations/never-existed", headers=csrf).status_code == 404


def test_erasing_needs_a_signed_in_person(accounts, chat):
    cid = chat()
    assert TestClient(accounts.app).delete(f"/api/conversations/{cid}").status_code == 401
    assert held(cid)[0] == 1


def test_a_candidate_token_cannot_erase(accounts, chat, token_for):
    cid = chat(candidate_id="demo-ana")
    r = TestClient(accounts.app).delete(
        f"/api/conversations/{cid}", headers={"Authorization": f"Bearer {token_for('demo-ana')}"}
    )
    assert r.status_code == 401 and held(cid)[0] == 1


def test_a_writer_cannot_erase(accounts, chat):
    cid = chat()
    browser, csrf = signed_in(accounts, "privacy-writer")
    r = browser.delete(f"/api/conversations/{cid}", headers=csrf)
    assert r.status_code == 403 and held(cid)[0] == 1


def test_erasing_needs_the_csrf_header(accounts, chat):
    cid = chat()
    browser, _ = signed_in(accounts, "privacy-staff")
    r = browser.delete(f"/api/conversations/{cid}")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert held(cid)[0] == 1


def test_a_malformed_id_is_422(accounts):
    browser, csrf = signed_in(accounts, "privacy-staff")
    assert browser.delete("/api/conversations/not%20an%20id", headers=csrf).status_code == 422


def test_with_rasa_down_nothing_is_erased_and_the_answer_says_to_retry(accounts, chat):
    # The real Rasa client: nothing listens at the unit-test app's CA_RASA_URL.
    cid = chat()
    browser, csrf = signed_in(accounts, "privacy-staff")
    r = browser.delete(f"/api/conversations/{cid}", headers=csrf)
    assert r.status_code == 503
    assert "Nothing was erased" in r.json()["detail"] and "Try again" in r.json()["detail"]
    assert held(cid) == (1, 2, 1)
