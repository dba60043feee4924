"""The writers' page in Debian's Chromium against the real stack (#17): the unanswered list without
junk, grouped with counts, human dates and a Preview; dismiss and "answered by <section>" (which
writes the wording into the knowledge file); long and combining text clamped; no status request
every 5 s; axe-core and screenshots at 1366x900 and 390x844."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT, add_account

SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "writers page password"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TAG = uuid.uuid4().hex[:5]
STACKED = "Z" + "\u0301\u0302\u0303" * 60 + f" accents {TAG}?"
JUNK = ["<b>bold</b> hello", "SELECT * FROM users", "😀😀😀😀😀😀", "=SUM(A1:A2)", "lorem ipsum " * 60]


@pytest.fixture(scope="module")
def writer(stack):
    add_account(stack, "wilda", "writer", PASSWORD)
    http = httpx.Client(base_url=stack.api_url, timeout=30)
    for question in (
        "what's the salary for this job?",
        "how much does this role pay?",
        "How much vacation do employees get?",
        STACKED,
        *JUNK,
    ):
        cid = f"e2e-w-{uuid.uuid4().hex[:8]}"
        r = http.post("/api/chat", json={"conversation_id": cid, "message": question})
        assert r.status_code == 200, r.text
    http.close()
    return "wilda"


def sign_in(browser: Browser, stack, size=DESKTOP) -> Page:
    page = browser.new_context(viewport=size).new_page()
    page.goto(f"{stack.api_url}/staff/login")
    page.get_by_label("Username").fill("wilda")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/staff/login"))
    if not page.url.endswith("/writers"):
        page.goto(f"{stack.api_url}/writers")
    expect(page.locator("#unanswered li").first).to_be_visible()
    return page


def serious(page: Page) -> list[str]:
    result = Axe().run(page)
    return [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def group(page: Page, text: str):
    return page.locator("#unanswered li.group", has_text=text)


def test_the_list_groups_questions_folds_junk_and_says_when(stack, browser: Browser, writer):
    page = sign_in(browser, stack)
    pay = group(page, "salary for this job").or_(group(page, "how much does this role pay"))
    expect(pay).to_have_count(1)
    expect(pay).to_contain_text(re.compile(r"\d+ times · last seen (just now|\d+ min ago)"))
    expect(pay.get_by_text(re.compile(r"Also asked as \(\d+\)"))).to_be_visible()
    for junk in JUNK:
        expect(page.locator("#unanswered", has_text=junk.strip()[:15])).to_have_count(0)
    expect(page.locator("#junk-summary")).to_contain_text("folded away as junk")
    # A stack of accents stays inside its line: clamped, not drawn down the page.
    stacked = group(page, f"accents {TAG}").locator(".example")
    box = stacked.bounding_box()
    assert box and box["height"] < 100, box
    page.get_by_role("button", name=re.compile("^Preview: (what's the salary|how much does this role pay)")).click()
    decision = page.locator("#decision")
    expect(decision).to_contain_text("Decision: fallback")
    expect(decision).to_contain_text(re.compile(r"best score \d\.\d\d \(answers from \d\.\d\d\)"))
    expect(decision).to_contain_text("refused: ")


def test_the_page_does_not_ask_for_the_status_every_few_seconds(stack, browser: Browser, writer):
    page = sign_in(browser, stack)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/knowledge/" in r.url else None)
    time.sleep(7)
    assert [u for u in asked if "/status" in u or "/unanswered" in u] == []


def test_dismiss_and_answered_by_a_section(stack, browser: Browser, writer):
    page = sign_in(browser, stack)
    stacked = group(page, f"accents {TAG}")
    stacked.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(stacked).to_have_count(0)
    expect(page.locator("#unanswered-state")).to_contain_text("Dismissed")
    knowledge = ROOT / "knowledge" / "phone-interview.md"
    before = knowledge.read_bytes()
    try:
        vacation = group(page, "How much vacation do employees get?")
        vacation.get_by_role("button", name="Answered by a section…").click()
        vacation.get_by_label("Section that answers it").select_option(
            "phone-interview#what-the-phone-interview-covers"
        )
        vacation.get_by_role("button", name="Add as an example question").click()
        expect(page.locator("#unanswered-state")).to_contain_text(
            "to the example questions in knowledge/phone-interview.md"
        )
        assert "- How much vacation do employees get?\n-->" in knowledge.read_text()
    finally:
        knowledge.write_bytes(before)
    page.reload()
    expect(page.locator("#unanswered li").first).to_be_visible()
    expect(group(page, f"accents {TAG}")).to_have_count(0)  # both stay off the list
    expect(group(page, "How much vacation do employees get?")).to_have_count(0)
    page.get_by_role("button", name="Reload knowledge now").click()  # the file as it was


@pytest.mark.parametrize(("name", "size"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_writers_page_at_both_sizes_axe_clean_with_screenshots(stack, browser: Browser, writer, name, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = sign_in(browser, stack, size)
    expect(page.locator("#grounding-summary")).to_contain_text("sentences against", timeout=60_000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    assert serious(page) == []
    page.screenshot(path=str(SHOTS / f"writers-{name}.png"), full_page=True)
    page.context.close()
