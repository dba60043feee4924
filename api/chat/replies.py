"""Turns what Rasa's REST channel returns into typed replies."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from api.chat.schemas import Button, Reply

log = logging.getLogger(__name__)

# The gateway's own words for the one case where the dialogue tier produced nothing at all.
NO_REPLY = Reply(
    kind="error",
    text="Sorry, something went wrong on our side and I could not answer that. Please try again, "
    "or I can connect you with a person.",
    buttons=[Button(title="Talk to a person", payload="/request_human")],
)


PERSON = Button(title="Talk to a person", payload="/request_human")


def offer_person(replies: list[Reply]) -> None:
    """After two unhelpful answers in a row, the last reply offers a person (once)."""
    if replies and not any(b.payload == PERSON.payload for r in replies for b in r.buttons):
        replies[-1].buttons.append(PERSON)


def to_replies(messages: list[dict[str, Any]]) -> list[Reply]:
    """Rasa sends `custom` payloads (our actions and domain responses) or plain text/buttons."""
    replies: list[Reply] = []
    for msg in messages:
        custom = msg.get("custom")
        if isinstance(custom, dict) and "kind" in custom:
            try:
                replies.append(Reply.model_validate(custom))
            except ValidationError:
                log.error("dialogue tier sent a malformed custom payload (kind=%r)", custom.get("kind"))
            continue
        text = msg.get("text")
        if text:
            buttons = [Button(title=b.get("title", ""), payload=b.get("payload", "")) for b in msg.get("buttons") or []]
            replies.append(Reply(kind="chitchat", text=text, buttons=buttons))
    return replies or [NO_REPLY]
