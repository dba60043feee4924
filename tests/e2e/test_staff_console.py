"""The staff console in Debian's Chromium against the real stack (#17): queue cards at a glance,
the transcript, working fast (multi-line reply, saved replies, shortcuts), the phone layout and
the history of closed conversations; axe-core and screenshots at 1366x900 and 390x844."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT, add_account

SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "console staff password"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
OPENED: list[tuple[str, dict[str, str]]] = []


@pytest.fixture(scope="module")
def staff_name(stack):
    add_account(stack, "nia", "staff", PASSWORD)
    return "nia"


@pytest.fixture(autouse=True)
def leave_the_queue_empty(stack):
    """Other tests on this stack pick conversations from the queue: leave none of these behind."""
    yield
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        for cid, headers in OPENED:
            client.post(f"/api/conversations/{cid}/withdraw", headers=headers)
    OPENED.clear()


def candidate(http, *messages: str, token: str | None = None) -> str:
    """A candidate's conversation through the real gateway, ending with a request for a person."""
    cid = f"e2e-con-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for text in (*messages, "/request_human"):
        r = http.post("/api/chat", json={"conversation_id": cid, "message": text}, headers=headers)
        assert r.status_code == 200, r.text
    assert r.json()["mode"] == "waiting"
    OPENED.append((cid, headers))
    return cid


def console(browser: Browser, stack, name: str, size=DESKTOP, init: str | None = None) -> Page:
    page = browser.new_context(viewport=size).new_page()
    if init:
        page.add_init_script(init)
    page.goto(f"{stack.api_url}/staff/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff$"))
    return page


def serious(page: Page) -> list[str]:
    result = Axe().run(page)
    return [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def claim_with_the_keyboard(page: Page) -> None:
    expect(page.get_by_role("button", name="Claim")).to_be_enabled()  # the transcript is in
    page.keyboard.press("Alt+C")
    expect(page.locator("#conv-meta")).to_contain_text("With you")


def card(page: Page, text: str):
    return page.locator("#queue .card", has_text=text)


# Records the tones the console plays instead of playing them.
FAKE_AUDIO = """
window.__tones = 0;
window.AudioContext = function () {
  return { currentTime: 0, destination: {},
    createOscillator: function () { return { frequency: {}, connect: function () {}, start: function () { window.__tones++; }, stop: function () {} }; },
    createGain: function () { return { gain: {}, connect: function () {} }; } };
};
"""


def test_queue_cards_show_title_question_wait_owner_sign_in_and_unread(
    stack, browser: Browser, http, staff_name, token_for
):
    page = console(browser, stack, staff_name, init=FAKE_AUDIO)
    expect(page.get_by_role("heading", name="Select a conversation")).to_be_visible()
    page.get_by_label("Sound when someone new waits").check()
    anonymous = candidate(http, "Can I reschedule my onsite interview?")
    signed_in = candidate(http, "Where is my application?", token=token_for("demo-cara"))
    first = card(page, "Can I reschedule my onsite interview?")
    expect(first).to_contain_text("Waiting under a minute")
    expect(first).to_contain_text("Anonymous")
    expect(first).to_contain_text("Asked: Can I reschedule my onsite interview?")
    expect(first).not_to_contain_text("/request_human")
    second = card(page, "Candidate demo-cara")
    expect(second).to_contain_text("Signed in")
    assert page.evaluate("() => window.__tones") >= 1
    # The candidate writes again while waiting: an unread count, and that card moves to the top.
    for text in ("Hello?", "Is anyone there?"):
        http.post("/api/chat", json={"conversation_id": anonymous, "message": text})
    expect(first.locator(".unread")).to_have_text("2 new")
    expect(page.locator("#queue .card").first).to_contain_text("Can I reschedule")
    expect(page).to_have_title(re.compile(r"^\(\d+\) Staff console"))
    first.click()
    claim_with_the_keyboard(page)
    expect(first).to_contain_text("With you")
    assert signed_in in [cid for cid, _ in OPENED]


def test_the_transcript_has_times_distinct_bubbles_options_sources_and_a_human_title(
    stack, browser: Browser, http, staff_name
):
    candidate(http, "how long does each one take", "What does a bar raiser do?")
    page = console(browser, stack, staff_name)
    card(page, "how long does each one take").click()
    expect(page.locator("#conv-title")).to_have_text("“how long does each one take”")
    expect(page.locator("#conv-meta")).to_contain_text("Waiting for a person · Anonymous visitor")
    expect(page.locator("#conv-meta")).not_to_contain_text("Mode")
    transcript = page.locator("#transcript")
    expect(transcript.locator("li.msg.bot", has_text="Did you mean")).to_contain_text("Options offered: ")
    expect(transcript.locator("li.msg.bot", has_text="Sources:").first).to_contain_text("What a bar raiser does")
    expect(transcript.locator("li.msg.candidate").last).to_contain_text("Talk to a person")  # the click, as words
    assert transcript.locator("time").count() == transcript.locator("li.msg").count()
    colours = {
        transcript.locator(f"li.msg.{who}").first.evaluate("li => getComputedStyle(li).backgroundColor")
        for who in ("candidate", "bot")
    }
    assert len(colours) == 2


def test_working_fast_shortcuts_multi_line_reply_and_saved_replies(stack, browser: Browser, http, staff_name):
    cid = candidate(http, "I need to change my interview time")
    page = console(browser, stack, staff_name)
    card(page, "I need to change my interview time").click()
    claim_with_the_keyboard(page)
    box = page.get_by_label("Reply to the candidate")
    box.fill("Hello!")
    box.press("Shift+Enter")
    box.press_sequentially("Two lines.")
    box.press("Enter")
    expect(page.locator("#transcript li.msg.staff")).to_contain_text("Hello!\nTwo lines.")
    # A saved reply for the team, then inserted from the picker with the keyboard alone.
    title = f"Reschedule {uuid.uuid4().hex[:4]}"
    page.keyboard.press("Alt+S")
    page.get_by_text("Add a saved reply").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text", exact=True).fill("Your recruiter will email you new times within a day.")
    page.get_by_role("button", name="Save reply").click()
    expect(page.get_by_role("button", name=f"Insert: {title}")).to_be_visible()
    expect(page.get_by_text("No saved reply matches.")).to_be_hidden()
    page.get_by_label("Find a saved reply").fill(title)
    page.get_by_label("Find a saved reply").press("Enter")
    expect(box).to_have_value("Your recruiter will email you new times within a day.")
    expect(box).to_be_focused()
    box.press("Enter")
    expect(page.locator("#transcript li.msg.staff").last).to_contain_text("new times within a day")
    page.keyboard.press("Alt+B")
    expect(page.locator("#transcript li.msg.notice").last).to_contain_text("handed you back")
    expect(page.locator("#readonly")).to_be_visible()
    # Close with the keyboard too.
    other = candidate(http, "Please close this one")
    card(page, "Please close this one").click()
    claim_with_the_keyboard(page)
    page.keyboard.press("Alt+X")
    expect(page.locator("#transcript li.msg.notice").last).to_contain_text("This conversation was closed")
    assert cid != other


def test_closed_conversations_are_found_again_read_only(stack, browser: Browser, http, staff_name):
    word = f"zebra{uuid.uuid4().hex[:5]}"
    cid = candidate(http, f"My badge number is {word}")
    page = console(browser, stack, staff_name)
    card(page, word).click()
    claim_with_the_keyboard(page)
    page.get_by_label("Reply to the candidate").fill("Thanks, noted.")
    page.get_by_label("Reply to the candidate").press("Enter")
    expect(page.locator("#transcript li.msg.staff")).to_be_visible()
    page.keyboard.press("Alt+X")
    expect(page.locator("#readonly")).to_be_visible()
    page.get_by_label("Find by candidate id or words").fill(word.upper())
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#find-state")).to_have_text("1 closed conversation")
    page.locator("#found .card").first.click()
    expect(page.locator("#transcript li.msg.staff")).to_contain_text("Thanks, noted.")
    expect(page.locator("#readonly")).to_be_visible()
    expect(page.get_by_label("Reply to the candidate")).to_be_hidden()
    expect(page.get_by_role("button", name="Claim")).to_be_hidden()
    page.get_by_label("Find by candidate id or words").fill("x")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#find-state")).to_contain_text("type 2-100 characters")
    assert cid


@pytest.mark.parametrize(("name", "size"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_console_at_both_sizes_axe_clean_with_screenshots(stack, browser: Browser, http, staff_name, name, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    candidate(http, f"Screenshot question on {name}", "What does a bar raiser do?")
    page = console(browser, stack, staff_name, size)
    expect(card(page, f"Screenshot question on {name}")).to_be_visible()
    assert serious(page) == []
    page.screenshot(path=str(SHOTS / f"staff-queue-{name}.png"), full_page=True)
    card(page, f"Screenshot question on {name}").click()
    claim_with_the_keyboard(page)
    page.get_by_role("button", name="Saved replies").click()
    transcript = page.locator("#transcript")
    box = transcript.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]  # on screen, not beside it
    if name == "phone":
        expect(page.locator("#queue")).to_be_hidden()  # one column: the conversation alone
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    assert serious(page) == []
    page.screenshot(path=str(SHOTS / f"staff-conversation-{name}.png"), full_page=True)
    if name == "phone":
        page.get_by_role("button", name="Back to the queue").click()
        expect(page.locator("#queue")).to_be_visible()
    page.context.close()
