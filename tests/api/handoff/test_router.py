"""Hand-off endpoints through the real app and SQLite (Rasa is not running in these tests)."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from api.conversations import service as conversations
from api.handoff import service as handoff
from api.handoff.service import HandoffError
from api.users.service import add_user

SERVICE = {"X-Service-Token": "test-token"}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def accounts(client):
    for name, role in (("alex", "staff"), ("bo", "staff"), ("wendy", "writer")):
        add_user(name, PASSWORD, role)
    return client


def signed_in(client: TestClient, username: str) -> tuple[TestClient, dict[str, str]]:
    """A separate browser: its own cookie jar, signed in as `username`."""
    browser = TestClient(client.app)
    r = browser.post("/api/staff/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return browser, {"X-CSRF-Token": r.json()["csrf_token"]}


def queued(client) -> str:
    cid = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, "I need help with my interview date", None)
    r = client.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    assert r.status_code == 200 and r.json()["mode"] == "waiting"
    return cid


def test_wrong_password_is_401(accounts):
    r = TestClient(accounts.app).post("/api/staff/login", json={"username": "alex", "password": "nope nope nope"})
    assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password."


def test_sign_in_sets_an_httponly_samesite_cookie(accounts):
    r = TestClient(accounts.app).post("/api/staff/login", json={"username": "alex", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/staff/queue"),
        ("GET", "/api/staff/conversations/x"),
        ("POST", "/api/staff/conversations/x/claim"),
        ("GET", "/api/staff/me"),
    ],
)
def test_staff_endpoints_need_a_signed_in_person(accounts, method, path):
    assert TestClient(accounts.app).request(method, path).status_code == 401


def test_a_candidate_token_never_opens_staff_endpoints(accounts, token_for):
    r = TestClient(accounts.app).get("/api/staff/queue", headers={"Authorization": f"Bearer {token_for('demo-ana')}"})
    assert r.status_code == 401


def test_state_changes_need_the_csrf_header(accounts):
    cid = queued(accounts)
    browser, _ = signed_in(accounts, "alex")
    r = browser.post(f"/api/staff/conversations/{cid}/claim")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


def test_a_writer_cannot_handle_conversations(accounts):
    browser, _csrf = signed_in(accounts, "wendy")
    assert browser.get("/api/staff/queue").status_code == 403


def test_queue_shows_waiting_time_last_question_and_bot_answer(accounts):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, "what's the salary?", "demo-ana")
    conversations.bot_replies(
        cid, [{"kind": "fallback", "text": "I don't have information about that.", "buttons": [], "sources": []}]
    )
    accounts.post("/api/internal/handoff", json={"conversation_id": cid, "candidate_id": "demo-ana"}, headers=SERVICE)
    browser, _ = signed_in(accounts, "alex")
    [entry] = [q for q in browser.get("/api/staff/queue").json() if q["conversation_id"] == cid]
    assert entry["mode"] == "waiting" and entry["last_question"] == "what's the salary?"
    assert entry["last_bot_answer"].startswith("I don't have") and entry["candidate_id"] == "demo-ana"


def test_claim_reply_and_hand_back(accounts):
    cid = queued(accounts)
    alex, csrf = signed_in(accounts, "alex")
    assert alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf).status_code == 204
    r = alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Hi, I'm Alex."}, headers=csrf)
    assert r.status_code == 200 and r.json()["sender"] == "staff"
    transcript = alex.get(f"/api/staff/conversations/{cid}").json()
    assert transcript["mode"] == "human" and transcript["claimed_by"] == "alex"
    assert [(m["sender"], m["kind"]) for m in transcript["messages"]] == [
        ("candidate", "candidate"),
        ("bot", "notice"),
        ("staff", "human"),
    ]
    assert alex.post(f"/api/staff/conversations/{cid}/handback", headers=csrf).status_code == 204
    assert conversations.mode_of(cid) == "bot"


def test_second_claim_gets_409_naming_who_has_it(accounts):
    cid = queued(accounts)
    alex, a_csrf = signed_in(accounts, "alex")
    bo, b_csrf = signed_in(accounts, "bo")
    assert alex.post(f"/api/staff/conversations/{cid}/claim", headers=a_csrf).status_code == 204
    r = bo.post(f"/api/staff/conversations/{cid}/claim", headers=b_csrf)
    assert r.status_code == 409 and "alex" in r.json()["detail"]
    assert bo.post(f"/api/staff/conversations/{cid}/messages", json={"text": "hi"}, headers=b_csrf).status_code == 409


def test_simultaneous_claims_have_exactly_one_winner(accounts):
    cid = queued(accounts)
    names = [f"staff{n}" for n in range(8)]
    barrier = threading.Barrier(len(names))
    results: dict[str, str] = {}

    def claim(name: str) -> None:
        barrier.wait()
        try:
            handoff.claim(cid, name)
            results[name] = "won"
        except HandoffError as exc:
            results[name] = str(exc.status)

    threads = [threading.Thread(target=claim, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == ["409"] * 7 + ["won"]


def test_unknown_conversation_is_404(accounts):
    alex, csrf = signed_in(accounts, "alex")
    assert alex.get("/api/staff/conversations/nope").status_code == 404
    assert alex.post("/api/staff/conversations/nope/claim", headers=csrf).status_code == 404


def test_internal_handoff_needs_the_service_token(accounts):
    assert accounts.post("/api/internal/handoff", json={"conversation_id": "x"}).status_code == 401


def test_messages_while_waiting_are_stored_and_the_bot_is_silent(accounts):
    cid = queued(accounts)
    r = accounts.post("/api/chat", json={"conversation_id": cid, "message": "are you there?"})
    assert r.status_code == 200  # Rasa is down, yet no 503: the bot is not asked at all
    assert r.json() == {"conversation_id": cid, "mode": "waiting", "replies": []}
    _, messages = conversations.transcript(cid)
    assert [m.text for m in messages][-1] == "are you there?"


def test_staff_reply_reaches_a_polling_client_once(accounts):
    cid = queued(accounts)
    alex, csrf = signed_in(accounts, "alex")
    alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf)
    alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Hello from Alex"}, headers=csrf)
    first = accounts.post("/api/chat", json={"conversation_id": cid, "message": "hi"}).json()
    assert first["mode"] == "human"
    assert [(r["kind"], r["text"]) for r in first["replies"]] == [
        ("notice", "alex from the support team joined."),
        ("human", "Hello from Alex"),
    ]
    again = accounts.post("/api/chat", json={"conversation_id": cid, "message": "thanks"}).json()
    assert again["replies"] == []


def test_everything_survives_an_api_restart(accounts):
    cid = queued(accounts)
    alex, csrf = signed_in(accounts, "alex")
    alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf)
    alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Before the restart"}, headers=csrf)
    from api.main import create_app

    with TestClient(create_app()) as restarted:
        r = restarted.post("/api/staff/login", json={"username": "alex", "password": PASSWORD})
        t = restarted.get(f"/api/staff/conversations/{cid}").json()
        assert r.status_code == 200 and t["mode"] == "human" and t["claimed_by"] == "alex"
        assert [m["text"] for m in t["messages"]] == [
            "I need help with my interview date",
            "alex from the support team joined.",
            "Before the restart",
        ]


def test_outside_staff_hours_the_candidate_leaves_a_message_and_an_email(accounts, monkeypatch):
    from api.config import get_settings

    monkeypatch.setattr(get_settings(), "staff_hours", "mon-mon 00:00-00:01")  # never on duty in practice
    cid = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, "I need a person", None)
    r = accounts.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    assert r.json()["on_duty"] is False and r.json()["mode"] == "waiting"
    accounts.post("/api/chat", json={"conversation_id": cid, "message": "Please email me at jo.candidate@example.com"})
    alex, _ = signed_in(accounts, "alex")
    entry = next(q for q in alex.get("/api/staff/queue").json() if q["conversation_id"] == cid)
    assert entry["offline"] is True and entry["contact_email"] == "jo.candidate@example.com"


def test_a_staff_reply_of_only_invisible_characters_is_refused_as_empty(accounts):
    cid = queued(accounts)
    alex, csrf = signed_in(accounts, "alex")
    assert alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf).status_code == 204
    for invisible in ("\u202e\u200b", "   ", "\u2066\ufeff\u2069"):
        r = alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": invisible}, headers=csrf)
        assert r.status_code == 422 and r.json()["detail"] == "text: the message is empty; type a reply", r.text
    r = alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": "\u202eHello\u202c"}, headers=csrf)
    assert r.status_code == 200 and r.json()["text"] == "Hello"


def test_credentials_with_non_ascii_bytes_are_refused_not_a_500(accounts):
    # A header may hold any byte; comparing a str with non-ASCII characters was a TypeError (500).
    r = TestClient(accounts.app).post("/api/internal/search", json={"query": "x"}, headers={"X-Service-Token": b"\xff"})
    assert r.status_code == 401
    cid = queued(accounts)
    alex, _ = signed_in(accounts, "alex")
    r = alex.post(f"/api/staff/conversations/{cid}/claim", headers={"X-CSRF-Token": b"\xfe\xff"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


@pytest.mark.parametrize(
    ("header", "after"),
    [("41", 41), (" 7 ", 7), ("2147483647", 2_147_483_647), ("99999999999999999999", None), ("2147483648", None),
     ("\u00b2", None), ("-1", None), ("1e3", None), ("", None), (None, None)],
)  # fmt: skip
def test_last_event_id_is_a_stored_message_id_or_ignored(header, after):
    from api.conversations.live import replay_after as _last_event_id

    assert _last_event_id(header) == after


def _history(client, cid):
    return [(m["kind"], m["text"]) for m in client.get(f"/api/conversations/{cid}/messages").json()["messages"]]


def test_the_candidate_is_told_who_joined_handed_back_and_closed(accounts):
    cid = queued(accounts)
    alex, csrf = signed_in(accounts, "alex")
    alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf)
    assert ("notice", "alex from the support team joined.") in _history(accounts, cid)
    # Rasa is down in these tests: the greeting after the hand-back is skipped, the notice is not.
    assert alex.post(f"/api/staff/conversations/{cid}/handback", headers=csrf).status_code == 204
    assert _history(accounts, cid)[-1] == ("notice", "alex handed you back to the assistant.")
    other = queued(accounts)
    alex.post(f"/api/staff/conversations/{other}/claim", headers=csrf)
    assert alex.post(f"/api/staff/conversations/{other}/close", headers=csrf).status_code == 204
    assert _history(accounts, other)[-1] == ("notice", "This conversation was closed. Anything else?")


def test_start_over_while_waiting_withdraws_from_the_queue(accounts):
    cid = queued(accounts)
    assert accounts.post(f"/api/conversations/{cid}/withdraw").status_code == 204
    assert conversations.mode_of(cid) == "bot"
    alex, _ = signed_in(accounts, "alex")
    assert cid not in [q["conversation_id"] for q in alex.get("/api/staff/queue").json()]
    _, messages = conversations.transcript(cid)
    assert messages[-1].text == "The candidate started over and left the queue."
    again = accounts.post(f"/api/conversations/{cid}/withdraw")
    assert again.status_code == 409 and "not waiting" in again.json()["detail"]
    assert accounts.post("/api/conversations/nope-nope/withdraw").status_code == 404


def test_only_its_candidate_withdraws_a_signed_in_conversation(accounts, token_for):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, "I need a person", "demo-ana")
    accounts.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    r = accounts.post(f"/api/conversations/{cid}/withdraw")
    assert r.status_code == 403 and "sign in" in r.json()["detail"]
    ok = accounts.post(
        f"/api/conversations/{cid}/withdraw", headers={"Authorization": f"Bearer {token_for('demo-ana')}"}
    )
    assert ok.status_code == 204


def test_a_button_click_is_stored_and_shown_as_its_title(accounts):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    payload = '/ask_hiring{"section_id": "work-sample-simulation#how-long-it-takes"}'
    conversations.bot_replies(
        cid,
        [{"kind": "clarify", "text": "Did you mean:", "buttons": [{"title": "How long it takes", "payload": payload}]}],
    )
    conversations.bot_replies(cid, [{"kind": "answer", "text": "20-60 minutes."}], question=payload)
    conversations.bot_replies(cid, [{"kind": "handoff", "text": "You're in the queue."}], question="/request_human")
    conversations.bot_replies(cid, [{"kind": "chitchat", "text": "ok"}], question='/ask_hiring{"section_id": "x#y"}')
    said = [(m["sender"], m["text"]) for m in accounts.get(f"/api/conversations/{cid}/messages").json()["messages"]]
    assert ("candidate", "How long it takes") in said and ("candidate", "Talk to a person") in said
    assert ("candidate", '/ask_hiring{"section_id": "x#y"}') in said  # never offered: kept as sent
    accounts.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    alex, _ = signed_in(accounts, "alex")
    [entry] = [q for q in alex.get("/api/staff/queue").json() if q["conversation_id"] == cid]
    # The queue shows the last thing typed, never a click or a slash command.
    assert entry["last_question"] == "How long it takes"


def test_a_rating_is_shown_again_after_a_reload(accounts):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    _, _, [answer], _ = conversations.bot_replies(cid, [{"kind": "answer", "text": "Yes."}], question="Is it?")
    r = accounts.post(f"/api/conversations/{cid}/feedback", json={"message_id": answer, "helpful": False})
    assert r.status_code == 204
    [item] = [m for m in accounts.get(f"/api/conversations/{cid}/messages").json()["messages"] if m["id"] == answer]
    assert item["helpful"] is False


# The console at a glance (#17): queue cards, titles, history, saved replies ---------------------


def test_queue_cards_have_a_human_title_unread_count_and_newest_activity_first(accounts):
    older = queued(accounts)
    newer = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(newer, "Can I move my interview?", "demo-cara")
    accounts.post("/api/internal/handoff", json={"conversation_id": newer}, headers=SERVICE)
    for text in ("hello?", "anyone there?"):
        accounts.post("/api/chat", json={"conversation_id": older, "message": text})
    alex, csrf = signed_in(accounts, "alex")
    cards = {q["conversation_id"]: q for q in alex.get("/api/staff/queue").json()}
    assert cards[older]["title"] == "“I need help with my interview date”" and cards[older]["unread"] == 2
    assert cards[newer]["title"] == "Candidate demo-cara" and cards[newer]["unread"] == 0
    order = [q["conversation_id"] for q in alex.get("/api/staff/queue").json()]
    assert order.index(older) < order.index(newer)  # written to last
    alex.post(f"/api/staff/conversations/{older}/claim", headers=csrf)
    alex.post(f"/api/staff/conversations/{older}/messages", json={"text": "Here now."}, headers=csrf)
    card = next(q for q in alex.get("/api/staff/queue").json() if q["conversation_id"] == older)
    assert card["unread"] == 0 and card["last_activity"].endswith(("Z", "+00:00"))


def test_the_transcript_has_a_title_and_the_options_offered(accounts):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    options = [{"title": "Work sample", "payload": "/ask_hiring{}"}, {"title": "Work style", "payload": "/x"}]
    conversations.bot_replies(
        cid, [{"kind": "clarify", "text": "Did you mean:", "buttons": options}], question="how long"
    )
    alex, _ = signed_in(accounts, "alex")
    t = alex.get(f"/api/staff/conversations/{cid}").json()
    assert t["title"] == "“how long”" and t["messages"][-1]["buttons"] == options


def test_closed_conversations_are_found_by_candidate_id_or_words(accounts):
    cid = f"h-{uuid.uuid4().hex[:10]}"
    conversations.candidate_message(cid, "My relocation to Dublin", "demo-dora")
    accounts.post("/api/internal/handoff", json={"conversation_id": cid}, headers=SERVICE)
    alex, csrf = signed_in(accounts, "alex")
    alex.post(f"/api/staff/conversations/{cid}/claim", headers=csrf)
    alex.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Relocation 100% covered"}, headers=csrf)
    open_one = queued(accounts)  # still waiting: not history
    assert [h["conversation_id"] for h in alex.get("/api/staff/history", params={"q": "dublin"}).json()] == []
    alex.post(f"/api/staff/conversations/{cid}/close", headers=csrf)
    [found] = alex.get("/api/staff/history", params={"q": "DUBLIN"}).json()
    assert found["conversation_id"] == cid and found["match"] == "My relocation to Dublin"
    assert [h["conversation_id"] for h in alex.get("/api/staff/history", params={"q": "demo-dora"}).json()] == [cid]
    assert [h["conversation_id"] for h in alex.get("/api/staff/history", params={"q": "100%"}).json()] == [cid]
    assert open_one not in [
        h["conversation_id"] for h in alex.get("/api/staff/history", params={"q": "interview"}).json()
    ]
    for bad in ("x", "  ", "y" * 101, "\x1d\u00b0"):  # the last: two characters, one visible
        r = alex.get("/api/staff/history", params={"q": bad})
        assert r.status_code == 422 and "q" in r.json()["detail"], r.text
    assert TestClient(accounts.app).get("/api/staff/history", params={"q": "dublin"}).status_code == 401


def test_the_history_search_accepts_exactly_what_its_documented_pattern_allows(accounts):
    """The OpenAPI pattern (ECMA regex) and the endpoint's check are one: white space and invisible
    characters differ between ECMA's \\s and Python's, so both use api/limits.py's HAS_TEXT."""
    import re

    from api.handoff.router import SEARCHABLE

    alex, _ = signed_in(accounts, "alex")
    spec = alex.get("/openapi.json").json()["paths"]["/api/staff/history"]["get"]["parameters"]
    (q,) = [p for p in spec if p["name"] == "q"]
    assert q["schema"]["pattern"] == SEARCHABLE
    for text in ("\x1d\u00b0", "a\ufeff", "\u00a0ab", "ab", "a\nb", "\u200b\u200bx"):
        status = alex.get("/api/staff/history", params={"q": text}).status_code
        assert status == (200 if re.search(SEARCHABLE, text) else 422), repr(text)


def test_saved_replies_are_shared_and_checked(accounts):
    alex, a_csrf = signed_in(accounts, "alex")
    bo, b_csrf = signed_in(accounts, "bo")
    title = f"Greeting {uuid.uuid4().hex[:6]}"
    r = alex.post("/api/staff/replies", json={"title": title, "text": "Hi, thanks for waiting."}, headers=a_csrf)
    assert r.status_code == 201 and r.json()["created_by"] == "alex"
    assert title in [s["title"] for s in bo.get("/api/staff/replies").json()]
    again = bo.post("/api/staff/replies", json={"title": title.upper(), "text": "other"}, headers=b_csrf)
    assert again.status_code == 409 and "another title" in again.json()["detail"]
    empty = bo.post("/api/staff/replies", json={"title": "\u200b ", "text": "x"}, headers=b_csrf)
    assert empty.status_code == 422 and empty.json()["detail"].startswith("title:")
    long = bo.post("/api/staff/replies", json={"title": "t", "text": "x" * 2001}, headers=b_csrf)
    assert long.status_code == 422 and long.json()["detail"].startswith("text:")
    assert bo.post("/api/staff/replies", json={"title": "t", "text": "x"}).status_code == 403  # no CSRF
    assert bo.delete(f"/api/staff/replies/{r.json()['id']}", headers=b_csrf).status_code == 204
    gone = bo.delete(f"/api/staff/replies/{r.json()['id']}", headers=b_csrf)
    assert gone.status_code == 404 and "reload" in gone.json()["detail"]
    writer, _ = signed_in(accounts, "wendy")
    assert writer.get("/api/staff/replies").status_code == 403
