"""The talent community end to end on the real app and a real local SMTP server (aiosmtpd): the
double opt-in, the daily digest of new matching jobs, one-click unsubscribe, and personal data."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from api.config import Settings, get_settings
from api.jobs import store
from api.jobs.adapters import parse
from api.jobs.search import Criteria
from api.talent import service
from tests.redis_server import free_port

FIXTURES = Path(__file__).parents[1] / "jobs" / "fixtures"
SERVICE = {"X-Service-Token": "test-token"}
ADDRESS = "Ana.Candidate@Example.org"
CONSENT = "Email me new matching jobs at most once a day until I unsubscribe; keep my address for that only."


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, str]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, f"smtp://127.0.0.1:{port}"
    controller.stop()


def link(message: email.message.EmailMessage, action: str) -> str:
    body = message.get_content()
    url = re.search(rf"https?://\S+/api/talent/{action}\?token=\S+", body)
    assert url, body
    parts = urlsplit(url.group(0))
    return f"{parts.path}?{parts.query}"


def test_double_opt_in_digest_and_one_click_unsubscribe(app_with, inbox, caplog) -> None:
    box, smtp = inbox
    app = app_with(CA_SMTP_URL=smtp, CA_PUBLIC_URL="https://careers.example.com")
    caplog.set_level(logging.DEBUG)
    body = {
        "email": ADDRESS,
        "interests": {"q": "software engineer", "location": "", "team": "", "employment_type": "", "remote": None},
        "location": "New York",
        "consent": True,
        "consent_text": CONSENT,
    }
    r = app.post("/api/internal/talent/join", json=body, headers=SERVICE)
    assert r.status_code == 202 and r.json() == {"status": "pending"}
    [confirmation] = box.messages
    assert confirmation["To"] == "ana.candidate@example.org"
    assert confirmation["List-Unsubscribe"].startswith("<https://careers.example.com/api/talent/unsubscribe?token=")
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Nothing but the confirmation goes to an unconfirmed address, whatever the feed brings.
    jobs = app.app.state.jobs
    _, postings = parse((FIXTURES / "lever.json").read_bytes())
    store.import_postings(postings[1:], "talent-test", jobs.embedder)
    jobs.reload_if_changed()
    assert service.send_digests(get_settings(), jobs.index, jobs.embedder) == 0

    # The link shows a page; its button confirms (a mail scanner's GET confirms nothing).
    confirm = link(confirmation, "confirm")
    page = app.get(confirm)
    assert page.status_code == 200 and '<form method="post"' in page.text
    assert app.post(confirm).status_code == 200
    assert app.post(confirm).status_code == 200  # a second press is harmless

    # New jobs after the confirmation: the matching one (Backend Software Engineer, New York) is sent.
    store.import_postings(postings, "talent-test", jobs.embedder)
    jobs.reload_if_changed()
    assert service.send_digests(get_settings(), jobs.index, jobs.embedder) == 1
    digest = box.messages[-1]
    text = digest.get_content()
    assert "Backend Software Engineer" in text and "Product Design Intern" not in text
    assert "jobs.lever.co/examplecorp/5ac21346" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # At most one a day.
    assert service.send_digests(get_settings(), jobs.index, jobs.embedder) == 0

    # One click: the mail client's POST to the List-Unsubscribe URL deletes the member.
    one_click = urlsplit(digest["List-Unsubscribe"].strip("<>"))
    r = app.post(f"{one_click.path}?{one_click.query}", content="List-Unsubscribe=One-Click")
    assert r.status_code == 200 and "Unsubscribed" in r.text
    assert service.export_email(ADDRESS) == []
    assert app.post(f"{one_click.path}?{one_click.query}").status_code == 404
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=2)
    assert service.send_digests(get_settings(), jobs.index, jobs.embedder, now=later) == 0
    # No address in the logs, at any level.
    assert "example.org" not in caplog.text.lower()
    store.import_postings([], "talent-test", jobs.embedder)  # the shared app's other tests see no trace


def test_the_confirmation_email_s_unsubscribe_link_deletes_the_sign_up(app_with, inbox) -> None:
    box, smtp = inbox
    app = app_with(CA_SMTP_URL=smtp)
    body = {"email": "b@example.net", "location": "", "consent": True, "consent_text": CONSENT}
    assert app.post("/api/internal/talent/join", json=body, headers=SERVICE).status_code == 202
    leave = link(box.messages[-1], "unsubscribe")
    assert "Unsubscribe" in app.get(leave).text
    assert app.post(leave).status_code == 200 and service.export_email("b@example.net") == []
    assert app.post(link(box.messages[-1], "confirm")).status_code == 404


@pytest.mark.parametrize(
    ("change", "detail"),
    [({"consent": False}, "consent"), ({"email": "not-an-address"}, "not an email address")],
)
def test_no_consent_or_no_address_keeps_nothing(client, change, detail) -> None:
    body = {"email": "c@example.net", "consent": True, "consent_text": CONSENT, **change}
    r = client.post("/api/internal/talent/join", json=body, headers=SERVICE)
    assert r.status_code == 422 and detail in r.json()["detail"]
    assert service.export_email("c@example.net") == []
    assert client.post("/api/internal/talent/join", json=body).status_code in (401, 422)


def test_a_forged_unsubscribe_link_is_refused(client) -> None:
    assert client.post("/api/talent/unsubscribe?token=1.0000").status_code == 404
    assert client.post("/api/talent/unsubscribe?token=x").status_code == 404
    assert client.post("/api/talent/unsubscribe?token=%C2%B2.1").status_code == 404  # "²": a digit to isdigit()
    assert client.post("/api/talent/confirm?token=nope").status_code == 404


def test_without_smtp_the_email_goes_to_the_outbox_and_members_are_personal_data(tmp_path) -> None:
    from tests.api.jobs.conftest import private_db

    with private_db(tmp_path):
        settings = Settings(var_dir=tmp_path, candidate_token_secret="s" * 32)
        service.join(settings, "d@example.net", Criteria(q="data engineer"), CONSENT)
        [eml] = (tmp_path / "outbox").glob("*.eml")
        assert eml.stat().st_mode & 0o077 == 0
        assert b"d@example.net" in eml.read_bytes()
        from api.privacy.service import _held

        [held] = _held(None, "D@example.net")["talent_community"]
        assert held["interests"]["q"] == "data engineer" and held["consent"] == CONSENT
        # Retention: an unconfirmed sign-up is deleted after talent_pending_days.
        assert service.purge_expired(settings) == 0
        assert (
            service.purge_expired(settings, now=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8))
            == 1
        )
        service.join(settings, "d@example.net", Criteria(), CONSENT)
        assert service.erase_email("d@example.net") == 1
