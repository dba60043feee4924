"""Which '/intent' messages a client may send.

Rasa treats a message starting with '/' as a ready-made intent (with entities), bypassing NLU.
Buttons need that, but a typed '/restart' or '/inform{"x": ...}' must not steer the dialogue, so
anything but the payloads our buttons use is sent on as plain text.
"""

from __future__ import annotations

import re

_ALLOWED = re.compile(
    r"^/(?:request_human|check_my_status|capabilities|greet|affirm|deny|more_jobs|refine_jobs|join_talent_community"
    # Interview practice buttons (docs/practice.md): a principle is named by its public name.
    r"|practice|practice_principles|practice_retry|stop_practice"
    r'|practice\{"practice_principle": ?"[A-Za-z ,;\'’]{1,60}"\}'
    r'|inform_application\{"application_choice": ?"[A-Za-z0-9_.-]{1,64}"\}'
    r'|ask_hiring\{"section_id": ?"[a-z0-9-]{1,80}#[a-z0-9-]{1,80}"\})$'
)


def sanitise(message: str) -> str:
    if message.startswith("/") and not _ALLOWED.match(message):
        # Only slashes left ("///") is no question at all; "?" reaches the dialogue as such.
        return message.lstrip("/").strip() or "?"
    return message
