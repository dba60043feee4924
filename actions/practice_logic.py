"""Interview practice replies, as pure functions of the service's answers (no Rasa, no HTTP): the
question with its principle, the list of principles, and the feedback built from a review.

The feedback shows what the candidate's own words contain; it never scores them.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

PARTS = ("situation", "task", "action", "result")
QUOTE_CHARS = 160
QUOTES_PER_PART = 2

ANOTHER = {"title": "Another question", "payload": "/practice"}
PICK = {"title": "Pick a principle", "payload": "/practice_principles"}
STOP = {"title": "Stop practising", "payload": "/stop_practice"}
TRY_AGAIN = {"title": "Try again", "payload": "/practice_retry"}
BACK = {"title": "Back to questions", "payload": "/practice_principles"}

PRIVACY_NOTE = (
    "Your practice answers are kept only in this conversation: they are exported and erased with it, "
    "and used for nothing else."
)
HOW_TO_ANSWER = (
    "Answer with one specific example, as you would in the interview: the situation, your task, what you did "
    "and the result. Type or paste it as one message."
)
LOOKS_LIKE_A_QUESTION = (
    "That looks like a question rather than a practice answer. Practice is still on: answer the question above, "
    "or tap Stop practising to ask me about hiring."
)


def pick_question(
    principles: list[dict[str, Any]],
    principle: str | None = None,
    exclude: str | None = None,
    rng: random.Random | None = None,
) -> dict[str, Any] | None:
    """A question (of `principle`, when it names one), not the one just asked when there is another."""
    wanted = (principle or "").casefold().strip()
    chosen = [p for p in principles if wanted and p["name"].casefold() == wanted] or principles
    pool = [q for p in chosen for q in p["questions"]]
    fresh = [q for q in pool if q["id"] != exclude] or pool
    return (rng or random).choice(fresh) if fresh else None


def description_of(principles: list[dict[str, Any]], name: str) -> str:
    return next((str(p.get("description") or "") for p in principles if p["name"] == name), "")


def question_payload(question: dict[str, Any], description: str, first: bool, retry: bool = False) -> dict[str, Any]:
    lines = [PRIVACY_NOTE] if first else []
    lead = "Try again" if retry else "Practice question"
    lines.append(f"{lead} ({question['principle']}): {question['text']}")
    if description:
        lines.append(description)
    lines.append(HOW_TO_ANSWER)
    return {"kind": "practice", "text": "\n".join(lines), "buttons": [ANOTHER, PICK, STOP], "sources": []}


def principles_payload(principles: list[dict[str, Any]]) -> dict[str, Any]:
    buttons = [
        {
            "title": p["name"],
            "payload": "/practice" + json.dumps({"practice_principle": p["name"]}, separators=(",", ":")),
        }
        for p in principles
    ]
    return {
        "kind": "practice",
        "text": "Pick a Leadership Principle to practise (descriptions are in our own words):",
        "buttons": [*buttons, STOP],
        "sources": [],
    }


def summary(review: dict[str, Any], question_id: str | None) -> dict[str, Any]:
    """What the next attempt is compared with (no answer text: the slot needs none)."""
    return {
        "question_id": question_id,
        "kind": review["kind"],
        "missing": list(review["missing"]),
        "quantified": bool(review["quantified_result"]),
        "i": int(review["first_person"]["i"]),
        "we": int(review["first_person"]["we"]),
        "words": int(review["words"]),
    }


def _quote(sentence: str) -> str:
    text = sentence if len(sentence) <= QUOTE_CHARS else sentence[: QUOTE_CHARS - 1].rstrip() + "…"
    return f"“{text}”"


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def comparison(previous: dict[str, Any], now: dict[str, Any]) -> str:
    """One line on what changed since the last attempt at the same question."""
    changes = []
    added = [p for p in previous["missing"] if p not in now["missing"]]
    lost = [p for p in now["missing"] if p not in previous["missing"]]
    if previous["kind"] != "story" and now["kind"] == "story":
        changes.append("it now tells a story")
    if added and previous["kind"] == now["kind"] == "story":
        changes.append("it now has " + " and ".join(f"a {p}" for p in added))
    if lost:
        changes.append("the " + " and ".join(lost) + " you had before is missing")
    if now["quantified"] and not previous["quantified"]:
        changes.append("the result is now measurable")
    if now["i"] > previous["i"] and now["we"] <= previous["we"]:
        changes.append('more of the actions say "I"')
    changes.append(f"{now['words']} words (was {previous['words']})")
    return "Compared with your last attempt: " + "; ".join(changes) + "."


_ASKING = re.compile(
    r"^\W*(?:what|whats|how|when|where|who|why|which|is|are|do|does|can|could|will|would|should)\b", re.IGNORECASE
)
# A question is short: a practice answer that opens with "How" ("How I handled it: ...") goes on.
QUESTION_WORDS = 40


def _asks(answer: str) -> bool:
    """Whether a text that is no story asks something ("how long is the work style test? can i apply to
    two roles?", "when do internships open") rather than answers the practice question."""
    text = answer.strip()
    return len(text.split()) <= QUESTION_WORDS and (text.endswith("?") or bool(_ASKING.match(text)))


def feedback_payload(
    review: dict[str, Any], answer: str, previous: dict[str, Any] | None, question_id: str | None
) -> dict[str, Any]:
    """The practice_feedback reply: one line per finding, then what to try next."""
    buttons = [TRY_AGAIN, ANOTHER, BACK, STOP]
    length = (
        f"Length: {review['words']} words, about {_duration(review['speaking_seconds'])} to say "
        "(a two-minute answer is about 250-350 words)."
    )
    if review["kind"] != "story" and _asks(answer):
        return {"kind": "practice_feedback", "text": LOOKS_LIKE_A_QUESTION, "buttons": [STOP, ANOTHER], "sources": []}
    now = summary(review, question_id)
    lines: list[str] = []
    if review["kind"] != "story":
        lines.append(f"This is not a story yet. {review['suggestions'][0]}")
        lines.append(length)
    else:
        lines.append("What your answer shows (no score: just what your words contain):")
        for part in PARTS:
            sentences = review["parts"][part]
            if sentences:
                quotes = " ".join(_quote(s) for s in sentences[:QUOTES_PER_PART])
                more = f" (and {len(sentences) - QUOTES_PER_PART} more)" if len(sentences) > QUOTES_PER_PART else ""
                lines.append(f"{part.capitalize()}: {quotes}{more}")
            else:
                lines.append(f"{part.capitalize()}: not found.")
        i, we = review["first_person"]["i"], review["first_person"]["we"]
        lines.append(
            f'I or we: your actions say "I" {_times(i)} and "we" {_times(we)}.'
            + (" Say what you did yourself, with “I”." if we > i else "")
        )
        lines.append(
            "Measurable result: yes, the result has a number, time or amount."
            if review["quantified_result"]
            else "Measurable result: not yet (a number, a percentage, time or money saved)."
        )
        lines.append(length)
        if review["principles"]:
            found = "; ".join(f"{p['name']} ({', '.join(p['evidence'])})" for p in review["principles"])
            lines.append(f"It may speak to: {found}. That is a suggestion from your words, not a judgement.")
        if review["suggestions"]:
            lines.append(f"One thing to try: {review['suggestions'][0]}")
    if previous and previous.get("question_id") == question_id:
        lines.append(comparison(previous, now))
    return {"kind": "practice_feedback", "text": "\n".join(lines), "buttons": buttons, "sources": []}
