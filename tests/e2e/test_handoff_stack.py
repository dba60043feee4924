"""Hand-off through the whole stack: the bot is silent while a person has the conversation."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import pytest

from tests.e2e.conftest import add_account

PASSWORD = "e2e staff password"


@pytest.fixture(scope="module")
def staff_accounts(stack):
    for name in ("sam", "kim"):
        add_account(stack, name, "staff", PASSWORD)
    return ("sam", "kim")


def sign_in(stack, name: str) -> tuple[httpx.Client, dict[str, str]]:
    browser = httpx.Client(base_url=stack.api_url, timeout=30)
    r = browser.post("/api/staff/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return browser, {"X-CSRF-Token": r.json()["csrf_token"]}


class Listener:
    """The candidate's open chat page: an SSE connection collecting events with their arrival time."""

    def __init__(self, url: str) -> None:
        self.events: list[tuple[float, str, dict]] = []
        self._thread = threading.Thread(target=self._run, args=(url,), daemon=True)
        self._thread.start()
        time.sleep(0.5)

    def _run(self, url: str) -> None:
        event = ""
        try:
            with httpx.stream("GET", url, timeout=None) as resp:
                for line in resp.iter_lines():
                    if line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        self.events.append((time.monotonic(), event, json.loads(line.split(":", 1)[1])))
        except httpx.HTTPError:
            return  # the API restarted under the page; a browser's EventSource would reconnect

    def wait_for(self, predicate, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ev in self.events:
                if predicate(ev):
                    return ev
            time.sleep(0.05)
        raise AssertionError(f"no matching event in {self.events}")


def chat(http, cid, message):
    r = http.post("/api/chat", json={"conversation_id": cid, "message": message})
    assert r.status_code == 200, r.text
    return r.json()


def test_hand_off_two_messages_each_way_and_hand_back(stack, http, staff_accounts):
    cid = f"e2e-h-{uuid.uuid4().hex[:8]}"
    first = chat(http, cid, "What's the salary for this job?")
    assert first["replies"][0]["kind"] == "fallback"
    listener = Listener(f"{stack.api_url}/api/conversations/{cid}/events")

    queued = chat(http, cid, "I'd like to talk to a human please")
    assert queued["mode"] == "waiting"
    assert [r["kind"] for r in queued["replies"]] == ["handoff"] and "queue" in queued["replies"][0]["text"]

    # While waiting the bot is silent, and the message is kept for staff.
    silent = chat(http, cid, "What does a bar raiser do?")
    assert silent == {"conversation_id": cid, "mode": "waiting", "replies": []}

    sam, sam_csrf = sign_in(stack, "sam")
    kim, kim_csrf = sign_in(stack, "kim")
    entry = next(q for q in sam.get("/api/staff/queue").json() if q["conversation_id"] == cid)
    assert entry["last_question"] == "What does a bar raiser do?"

    # Both claim at the same moment (threads, not asyncio: the browser tests' Playwright owns the loop).
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def claim(browser: httpx.Client, csrf: dict[str, str]) -> None:
        barrier.wait()
        codes.append(browser.post(f"/api/staff/conversations/{cid}/claim", headers=csrf).status_code)

    threads = [threading.Thread(target=claim, args=a) for a in ((sam, sam_csrf), (kim, kim_csrf))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [204, 409]
    owner, csrf = (
        (sam, sam_csrf) if sam.get(f"/api/staff/conversations/{cid}").json()["claimed_by"] == "sam" else (kim, kim_csrf)
    )

    transcript = owner.get(f"/api/staff/conversations/{cid}").json()
    senders = [m["sender"] for m in transcript["messages"]]
    assert senders[:4] == ["candidate", "bot", "candidate", "bot"] and senders[-2] == "candidate"
    # The candidate is told who joined (#17).
    assert (
        transcript["messages"][-1]["kind"] == "notice"
        and "from the support team joined" in transcript["messages"][-1]["text"]
    )

    for text in ("Hi, I'm from the recruiting team.", "Salary is discussed with your recruiter."):
        sent_at = time.monotonic()
        assert (
            owner.post(f"/api/staff/conversations/{cid}/messages", json={"text": text}, headers=csrf).status_code == 200
        )
        at, _, data = listener.wait_for(lambda ev, t=text: ev[1] == "message" and ev[2]["text"] == t)
        assert data["kind"] == "human" and at - sent_at < 1.0

    # A client that only polls gets both staff messages as kind `human`, once.
    polled = chat(http, cid, "Thanks! And when will I hear back?")
    assert polled["mode"] == "human"
    assert [r["kind"] for r in polled["replies"]] == ["notice", "human", "human"]
    assert chat(http, cid, "ok, one more thing")["replies"] == []

    texts = [m["text"] for m in owner.get(f"/api/staff/conversations/{cid}").json()["messages"]]
    assert texts[-2:] == ["Thanks! And when will I hear back?", "ok, one more thing"]

    # The API restarts mid-hand-off: nothing is lost.
    stack.stop(only=["api"])
    stack.start(only=["api"])
    stack.wait_ready(timeout=120)
    after = owner.get(f"/api/staff/conversations/{cid}").json()
    assert after["mode"] == "human" and [m["text"] for m in after["messages"]] == texts

    assert owner.post(f"/api/staff/conversations/{cid}/handback", headers=csrf).status_code == 204
    back = chat(http, cid, "How long is the work style assessment?")
    assert back["mode"] == "bot"
    kinds = [r["kind"] for r in back["replies"]]
    assert kinds[0] == "notice" and "handed you back to the assistant" in back["replies"][0]["text"]
    assert kinds[1] == "chitchat" and "Hi!" in back["replies"][1]["text"]  # the bot greets again
    assert kinds[-1] == "answer" and "10" in back["replies"][-1]["text"]


def test_two_unhelpful_answers_in_a_row_offer_a_person(http):
    cid = f"e2e-u-{uuid.uuid4().hex[:8]}"
    chat(http, cid, "What's the dress code at the office?")
    second = chat(http, cid, "How much vacation do employees get?")
    assert any(b["payload"] == "/request_human" for r in second["replies"] for b in r["buttons"])
