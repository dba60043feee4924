"""The embeddable widget in Debian's Chromium against the real stack: buttons, reload, keyboard,
accessibility (axe-core), phone and desktop sizes, ratings and the unavailable notice."""

from __future__ import annotations

import re
import sqlite3

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_browser import ask, open_chat

SHOTS = ROOT / "var" / "screenshots"


def test_quick_reply_button_sends_its_question(stack, page: Page):
    open_chat(page, stack.api_url)
    page.get_by_role("button", name="How does the process work?").click()
    expect(page.locator("li.msg.answer").last).to_contain_text("four steps")


def test_did_you_mean_button_answers_the_chosen_section(stack, page: Page):
    open_chat(page, stack.api_url)
    # Two documents tie (within the clarify margin): the work style and the work sample durations.
    ask(page, "how long does each one take")
    clarify = page.locator("li.msg.clarify").last
    expect(clarify).to_contain_text("Did you mean")
    clarify.get_by_role("button", name="How long the work sample simulation takes").click()
    expect(page.locator("li.msg.answer").last).to_contain_text("20-60 minutes")


def test_a_reload_keeps_the_conversation(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "What is a bar raiser?")
    expect(page.locator("li.msg.answer").last).to_contain_text("bar raiser")
    page.reload()
    # The panel reopens and the conversation is still there (navigation between pages is the same).
    expect(page.locator("li.msg.user", has_text="What is a bar raiser?")).to_be_visible()
    expect(page.locator("li.msg.answer", has_text="bar raiser")).to_be_visible()


def test_start_over_begins_a_new_conversation(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "hello")
    expect(page.locator("li.msg.chitchat").nth(1)).to_be_visible()
    page.get_by_role("button", name="Start over").click()
    expect(page.locator("li.msg.user")).to_have_count(0)


def test_keyboard_only_use(stack, page: Page):
    page.goto(stack.api_url)
    launcher = page.get_by_role("button", name="Questions? Chat with us")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")  # focus is on the privacy notice's OK button
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.type("How long is the work style assessment?")
    page.keyboard.press("Enter")
    expect(page.locator("li.msg.answer").last).to_contain_text("10-20 minutes")
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_axe_finds_no_serious_violation_with_the_chat_open(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "What does a bar raiser do?")
    expect(page.locator("li.msg.answer").last).to_be_visible()
    result = Axe().run(page)
    serious = [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_thumbs_down_is_stored_with_question_section_and_index_version(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "How long does the work sample simulation take?")
    answer = page.locator("li.msg.answer").last
    answer.get_by_role("button", name="Not helpful").click()
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "true")
    with sqlite3.connect(stack.var_dir / "api.db") as db:
        question, sections, version, helpful = db.execute(
            "select question, sections, index_version, helpful from feedback order by id desc limit 1"
        ).fetchone()
    assert question == "How long does the work sample simulation take?" and not helpful
    assert "work-sample-simulation.md" in sections and len(version) == 12


def test_phone_and_desktop_screenshots(stack, browser: Browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 375, "height": 700})):
        page = browser.new_context(viewport=size).new_page()
        open_chat(page, stack.api_url)
        ask(page, "How many steps are in the hiring process?")
        expect(page.locator("li.msg.answer").last).to_be_visible()
        panel = page.get_by_role("dialog", name="Careers assistant")
        box = panel.bounding_box()
        assert box and box["width"] <= size["width"] and box["x"] >= 0  # fits the screen
        page.screenshot(path=str(SHOTS / f"widget-{name}.png"))
        page.context.close()


def test_too_many_messages_say_how_long_to_wait_and_keep_the_typed_text(limited_apis, page: Page):
    # A real 429 from an API process limited to 3 messages per 30 s per conversation.
    open_chat(page, limited_apis[0].api_url)
    questions = [
        "How long does the work sample simulation take?",
        "What does a bar raiser do?",
        "How many steps are in the hiring process?",
    ]
    for n, question in enumerate(questions, start=1):
        ask(page, question)
        expect(page.locator("li.msg.answer")).to_have_count(n)
    ask(page, "What is a bar raiser?")
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text(re.compile(r"Please wait \d+ seconds?, then send your message again"))
    expect(notice.get_by_role("button", name="Retry")).to_be_hidden()
    # Not sent: the text is back in the box and not shown as sent.
    expect(page.get_by_label("Your question")).to_have_value("What is a bar raiser?")
    expect(page.locator("li.msg.user", has_text="What is a bar raiser?")).to_have_count(0)
    expect(notice).to_contain_text("You can send your message again now", timeout=15_000)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("li.msg.answer")).to_have_count(4)
    expect(page.locator("li.msg.answer").last).to_contain_text("bar raiser")
    expect(notice).to_be_hidden()


def test_assistant_unavailable_shows_a_notice_and_retry_works(stack, page: Page):
    open_chat(page, stack.api_url)
    stack.stop(only=["rasa"])
    try:
        ask(page, "What does a bar raiser do?")
        expect(page.get_by_role("alert")).to_contain_text("unavailable")
    finally:
        stack.start(only=["rasa"])
        stack.wait_ready(timeout=300)
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("li.msg.answer").last).to_contain_text("bar raiser")


def test_a_503_is_retried_by_itself_with_the_same_message_id_before_any_notice(stack, page: Page):
    open_chat(page, stack.api_url)
    sent: list[dict] = []

    def once_unavailable(route):
        sent.append(route.request.post_data_json)
        if len(sent) == 1:  # as when the Rasa instance died with the message
            route.fulfill(status=503, content_type="application/json", body='{"detail": "unavailable"}')
        else:
            route.continue_()

    page.route("**/api/chat", once_unavailable)
    ask(page, "What does a bar raiser do?")
    expect(page.locator("li.msg.answer").last).to_contain_text("bar raiser")
    expect(page.get_by_role("alert")).to_be_hidden()
    assert len(sent) == 2 and sent[0] == sent[1]  # the same message, with the same id
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", sent[0]["client_message_id"])
    page.unroute("**/api/chat")
    ask(page, "What is the STAR method?")
    expect(page.locator("li.msg.answer").last).to_contain_text("STAR")
    assert len(sent) == 2  # unrouted: the next message went straight through
