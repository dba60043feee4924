"""Several questions in one message: "3 qs: 1) how long is the work style test 2) is the final round in
person 3) can i apply to more than one role", "two things - whats a bar raiser, and how soon do you get
back to people after the phone interview?".

Candidates write like this in a chat box; one search for the whole message finds the section closest to
the mix and answers one of the questions, or none. The knowledge service asks each part on its own and
answers with a section for each (api/knowledge/service.py). Splitting is deliberately conservative: a
part must be a question of its own (it opens with a question word or ends with "?") with words of its own,
so "do i need a resume, and if so how long?" stays one question.
"""

from __future__ import annotations

import re

# The words a question opens with.
_WORDS_ASKING = (
    r"what|whats|what's|how|when|where|who|whos|who's|why|which|is|are|do|does|did|can|could|will|would|should"
    # Chat's "are": "and r the onsites still in person?"
    r"|r"
)
# "1) ...", "2. ...", "(3) ...", "#2 ...": numbered questions.
_NUMBERED = re.compile(r"(?:^|\s)(?:\(?[1-9][\).:]|#[1-9])\s+")
# "..., and how soon do you get back?", "...; also is it virtual": a second question joined to the first.
_JOINED = re.compile(rf"\s*[,;]\s*(?:and|also|plus|oh and|and also)\s+(?=(?:{_WORDS_ASKING})\b)", re.IGNORECASE)
# "how many steps are there, do u do brain teasers": a comma alone before the next question...
_COMMA = re.compile(rf"\s*,\s*(?=(?:{_WORDS_ASKING})\b)", re.IGNORECASE)
# ...unless what comes before it is a condition of the question after it ("what if i dont have work
# experience, can i use school projects", "when i get there, who do i ask").
_CONDITION = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)*(?:what\s+if|if|once|assuming|in\s+case|when\s+(?:i|you|u)\b(?!\s+(?:get|hear)\s+back))",
    re.IGNORECASE,
)
# A question mark followed by more words: the next sentence may be another question.
_AFTER_MARK = re.compile(r"\?+\s+")
_QUESTION_OPENING = re.compile(
    rf"^\W*(?:(?:and|also|plus|oh|ok|okay|so|but|then)\W+)*(?:{_WORDS_ASKING}|any)\b", re.IGNORECASE
)
# "hey! two things - whats a bar raiser": a greeting or an announcement before the first question.
_PREAMBLE = re.compile(rf"^.{{0,40}}?[-:!–—]\s+(?=(?:{_WORDS_ASKING})\b)", re.IGNORECASE)
_POINTS_BACK = re.compile(
    r"\b(?:it|its|that|this|they|them|their|those|these)\b|\bthe\s+(?:other\s+|first\s+|second\s+)?ones?\b",
    re.IGNORECASE,
)
# A part needs this many words to be a question of its own ("and why?" leans on the one before).
MIN_WORDS = 3
MAX_PARTS = 4


# "nothing fits me rn. can i get notified ...": a statement, then the question it is the context of.
_ASKS_AFTER_STATEMENT = re.compile(rf"[.!]\s+(?:{_WORDS_ASKING})\b", re.IGNORECASE)


def _is_question(part: str) -> bool:
    return (
        bool(_QUESTION_OPENING.match(part)) or part.rstrip().endswith("?") or bool(_ASKS_AFTER_STATEMENT.search(part))
    )


def _comma_parts(text: str) -> list[str]:
    """A text split at each comma that a question follows, a condition kept with its question."""
    parts: list[str] = []
    for piece in _COMMA.split(text):
        if parts and _CONDITION.match(parts[-1]):
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts


def split_questions(text: str) -> list[str]:
    """The questions of a message, in order, when it asks two to four of them; else [text]."""
    numbered = [p.strip(" -:;,") for p in _NUMBERED.split(f" {text}")]
    if len(numbered) >= 3:
        # The text before "1)" is a preamble ("3 qs:"), never a question.
        parts = [p for p in numbered[1:] if p]
    else:
        parts = []
        for sentence in _AFTER_MARK.split(text.strip()):
            for joined in _JOINED.split(sentence):
                parts.extend(_PREAMBLE.sub("", p, count=1) for p in _comma_parts(joined))
        parts = [p.strip(" -:;,") for p in parts if p.strip(" -:;,")]
        # Only questions count as parts; a statement before them is context ("i applied to 3 roles."),
        # which a part does not get.
        if sum(_is_question(p) for p in parts) < 2:
            return [text]
        parts = [p for p in parts if _is_question(p)]
    parts = [p for p in parts if len(p.split()) >= MIN_WORDS]
    if not 2 <= len(parts) <= MAX_PARTS:
        return [text]
    # "when do i take it? before or after applying?": a later part that does not open as a question, or
    # that points back ("what's it based on?"), goes on with the one before: one question.
    if any(not _QUESTION_OPENING.match(p) or _POINTS_BACK.search(p) for p in parts[1:]):
        return [text]
    return parts
