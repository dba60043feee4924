"""Signed candidate tokens: how the careers site tells the chat who is signed in.

The careers site (which knows its signed-in candidate) mints an HS256 JWT with `sub` = candidate
id and a short `exp`, using the secret it shares with this service, and the widget sends it as
`Authorization: Bearer <token>`. Nothing typed in the chat ever selects whose data is shown.

  python -m api.tokens issue --candidate demo-ana [--minutes 60]    (development and tests)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from typing import Literal

import jwt

from api.config import Settings, get_settings

ALGORITHM = "HS256"
AUDIENCE = "candidate-assistant"
# A per-turn status grant: what the gateway hands the dialogue tier instead of the candidate's token.
TURN_AUDIENCE = "candidate-assistant/status-turn"


@dataclass(frozen=True)
class Identity:
    status: Literal["valid", "expired", "invalid", "none"]
    candidate_id: str | None = None


def issue(settings: Settings, candidate_id: str, minutes: float = 60) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"sub": candidate_id, "aud": AUDIENCE, "iat": now, "exp": now + dt.timedelta(minutes=minutes)}
    return jwt.encode(claims, settings.candidate_secret(), algorithm=ALGORITHM)


def verify(settings: Settings, token: str | None) -> Identity:
    if not token:
        return Identity("none")
    try:
        claims = jwt.decode(
            token,
            settings.candidate_secret(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        return Identity("expired")
    except jwt.InvalidTokenError:
        return Identity("invalid")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        return Identity("invalid")
    return Identity("valid", sub)


def issue_turn_grant(settings: Settings, candidate_id: str, conversation_id: str, seconds: float) -> str:
    """A status grant for one chat turn, instead of the candidate's token in the dialogue tier.

    The token is a credential for as long as the careers site made it (an hour, say) and Rasa keeps
    message metadata in its tracker store: the gateway never sends it there. The grant names the
    candidate the gateway verified and the conversation, lives as long as the turn may take, and is
    signed with the service secret (another key and audience than candidate tokens, so it opens
    nothing but this candidate's status, on this conversation, from the action server, now). The
    tracker store drops it before saving (rasa_ext/tracker_store.py) all the same.
    """
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "sub": candidate_id,
        "cid": conversation_id,
        "aud": TURN_AUDIENCE,
        "iat": now,
        "exp": now + dt.timedelta(seconds=seconds),
    }
    return jwt.encode(claims, settings.service_secret(), algorithm=ALGORITHM)


def verify_turn_grant(settings: Settings, grant: str | None, conversation_id: str | None) -> Identity:
    """The candidate a turn grant names, when it is intact, unexpired and for this conversation."""
    if not grant:
        return Identity("none")
    try:
        claims = jwt.decode(
            grant,
            settings.service_secret(),
            algorithms=[ALGORITHM],
            audience=TURN_AUDIENCE,
            options={"require": ["sub", "cid", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        return Identity("expired")
    except jwt.InvalidTokenError:
        return Identity("invalid")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or claims.get("cid") != conversation_id:
        return Identity("invalid")
    return Identity("valid", sub)


def bearer(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.tokens", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("issue", help="print a signed token for a candidate")
    cmd.add_argument("--candidate", required=True, help="candidate id (the token's sub)")
    cmd.add_argument("--minutes", type=float, default=60, help="lifetime (default 60)")
    args = parser.parse_args(argv)
    print(issue(get_settings(), args.candidate, args.minutes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
