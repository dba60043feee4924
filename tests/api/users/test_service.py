from __future__ import annotations

import pytest

from api.users.service import UserError, add_user, current, sign_in, sign_out


def test_password_is_hashed_with_argon2_and_sessions_work(client):
    add_user("carol", "a long enough password", "staff")
    from api.db import session_scope
    from api.users.models import User

    with session_scope() as s:
        assert s.get(User, "carol").password_hash.startswith("$argon2")
    token, who = sign_in("carol", "a long enough password")
    assert current(token).username == "carol" and who.role == "staff"
    sign_out(token)
    assert current(token) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("Bad Name", "a long enough password", "staff", "username"),
        ("dave", "short", "staff", "at least 10"),
        ("dave", "a long enough password", "admin", "role"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(client, username, password, role, message):
    with pytest.raises(UserError, match=message):
        add_user(username, password, role)


def test_duplicate_account_is_refused(client):
    add_user("erin", "a long enough password", "writer")
    with pytest.raises(UserError, match="already exists"):
        add_user("erin", "a long enough password", "writer")
