"""Rate limits on POST /api/staff/login through the real app and its account store: guessing a
password is stopped per account and per client address, whatever the answer would have been."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from api.users.service import add_user
from tests.api.test_ratelimit import FakeClock

PASSWORD = "a long enough password"


def sign_in(c: TestClient, username: str, password: str = "wrong guess", **headers: str):
    return c.post("/api/staff/login", json={"username": username, "password": password}, headers=headers)


def account() -> str:
    name = f"rl-{uuid.uuid4().hex[:8]}"
    add_user(name, PASSWORD, "staff")
    return name


def test_attempts_over_the_account_limit_are_429_even_with_the_right_password(app_with):
    c = app_with(CA_RATE_LIMIT_LOGIN_USERNAME="3/hour", CA_RATE_LIMIT_LOGIN_ADDRESS="100/hour")
    name = account()
    assert [sign_in(c, name).status_code for _ in range(3)] == [401, 401, 401]
    r = sign_in(c, name, PASSWORD)
    assert r.status_code == 429 and "set-cookie" not in r.headers
    assert 1150 <= int(r.headers["retry-after"]) <= 1200  # one attempt every 20 minutes from now on
    assert r.json() == {"detail": "Too many sign-in attempts; please wait 20 minutes and try again."}


def test_the_account_limit_holds_from_every_address_and_every_spelling(app_with):
    c = app_with(CA_RATE_LIMIT_LOGIN_USERNAME="3/hour", CA_RATE_LIMIT_LOGIN_ADDRESS="100/hour")
    name = account()
    for i in range(3):
        sign_in(TestClient(c.app, client=(f"198.51.100.{i}", 50000)), name)
    assert sign_in(TestClient(c.app, client=("198.51.100.99", 50000)), name).status_code == 429
    assert sign_in(c, name.upper()).status_code == 429
    assert sign_in(c, account()).status_code == 401  # another account is not affected


def test_attempts_over_the_address_limit_are_429_for_any_account(app_with):
    c = app_with(CA_RATE_LIMIT_LOGIN_USERNAME="off", CA_RATE_LIMIT_LOGIN_ADDRESS="3/hour")
    assert [sign_in(c, f"nobody-{i}").status_code for i in range(3)] == [401, 401, 401]
    assert sign_in(c, "someone-else").status_code == 429
    assert sign_in(TestClient(c.app, client=("198.51.100.7", 50000)), "someone-else").status_code == 401


def test_a_spoofed_x_forwarded_for_does_not_escape_the_sign_in_address_limit(app_with):
    c = app_with(CA_RATE_LIMIT_LOGIN_USERNAME="off", CA_RATE_LIMIT_LOGIN_ADDRESS="3/hour")
    codes = [sign_in(c, f"nobody-{i}", **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_after_the_wait_the_right_password_signs_in(app_with):
    c = app_with(CA_RATE_LIMIT_LOGIN_USERNAME="3/hour", CA_RATE_LIMIT_LOGIN_ADDRESS="100/hour")
    c.app.state.limiter.clock = FakeClock()
    name = account()
    for _ in range(3):
        sign_in(c, name)
    wait = int(sign_in(c, name, PASSWORD).headers["retry-after"])
    c.app.state.limiter.clock.advance(wait)
    r = sign_in(c, name, PASSWORD)
    assert r.status_code == 200 and r.json()["username"] == name
