"""The candidate's side of the hand-off in Debian's Chromium against the real stack (#17): the loop
closes (joined, handed back, closed), unseen messages badge the launcher and the tab title, start
over while waiting asks and leaves the queue, clicks show as titles after a reload, the typing
indicator, the multi-line input and its counter, touch targets on a phone, ratings after a reload;
axe-core and screenshots at 1366x900 and 390x844."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT, add_account
from tests.e2e.test_browser import ask, open_chat

SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "widget staff password"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def staff(stack):
    """A signed-in staff member's API session (the console's calls), as `quinn`."""
    add_account(stack, "quinn", "staff", PASSWORD)
    client = httpx.Client(base_url=stack.api_url, timeout=30)
    r = client.post("/api/staff/login", json={"username": "quinn", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    yield client
    client.close()


QUEUED: list[str] = []


@pytest.fixture(autouse=True)
def leave_the_queue_empty(stack):
    """Other tests on this stack pick "I want to talk to a human" from the queue: leave none behind."""
    yield
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        for cid in QUEUED:
            client.post(f"/api/conversations/{cid}/withdraw")
    QUEUED.clear()


def conversation_of(page: Page) -> str:
    return page.evaluate("() => localStorage.getItem('ca-conversation-id')")


def ask_for_a_person(page: Page) -> str:
    ask(page, "I want to talk to a human")
    expect(page.locator("li.msg.handoff").last).to_contain_text("queue")
    expect(page.locator("p.state")).to_contain_text("Waiting for a person")
    QUEUED.append(conversation_of(page))
    return QUEUED[-1]


def serious(page: Page) -> list[str]:
    result = Axe().run(page)
    return [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def test_the_candidate_sees_who_joined_handed_back_and_closed(stack, page: Page, staff):
    open_chat(page, stack.api_url)
    cid = ask_for_a_person(page)
    assert staff.post(f"/api/staff/conversations/{cid}/claim").status_code == 204
    joined = page.locator("li.msg.notice", has_text="quinn from the support team joined.")
    expect(joined).to_be_visible()
    assert joined.evaluate("li => getComputedStyle(li).color") == "rgb(22, 25, 31)"  # news, not an error
    expect(page.locator("p.state")).to_have_text("You are chatting with a person.")
    assert staff.post(f"/api/staff/conversations/{cid}/handback").status_code == 204
    expect(page.locator("li.msg.notice", has_text="quinn handed you back to the assistant.")).to_be_visible()

    page.get_by_role("button", name="Start over").click()  # back with the bot: no question asked
    cid = ask_for_a_person(page)
    staff.post(f"/api/staff/conversations/{cid}/claim")
    assert staff.post(f"/api/staff/conversations/{cid}/close").status_code == 204
    closed = page.locator("li.msg.notice", has_text="This conversation was closed. Anything else?")
    expect(closed).to_be_visible()
    page.reload()  # stored, so still there after a reload
    expect(closed).to_be_visible()


def test_a_reply_while_the_panel_is_closed_badges_the_launcher_and_the_title(stack, page: Page, staff):
    open_chat(page, stack.api_url)
    cid = ask_for_a_person(page)
    staff.post(f"/api/staff/conversations/{cid}/claim")
    expect(page.locator("li.msg.notice")).to_be_visible()
    page.get_by_role("button", name="Close the chat").click()
    # The tab goes to the background (as when the candidate switches tabs).
    page.evaluate(
        "() => { Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )
    title = page.title()
    for n, text in enumerate(("Hi, Quinn here.", "Are you still there?"), start=1):
        staff.post(f"/api/staff/conversations/{cid}/messages", json={"text": text})
        launcher = page.get_by_role("button", name=f"({n} new message")
        expect(launcher).to_be_visible()
        expect(page).to_have_title(f"({n}) {title}")
    page.evaluate(
        "() => { Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )
    expect(page).to_have_title(title)
    page.get_by_role("button", name="Questions? Chat with us").click()
    expect(page.get_by_role("button", name="new message")).to_have_count(0)
    expect(page.locator("li.msg.human", has_text="Are you still there?")).to_be_visible()


def test_start_over_while_waiting_asks_and_leaves_the_queue(stack, page: Page, staff):
    open_chat(page, stack.api_url)
    cid = ask_for_a_person(page)
    page.get_by_role("button", name="Start over").click()
    expect(page.get_by_role("group", name="Start over?")).to_be_visible()
    page.get_by_role("button", name="Keep waiting").click()
    expect(page.locator("li.msg.handoff")).to_be_visible()  # nothing lost
    assert cid in [q["conversation_id"] for q in staff.get("/api/staff/queue").json()]
    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Leave the queue and start over").click()
    expect(page.locator("li.msg.user")).to_have_count(0)
    assert conversation_of(page) != cid
    assert cid not in [q["conversation_id"] for q in staff.get("/api/staff/queue").json()]
    said = [m["text"] for m in staff.get(f"/api/staff/conversations/{cid}").json()["messages"]]
    assert said[-1] == "The candidate started over and left the queue."


def test_a_button_click_shows_its_title_after_a_reload_and_to_staff(stack, page: Page, staff):
    open_chat(page, stack.api_url)
    ask(page, "how long does each one take")
    choice = "How long the work sample simulation takes"
    page.locator("li.msg.clarify").last.get_by_role("button", name=choice).click()
    expect(page.locator("li.msg.answer").last).to_contain_text("20-60 minutes")
    page.get_by_role("button", name="Talk to a person").first.click()
    expect(page.locator("li.msg.handoff").last).to_be_visible()
    QUEUED.append(conversation_of(page))
    page.reload()
    expect(page.locator("li.msg.user", has_text=choice)).to_be_visible()
    expect(page.locator("li.msg.user", has_text="Talk to a person")).to_be_visible()
    expect(page.locator("li.msg.user", has_text="/")).to_have_count(0)
    cid = conversation_of(page)
    staff_view = staff.get(f"/api/staff/conversations/{cid}").json()["messages"]
    assert [m["text"] for m in staff_view if m["sender"] == "candidate"][1:] == [choice, "Talk to a person"]
    [entry] = [q for q in staff.get("/api/staff/queue").json() if q["conversation_id"] == cid]
    assert entry["last_question"] == "how long does each one take"  # typed: a click is no question


def test_typing_stays_until_every_reply_is_in_and_replies_land_under_their_question(stack, page: Page):
    open_chat(page, stack.api_url)
    held: list = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)  # sent on after the second question has its reply

    page.route("**/api/chat", hold_the_first)
    ask(page, "What does a bar raiser do?")
    ask(page, "How long does the work sample simulation take?")
    status = page.locator("p.state")
    expect(page.locator("li.msg.answer", has_text="20-60 minutes")).to_be_visible()
    expect(status).to_have_text("The assistant is typing…")
    held[0].continue_()
    expect(page.locator("li.msg.answer")).to_have_count(2)
    expect(status).to_have_text("")
    texts = page.locator("ol.log > li").all_inner_texts()
    first = next(i for i, t in enumerate(texts) if t.startswith("What does a bar raiser do?"))
    assert "bar raiser" in texts[first + 1].lower() and "How long does the work sample" in texts[first + 2]


def test_the_input_takes_several_lines_and_warns_before_the_limit(stack, page: Page):
    open_chat(page, stack.api_url)
    box = page.get_by_label("Your question")
    box.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(box).to_have_value("first line\nsecond line")
    counter = page.locator("#ca-count")
    expect(counter).to_be_hidden()
    box.fill("x" * 1850)
    box.dispatch_event("input")
    expect(counter).to_have_text("1,850 of 2,000 characters")
    box.fill("y" * 2100)  # a paste over the limit is kept whole, not cut
    box.dispatch_event("input")
    expect(box).to_have_value("y" * 2100)
    expect(counter).to_contain_text("Too long by 100 characters")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    page.keyboard.press("Enter")
    expect(page.locator("li.msg.user")).to_have_count(0)
    box.fill("How long is the work style assessment?")
    box.dispatch_event("input")
    box.press("Enter")
    expect(page.locator("li.msg.answer").last).to_contain_text("10-20 minutes")
    expect(box).to_have_value("")


def test_ratings_survive_a_reload(stack, page: Page):
    open_chat(page, stack.api_url)
    ask(page, "What does a bar raiser do?")
    answer = page.locator("li.msg.answer").last
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "true")
    page.reload()
    answer = page.locator("li.msg.answer").last
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "false")


def test_on_a_phone_every_control_is_a_44px_target_and_the_status_reply_is_not_greyed(
    stack, browser: Browser, token_for
):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(stack.api_url)
    page.get_by_role("button", name="Questions? Chat with us").click()
    ok = page.get_by_role("button", name="OK", exact=True)
    style = ok.evaluate("b => getComputedStyle(b).backgroundColor")
    assert style not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")  # styled, not the browser's grey default
    boxes = [ok.bounding_box()]
    ok.click()
    page.evaluate("t => window.CandidateAssistant.setToken(t)", token_for("demo-ben"))
    ask(page, "where is my application?")
    status_reply = page.locator("li.msg.status").last
    expect(status_reply).to_contain_text("Data Engineer")
    colour, size = status_reply.evaluate("li => [getComputedStyle(li).color, getComputedStyle(li).fontSize]")
    assert colour == "rgb(22, 25, 31)" and size != "13.6px"  # the page's text colour, full size
    ask(page, "What does a bar raiser do?")
    answer = page.locator("li.msg.answer").last
    expect(answer).to_be_visible()
    for name in ("Start over", "Close the chat", "Send"):
        boxes.append(page.get_by_role("button", name=name, exact=True).bounding_box())
    boxes += [answer.get_by_role("button", name=n, exact=True).bounding_box() for n in ("Helpful", "Not helpful")]
    boxes += [b.bounding_box() for b in page.locator("li.msg .row button").all()]
    assert all(b and b["height"] >= 44 and b["width"] >= 44 for b in boxes), boxes
    page.context.close()


@pytest.mark.parametrize(("name", "size"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_axe_and_screenshots_of_the_hand_off_at_both_sizes(stack, browser: Browser, staff, name, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport=size).new_page()
    open_chat(page, stack.api_url)
    cid = ask_for_a_person(page)
    staff.post(f"/api/staff/conversations/{cid}/claim")
    staff.post(f"/api/staff/conversations/{cid}/messages", json={"text": "Hello, Quinn from recruiting here."})
    expect(page.locator("li.msg.human")).to_be_visible()
    page.get_by_label("Your question").fill("x" * 1900)
    page.get_by_label("Your question").dispatch_event("input")
    panel = page.get_by_role("dialog", name="Careers assistant")
    box = panel.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert serious(page) == []
    page.screenshot(path=str(SHOTS / f"widget-handoff-{name}.png"))
    page.get_by_role("button", name="Start over").click()
    expect(page.get_by_role("group", name="Start over?")).to_be_visible()
    assert serious(page) == []
    page.screenshot(path=str(SHOTS / f"widget-start-over-{name}.png"))
    page.context.close()
