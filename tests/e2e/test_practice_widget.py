"""Interview practice in the widget, in Debian's Chromium against the real stack: the note before
the first question, the question, the feedback as a list, try again with the comparison, stop;
accessibility (axe-core) and screenshots under var/screenshots/."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_browser import ask, open_chat

SHOTS = ROOT / "var" / "screenshots"
# No task and no result, told with "we". (One sentence "We wrote ready replies and we moved someone to the early
# shift." ends the answer like an outcome to the model trained on four authors' answers: a 34 % chance of the
# result, over the 30 % that makes a last sentence the result; cross-validation keeps 30 %.)
WEAK = (
    "Our team's support queue was full every Monday. We wrote ready replies. We also moved someone to the early shift."
)
STORY = (
    "Last spring the support queue at our shop was always full on Monday mornings. "
    "My manager asked me to get replies out faster. "
    "I read a month of tickets and found that five questions made up half of them. "
    "I wrote a ready reply for each of the five and moved one person to the early shift. "
    "Within three weeks the Monday queue was cleared by 11 am instead of 4 pm."
)


def test_practising_an_answer_in_the_widget(stack, page: Page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_chat(page, stack.api_url)
    page.get_by_role("button", name="Practise an interview answer").click()

    note = page.locator("li.practice-note")
    expect(note).to_contain_text("kept only in this conversation")
    question = page.get_by_role("group", name="Interview practice").last
    expect(question).to_contain_text("Practice question (")
    expect(question.get_by_role("button", name="Pick a principle")).to_be_visible()

    ask(page, WEAK)
    feedback = page.get_by_role("group", name="Feedback on your answer").last
    expect(feedback).to_contain_text("Result: not found.")
    expect(feedback.locator("ul.practice-list li").first).to_contain_text("Situation:")
    page.screenshot(path=str(SHOTS / "practice-feedback.png"))

    feedback.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("group", name="Interview practice").last).to_contain_text("Try again (")
    ask(page, STORY)
    second = page.get_by_role("group", name="Feedback on your answer").nth(1)
    expect(second).to_contain_text("Compared with your last attempt")
    expect(second).to_contain_text("Measurable result: yes")
    expect(page.locator("li.practice-note")).to_have_count(1)  # said once, before the first question
    page.screenshot(path=str(SHOTS / "practice-try-again.png"))

    result = Axe().run(page)
    serious = [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []

    second.get_by_role("button", name="Stop practising").click()
    expect(page.locator("li.msg.chitchat").last).to_contain_text("Practice stopped")
