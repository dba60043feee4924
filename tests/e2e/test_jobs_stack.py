"""Job search through the real stack: the demo feed `make run` imports, GET /api/jobs with exact
filters, the chat's job search and its follow-ups, and the widget's job cards in Chromium (axe)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_browser import ask as type_in
from tests.e2e.test_browser import open_chat

SHOTS = ROOT / "var" / "screenshots"


def test_the_demo_jobs_are_served(http):
    body = http.get("/api/jobs", params={"limit": 5}).json()
    assert body["total"] == 300 and len(body["jobs"]) == 5
    assert all(
        j["id"].startswith("demo:") and j["url"].startswith("https://careers.example.com/") for j in body["jobs"]
    )


def test_api_filters_are_exact(http):
    for params, check in (
        ({"q": "data engineer", "location": "Seattle"}, lambda j: any("Seattle" in p for p in j["locations"])),
        ({"location": "NYC"}, lambda j: any("New York" in p for p in j["locations"])),
        ({"remote": "true"}, lambda j: j["workplace"] == "remote"),
        ({"employment_type": "INTERN"}, lambda j: j["employment_type"] == "INTERN"),
    ):
        body = http.get("/api/jobs", params={**params, "limit": 100}).json()
        assert body["total"] > 0 and all(check(j) for j in body["jobs"]), params
    assert http.get("/api/jobs", params={"q": "pastry chef"}).json()["total"] == 0


def test_chat_job_search_follow_up_more_and_nothing_found(ask):
    first = ask("any data engineer jobs in Seattle?")["replies"][0]
    assert first["kind"] == "jobs" and first["text"].startswith("I found")
    assert first["jobs"] and all("Seattle" in j["place"] for j in first["jobs"])
    assert first["jobs"][0]["title"] == "Data Engineer"
    assert {"Refine the search", "Get job alerts"} <= {b["title"] for b in first["buttons"]}

    dublin = ask("what about in Dublin?")["replies"][0]
    assert dublin["kind"] == "jobs" and "in Dublin" in dublin["text"]
    assert dublin["jobs"] and all("Dublin" in j["place"] for j in dublin["jobs"])
    assert all("Data" in j["title"] for j in dublin["jobs"])

    interns = ask("internships for students")["replies"][0]
    assert interns["kind"] == "jobs" and len(interns["jobs"]) == 5
    assert all(j["type"] == "Internship" for j in interns["jobs"])
    more = ask("/more_jobs")["replies"][0]
    assert more["kind"] == "jobs" and more["text"].startswith("Here are 5 more")
    assert {j["id"] for j in more["jobs"]}.isdisjoint({j["id"] for j in interns["jobs"]})

    remote = ask("remote roles in security")["replies"][0]
    assert remote["jobs"] and all("Remote" in j["place"] for j in remote["jobs"])

    none = ask("any pastry chef jobs?")["replies"][0]
    assert none["kind"] == "jobs" and none["jobs"] == [] and "couldn't find" in none["text"]
    assert [b["title"] for b in none["buttons"]] == ["Get job alerts"]


def test_a_question_taken_for_a_job_search_that_no_job_matches_is_answered_from_the_knowledge(ask):
    # NLU hears a job search in "any framework you'd recommend..."; no job has those words, no place
    # was named, and the knowledge answers it (about telling failures), so that is the reply.
    reply = ask("any framework you'd recommend for talking about past projects and mistakes?")["replies"][0]
    assert reply["kind"] == "answer" and reply["sources"] and reply["jobs"] == []


def test_a_question_about_searching_gets_the_answer_and_the_jobs(ask):
    # How the careers site is searched (the hiring page, with its source), then the jobs it asks for.
    replies = ask("can i search jobs by location? i only want data engineer stuff near seattle")["replies"]
    assert [r["kind"] for r in replies] == ["answer", "jobs"]
    assert replies[0]["sources"] and "location" in replies[0]["text"].lower()
    assert replies[1]["jobs"] and all("Seattle" in j["place"] for j in replies[1]["jobs"])


def test_a_role_named_after_the_status_answer_says_which_portal_is_the_candidates(ask, http):
    where = ask("where can i check my application status")["replies"][0]
    assert where["kind"] == "answer" and where["sources"][0]["path"] == "knowledge/application-status.md"
    [which] = ask("im applying for a hardware engineering role in seattle")["replies"]
    assert which["kind"] == "answer" and which["sources"][0]["path"] == "knowledge/application-status.md"
    assert "all other roles" in which["text"] or "second link" in which["text"]
    # Asking for listings is still a search.
    assert ask("any hardware engineering jobs in seattle?")["replies"][0]["kind"] == "jobs"


def test_asking_when_internships_open_is_refused_not_answered_with_todays_listings(ask):
    # NLU hears a job search; the page states no opening dates: the refusal with the offer of a person.
    [reply] = ask("when do summer internship apps open")["replies"]
    assert reply["kind"] == "fallback" and reply["jobs"] == []
    # Asking for the internships open now is still a search.
    assert ask("show me internships")["replies"][-1]["kind"] == "jobs"


def test_job_cards_are_a_list_of_links_with_no_serious_axe_violation(stack, browser: Browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 375, "height": 700})):
        page: Page = browser.new_context(viewport=size).new_page()
        open_chat(page, stack.api_url)
        type_in(page, "any data engineer jobs in Seattle?")
        cards = page.get_by_role("list", name="Jobs").last
        expect(cards).to_be_visible()
        expect(cards.get_by_role("listitem").first).to_contain_text("Data Engineer")
        apply = cards.get_by_role("link", name="Apply: Data Engineer, Seattle, WA, United States · Hybrid")
        expect(apply).to_have_attribute("href", "https://careers.example.com/jobs/demo-00001/apply")
        expect(cards.get_by_role("link", name="Data Engineer", exact=True)).to_have_attribute(
            "href", "https://careers.example.com/jobs/demo-00001"
        )
        page.screenshot(path=str(SHOTS / f"jobs-{name}.png"))
        # The widget (its shadow root included), not the demo careers page that hosts it: at phone
        # width that page's code sample scrolls sideways, which axe reports.
        result = Axe().run(page, context={"include": [["#candidate-assistant"]]})
        serious = [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (name, [v["nodes"][0]["target"] for v in result.response["violations"]])
        assert result.response["passes"], "axe checked nothing"
        page.context.close()


def test_a_question_where_the_address_was_asked_for_ends_the_sign_up_and_is_answered(ask):
    """A question is not an address: the sign-up (maybe started by a misread message) ends, the question
    is answered, and the next messages are not taken as an address either."""
    ask("any data engineer jobs in Seattle?")
    assert "email address" in ask("/join_talent_community")["replies"][-1]["text"]
    replies = ask("wait, what does a bar raiser do?")["replies"]
    assert replies[0]["kind"] == "answer" and "bar raiser" in replies[0]["text"].lower()
    assert all("email address" not in r["text"] for r in replies)
    after = ask("what's the dress code for the interviews?")["replies"]
    assert after[0]["kind"] == "fallback" and all("email address" not in r["text"] for r in after)


def test_a_question_about_the_talent_community_is_answered_before_the_address_is_asked_for(ask):
    replies = ask("how do i join the talent community thing")["replies"]
    # What the page says of the AWS Talent Network, with its source, then the sign-up's first question.
    assert [r["kind"] for r in replies] == ["answer", "chitchat"]
    assert "Talent Network" in replies[0]["text"] and replies[0]["sources"]
    assert "email address" in replies[-1]["text"]
    assert "won't keep your address" in ask("no")["replies"][-1]["text"]  # "no" ends the sign-up
    # The button alone asks for the address.
    assert [r["kind"] for r in ask("/join_talent_community")["replies"]] == ["chitchat"]


def test_talent_community_sign_up_in_the_chat_and_the_emailed_confirmation(stack, ask, http):
    """Without CA_SMTP_URL (as `make run`) the confirmation email is written to var/outbox/."""
    import email
    import email.policy
    import re
    from urllib.parse import urlsplit

    ask("any data engineer jobs in Seattle?")
    asked = ask("/join_talent_community")["replies"][-1]
    assert "email address" in asked["text"]
    again = [r["text"] for r in ask("my email is ana at example")["replies"]]
    assert "name@example.com" in again[0] and "email address" in again[-1]
    where = ask("ana.e2e@example.org")["replies"][-1]
    assert [b["title"] for b in where["buttons"]] == ["Seattle", "Anywhere"]
    consent = ask("Seattle")["replies"][-1]
    assert "once a day" in consent["text"] and [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]
    done = ask("/affirm")["replies"][-1]
    assert "confirmation link" in done["text"]

    mails = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in (stack.var_dir / "outbox").glob("*.eml")
    ]
    [mail] = [m for m in mails if m["To"] == "ana.e2e@example.org"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = urlsplit(re.search(r"https?://\S+/api/talent/confirm\?token=\S+", mail.get_content()).group(0))
    path = f"{url.path}?{url.query}"
    assert http.get(path).status_code == 200
    confirmed = http.post(path)
    assert confirmed.status_code == 200 and "You&#x27;re in" in confirmed.text
    # The export by email names the sign-up (api/privacy); the transcript is erased with it.
    import subprocess

    from tests.e2e.conftest import API_PY, ROOT

    out = subprocess.run(
        [str(API_PY), "-m", "api.privacy", "export", "--email", "ana.e2e@example.org"],
        env=stack.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert '"talent_community"' in out.stdout and "Seattle" in out.stdout
