"""The status endpoint through the real app and the built-in SQLite store (demo candidates)."""

from __future__ import annotations

import asyncio
import time

import pytest

from api.status.adapters import HttpStatusAdapter, StatusUnavailable

SERVICE = {"X-Service-Token": "test-token"}


def get(client, token=None, service=SERVICE):
    headers = dict(service)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get("/api/status/applications", headers=headers)


def test_candidate_sees_only_their_own_applications(client, token_for):
    ben = get(client, token_for("demo-ben")).json()
    assert ben["candidate_id"] == "demo-ben"
    assert [a["id"] for a in ben["applications"]] == ["app-2001", "app-2002"]
    ana = get(client, token_for("demo-ana")).json()
    assert [a["id"] for a in ana["applications"]] == ["app-1001"]
    assert ana["applications"][0]["stage_label"] == "phone interview"


def test_unknown_candidate_has_no_applications(client, token_for):
    assert get(client, token_for("nobody")).json()["applications"] == []


@pytest.mark.parametrize("bad", ["expired", "tampered", "missing"])
def test_without_a_valid_candidate_token_it_is_401(client, token_for, bad):
    token = {"expired": token_for("demo-ana", -1), "tampered": token_for("demo-ana")[:-3] + "abc", "missing": None}[bad]
    r = get(client, token)
    assert r.status_code == 401 and "sign in" in r.json()["detail"]


def test_without_the_service_token_it_is_401(client, token_for):
    assert get(client, token_for("demo-ana"), service={}).status_code == 401


def test_ats_adapter_that_does_not_answer_is_unavailable_quickly():
    adapter = HttpStatusAdapter("http://127.0.0.1:9", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StatusUnavailable):
        asyncio.run(adapter.applications("demo-ana"))
    assert time.monotonic() - started < 3


def test_the_actions_turn_grant_shows_that_candidate_on_that_conversation_only(client):
    from api.config import get_settings
    from api.tokens import issue_turn_grant

    grant = issue_turn_grant(get_settings(), "demo-ben", "c-7", seconds=30)
    headers = {**SERVICE, "Authorization": f"Bearer {grant}", "X-Conversation-Id": "c-7"}
    ben = client.get("/api/status/applications", headers=headers).json()
    assert [a["id"] for a in ben["applications"]] == ["app-2001", "app-2002"]
    elsewhere = client.get("/api/status/applications", headers={**headers, "X-Conversation-Id": "c-8"})
    assert elsewhere.status_code == 401
    expired = issue_turn_grant(get_settings(), "demo-ben", "c-7", seconds=-1)
    assert (
        client.get("/api/status/applications", headers={**headers, "Authorization": f"Bearer {expired}"}).status_code
        == 401
    )
