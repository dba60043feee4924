"""Pure functions of the status flow: which application a candidate means, and reply fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ORDINALS = {"first": 0, "1st": 0, "one": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "one",
        "my",
        "job",
        "role",
        "position",
        "application",
        "app",
        "for",
        "in",
        "at",
        "i",
        "applied",
        "to",
        "of",
        "that",
        "which",
    ]
)


def option(app: dict[str, Any]) -> dict[str, str]:
    """What the conversation keeps about an application while the candidate picks one (no status)."""
    return {
        "id": app["id"],
        "job_title": app["job_title"],
        "requisition_id": app["requisition_id"],
        "location": app["location"],
        "label": f"{app['job_title']} ({app['location']})",
    }


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _initials(title: str) -> str:
    return "".join(w[0] for w in _words(title) if not w.isdigit() and w not in {"ii", "iii", "iv"})


def match_application(text: str, options: list[dict[str, str]]) -> str | None:
    """The id of the one option the text names (id, requisition, title words, initials like "SDE",
    city, or "the second one"), or None when it names none or several."""
    if not options:
        return None
    raw = text.strip().lower()
    for opt in options:
        if raw in (opt["id"].lower(), opt["requisition_id"].lower()):
            return opt["id"]
    words = [w for w in _words(text) if w not in _FILLER] or _words(text)
    hits = []
    for opt in options:
        vocabulary = set(_words(f"{opt['job_title']} {opt['location']} {opt['requisition_id']}"))
        if any(w in vocabulary or w == _initials(opt["job_title"]) for w in words):
            hits.append(opt["id"])
    if len(hits) == 1:
        return hits[0]
    if not hits:
        for word in _words(text):
            if word in _ORDINALS and _ORDINALS[word] < len(options):
                return options[_ORDINALS[word]]["id"]
            if word.isdigit() and 1 <= int(word) <= len(options):
                return options[int(word) - 1]["id"]
    return None


def status_fields(app: dict[str, Any]) -> dict[str, str]:
    """Values for the `utter_status_one` template."""
    updated = dt.date.fromisoformat(str(app["last_update"]))
    return {
        "job_title": app["job_title"],
        "requisition_id": app["requisition_id"],
        "location": app["location"],
        "stage_label": app["stage_label"],
        "state_label": app["state_label"],
        "last_update": f"{updated.day} {updated:%B %Y}",
        "next_step": app["next_step"],
    }
