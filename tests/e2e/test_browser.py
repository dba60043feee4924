"""Real Chromium (Debian's, via Playwright) against the real stack: the chat page and the staff console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import add_account

PASSWORD = "browser staff password"


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your question").fill(text)
    page.get_by_role("button", name="Send").click()


def open_chat(page: Page, url: str) -> None:
    """The careers page with the widget: open it from the launcher and accept the privacy notice."""
    page.goto(url)
    page.get_by_role("button", name="Questions? Chat with us").click()
    ok = page.get_by_role("button", name="OK", exact=True)
    if ok.is_visible():
        ok.click()


def test_question_is_answered_with_its_source(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "How long does the work sample simulation take?")
    answer = page.locator("li.msg.answer").last
    expect(answer).to_contain_text("20-60 minutes")
    expect(answer.locator(".sources a")).to_contain_text("Work sample simulation")


def test_markup_in_a_message_is_shown_as_text(stack, page: Page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_chat(page, stack.api_url)
    ask(page, "<img src=x onerror=alert(1)>")
    expect(page.locator("li.msg.user").last).to_have_text("<img src=x onerror=alert(1)>")
    expect(page.locator("li.msg.fallback").last).to_be_visible()
    assert page.locator("li.msg img").count() == 0 and dialogs == []


@pytest.fixture(scope="module")
def staff_account(stack):
    add_account(stack, "robin", "staff", PASSWORD)
    return "robin"


def test_hand_off_between_a_candidate_page_and_the_staff_console(stack, browser: Browser, staff_account):
    candidate = browser.new_context().new_page()
    staff = browser.new_context().new_page()

    open_chat(candidate, stack.api_url)
    ask(candidate, "I want to talk to a human")
    expect(candidate.locator("li.msg.handoff")).to_contain_text("queue")

    staff.goto(f"{stack.api_url}/staff/login")
    staff.get_by_label("Username").fill(staff_account)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff).to_have_url(re.compile(r"/staff$"))
    staff.locator("#queue button", has_text="I want to talk to a human").first.click()
    staff.get_by_role("button", name="Claim").click()
    expect(staff.locator("#conv-meta")).to_contain_text("With you")

    for text in ("Hello, this is Robin from recruiting.", "How can I help?"):
        staff.get_by_label("Reply to the candidate").fill(text)
        staff.get_by_role("button", name="Send").click()
        # Live over Server-Sent Events: no reload, no new message from the candidate.
        expect(candidate.locator("li.msg.human", has_text=text)).to_be_visible(timeout=2000)
    expect(candidate.locator("li.msg.human .who").first).to_have_text("Support team (a person)")

    for text in ("I have a question about my interview date.", "It's next Tuesday."):
        ask(candidate, text)
        expect(staff.locator("#transcript li.candidate", has_text=text)).to_be_visible(timeout=3000)
    assert candidate.locator("li.msg.answer").count() == 0  # the bot stayed silent

    staff.get_by_role("button", name="Hand back to the bot").click()
    expect(candidate.locator("li.msg.chitchat", has_text="careers assistant")).to_be_visible(timeout=3000)
    ask(candidate, "What does a bar raiser do?")
    expect(candidate.locator("li.msg.answer").last).to_contain_text("bar raiser")
