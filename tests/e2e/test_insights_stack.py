"""Metrics and the insights dashboard against the real stack (Rasa, action server, API): /metrics
moves by exactly what the chat API returned, and the dashboard renders real data in Chromium."""

from __future__ import annotations

import re
import uuid
from collections import Counter

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import ROOT, add_account

SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "insights staff password"
SCRIPT = [
    ["How long does the work sample simulation take?", "What does a bar raiser do?", "thanks"],
    ["hello", "Can I bring my dog to the office?", "I want to talk to a human", "Are you still there?"],
    ["How many steps are in the hiring process?", "how long does each one take"],
]


def scrape(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = http.get("/metrics")
    assert r.status_code == 200, r.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def moved(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


@pytest.fixture(scope="module")
def chatted(stack):
    """The scripted conversations, sent through POST /api/chat, with /metrics scraped before and after."""
    with httpx.Client(base_url=stack.api_url, timeout=60) as http:
        before = scrape(http)
        kinds: Counter[str] = Counter()
        accepted = 0
        bot_turns = 0
        rated = None
        for messages in SCRIPT:
            cid = f"ins-{uuid.uuid4().hex[:10]}"
            with_a_person = False  # after a hand-off the bot stays silent: nothing goes to Rasa
            for text in messages:
                r = http.post("/api/chat", json={"conversation_id": cid, "message": text})
                assert r.status_code == 200, r.text
                body = r.json()
                accepted += 1
                bot_turns += not with_a_person
                with_a_person = with_a_person or any(x["kind"] == "handoff" for x in body["replies"])
                kinds.update(reply["kind"] for reply in body["replies"])
                answer = next((x for x in body["replies"] if x["kind"] == "answer"), None)
                if rated is None and answer:
                    rated = (cid, answer["id"])
        assert rated is not None
        r = http.post(f"/api/conversations/{rated[0]}/feedback", json={"message_id": rated[1], "helpful": False})
        assert r.status_code == 204
        assert http.post("/api/chat", json={"conversation_id": "x", "message": ""}).status_code == 422
        after = scrape(http)
    return before, after, kinds, accepted, bot_turns


def test_the_counters_move_by_exactly_what_the_chat_api_returned(chatted):
    before, after, kinds, accepted, bot_turns = chatted
    assert moved(before, after, "assistant_chat_messages_total") == accepted
    for kind in ("answer", "clarify", "fallback", "chitchat", "verify", "status", "handoff", "human", "error"):
        assert moved(before, after, "assistant_replies_total", kind=kind) == kinds[kind], kind
    assert kinds["handoff"] == 1 and kinds["answer"] >= 2
    assert moved(before, after, "assistant_handoffs_total", hours="on_duty") == kinds["handoff"]
    assert moved(before, after, "assistant_feedback_total", rating="down") == 1
    assert moved(before, after, "assistant_rejected_requests_total", reason="422") == 1
    # Every request that reached the chat endpoint was timed (the 422 was refused before it).
    assert moved(before, after, "assistant_chat_seconds_count") == accepted
    # After the hand-off the bot stays silent: those messages never went to the dialogue tier.
    assert moved(before, after, "assistant_dialogue_seconds_count") == bot_turns < accepted
    assert moved(before, after, "assistant_search_seconds_count") >= kinds["answer"]
    assert after[("assistant_queue_waiting", ())] >= 1
    assert after[("assistant_knowledge_sections", ())] > 0


@pytest.fixture(scope="module")
def staff_page(stack, browser: Browser):
    add_account(stack, "ines", "staff", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{stack.api_url}/staff/login")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff")
    yield page
    context.close()


@pytest.mark.browser
def test_the_dashboard_renders_real_data_on_desktop_and_phone_and_axe_finds_nothing(stack, chatted, staff_page):
    page = staff_page
    data = page.request.get(f"{stack.api_url}/api/insights?period=today").json()
    assert data["handoffs"]["conversations"] >= len(SCRIPT) and data["handoffs"]["handed_off"] >= 1
    page.goto(f"{stack.api_url}/staff/insights")
    page.get_by_label("Period", exact=True).select_option("today")
    page.get_by_role("button", name="Show").click()
    # The page first shows its default period (7 days, daily); wait for today's answer (hourly) before
    # reading anything, or equal counts in both periods let the checks pass on the first answer.
    expect(page.locator("#period-label")).to_contain_text("hourly")
    cards = page.locator("#summary")
    expect(cards).to_contain_text("Conversations")
    conversations = page.locator("#summary div", has_text="Conversations").locator("dd")
    expect(conversations).to_have_text(str(data["handoffs"]["conversations"]))
    expect(page.locator("#kinds-table tbody tr", has_text="Answer")).to_have_count(1)  # in a closed <details>
    expect(page.locator("#sections-table tbody tr").first.get_by_role("link")).to_have_attribute(
        "href", data["sections"][0]["preview"]
    )
    expect(page.locator("#unanswered-table tbody tr", has_text="dog")).to_have_count(1)
    for canvas in ("volume-chart", "kinds-chart", "containment-chart", "sections-chart", "unanswered-chart"):
        box = page.locator(f"#{canvas}").bounding_box()
        assert box and box["height"] > 100, canvas
    assert page.evaluate("() => !!window.Chart && Object.keys(window.Chart.instances).length >= 4")
    timeline_csv = page.locator("a.csv[data-chart=timeline]").first
    expect(timeline_csv).to_have_attribute("href", re.compile(r"^/api/insights/timeline\.csv\?period=today"))
    href = timeline_csv.get_attribute("href") or ""
    csv = page.request.get(stack.api_url + href)
    assert csv.status == 200 and csv.text().startswith('"bucket"')

    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "insights-desktop.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    expect(page.locator("#summary dd").first).not_to_be_empty()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1  # nothing wider than the phone's screen
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.screenshot(path=str(SHOTS / "insights-phone.png"), full_page=True)


def test_the_dashboard_data_needs_a_signed_in_account(stack):
    with httpx.Client(base_url=stack.api_url, timeout=30) as http:
        assert http.get("/api/insights").status_code == 401
        assert http.get("/api/insights/timeline.csv").status_code == 401


@pytest.mark.browser
def test_a_rated_sections_link_previews_it_on_the_writers_page(stack, chatted, staff_page):
    page = staff_page
    section = page.request.get(f"{stack.api_url}/api/insights?period=today").json()["sections"][0]
    page.goto(stack.api_url + section["preview"])
    expect(page.get_by_label("Question", exact=True)).to_have_value(section["section"].split("#", 1)[1])
    expect(page.locator("#decision")).to_contain_text("Decision:")
