"""Creating accounts, checking passwords (argon2) and managing sign-in sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete

from api.clock import utcnow
from api.db import session_scope
from api.users.models import ROLES, User, UserSession

SESSION_HOURS = 12
_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9._-]{2,64}$")
# A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class UserError(ValueError):
    """A request about accounts that cannot be carried out, with a reason a person can act on."""


@dataclass(frozen=True)
class SignedIn:
    username: str
    role: str
    csrf_token: str


def add_user(username: str, password: str, role: str) -> None:
    if not _USERNAME.match(username):
        raise UserError("username must be 2-64 lowercase letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise UserError("password must be at least 10 characters")
    with session_scope() as session:
        if session.get(User, username) is not None:
            raise UserError(f"user {username} already exists")
        session.add(User(username=username, password_hash=_hasher.hash(password), role=role))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(username: str, password: str) -> tuple[str, SignedIn] | None:
    """A new session cookie value and who it is for, or None for a wrong name or password."""
    with session_scope() as session:
        user = session.get(User, username)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        session.execute(delete(UserSession).where(UserSession.expires_at < utcnow()))
        session.add(
            UserSession(
                token_hash=_digest(token),
                username=user.username,
                csrf_token=csrf,
                expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS),
            )
        )
        return token, SignedIn(user.username, user.role, csrf)


def current(token: str | None) -> SignedIn | None:
    if not token:
        return None
    with session_scope() as session:
        row = session.get(UserSession, _digest(token))
        if row is None or row.expires_at < utcnow():
            return None
        user = session.get(User, row.username)
        return SignedIn(user.username, user.role, row.csrf_token) if user else None


def sign_out(token: str | None) -> None:
    if token:
        with session_scope() as session:
            session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))
