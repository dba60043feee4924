"""Pure functions that turn a search result into the custom payload the gateway expects."""

from __future__ import annotations

import json
from typing import Any


def response_text(domain: dict[str, Any], name: str) -> str:
    """The text of a domain response (first variation), so wording stays in the domain."""
    variations = domain.get("responses", {}).get(name) or [{}]
    first = variations[0]
    return str((first.get("custom") or {}).get("text") or first.get("text") or "")


def source_of(passage: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": passage["title"],
        "path": passage["path"],
        "heading": passage["heading"],
        "url": passage.get("url"),
    }


def answer_payload(result: dict[str, Any]) -> dict[str, Any]:
    passages = result["passages"]
    return {
        "kind": "answer",
        "text": "\n\n".join(p["text"] for p in passages),
        "buttons": [],
        "sources": [source_of(p) for p in passages],
    }


def clarify_payload(result: dict[str, Any], intro: str) -> dict[str, Any]:
    buttons = [
        {"title": p["heading"], "payload": "/ask_hiring" + json.dumps({"section_id": p["id"]}, separators=(",", ":"))}
        for p in result["passages"]
    ]
    return {"kind": "clarify", "text": intro, "buttons": buttons, "sources": []}
